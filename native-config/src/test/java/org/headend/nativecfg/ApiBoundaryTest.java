package org.headend.nativecfg;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Libc memory stays inside the module: outside the internal libc package, no public type takes or returns a
 * {@link MemorySegment}.
 */
class ApiBoundaryTest
{
    @Test
    void shouldExposeNoMemorySegmentWhenOutsideLibcPackage() throws IOException, URISyntaxException,
        ClassNotFoundException
    {
        final Path classes = Path.of(NativeCallException.class.getProtectionDomain().getCodeSource().getLocation()
            .toURI());
        final List<String> leaks = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(classes))
        {
            for (final Path file : files.filter((f) -> f.toString().endsWith(".class")).toList())
            {
                final String name = classes.relativize(file).toString().replace('/', '.').replace(".class", "");
                final Class<?> type = Class.forName(name, false, getClass().getClassLoader());
                if (!Modifier.isPublic(type.getModifiers()) || type.getPackageName().endsWith(".libc"))
                {
                    continue;
                }
                checked++;
                for (final Field field : type.getFields())
                {
                    if (field.getType() == MemorySegment.class)
                    {
                        leaks.add(field.toString());
                    }
                }
                final List<Executable> members = new ArrayList<>(Arrays.asList(type.getMethods()));
                members.addAll(Arrays.asList(type.getConstructors()));
                for (final Executable member : members)
                {
                    final boolean returns = member instanceof java.lang.reflect.Method method &&
                        method.getReturnType() == MemorySegment.class;
                    if (returns || Arrays.asList(member.getParameterTypes()).contains(MemorySegment.class))
                    {
                        leaks.add(member.toString());
                    }
                }
            }
        }
        assertTrue(checked >= 8, "found only " + checked + " public classes under " + classes);
        assertEquals(List.of(), leaks);
    }
}
