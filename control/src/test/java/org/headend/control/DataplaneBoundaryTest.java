package org.headend.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.headend.dataplane.api.Dataplane;
import org.junit.jupiter.api.Test;

/**
 * {@code org.headend.dataplane.api} is the only door into the data plane: no class of control's main code refers to
 * a type of any other data-plane package. Read from the compiled classes (every name in their constant pools:
 * imports, fully qualified uses, and the types in the signatures of the API methods control calls), so a type that
 * leaks through an API method's parameters or result counts too.
 */
class DataplaneBoundaryTest
{
    /** A data-plane type as class files name it, in a class name or a descriptor. */
    private static final Pattern DATAPLANE_TYPE = Pattern.compile("org/headend/dataplane/(\\w+)/[\\w$/]+");

    @Test
    void shouldReferToNoDataplaneTypeOutsideApiWhenControlIsCompiled() throws IOException, URISyntaxException
    {
        final Path classes = classesOf(Appliance.class);
        final Set<String> crossings = new TreeSet<>();
        int checked = 0;
        boolean usesApi = false;
        try (Stream<Path> files = Files.walk(classes))
        {
            for (final Path file : files.filter(f -> f.toString().endsWith(".class")).toList())
            {
                checked++;
                final String name = classes.relativize(file).toString();
                for (final String type : dataplaneTypes(Files.readAllBytes(file)))
                {
                    if (type.startsWith("org/headend/dataplane/api/"))
                    {
                        usesApi = true;
                    }
                    else
                    {
                        crossings.add(name + " -> " + type);
                    }
                }
            }
        }
        assertTrue(checked >= 100, "found only " + checked + " classes under " + classes);
        assertTrue(usesApi, "control talks to the data plane, so some class must use dataplane.api");
        assertEquals(List.of(), List.copyOf(crossings), "control reaches past dataplane.api");
    }

    @Test
    void shouldSeeInternalTypesWhenClassUsesThem() throws IOException
    {
        // the API's own implementation uses the internals: proof the scan finds them where they are
        final byte[] dataplane;
        try (java.io.InputStream in = Dataplane.class.getResourceAsStream("Dataplane.class"))
        {
            dataplane = in.readAllBytes();
        }
        assertTrue(dataplaneTypes(dataplane).stream().anyMatch(t -> t.startsWith("org/headend/dataplane/tunnel/")),
            "Dataplane.class refers to dataplane.tunnel types");
    }

    private static Path classesOf(final Class<?> type) throws URISyntaxException
    {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Every data-plane type named in the class file's constant pool. */
    private static Set<String> dataplaneTypes(final byte[] classFile)
    {
        final Set<String> types = new TreeSet<>();
        for (final PoolEntry entry : ClassFile.of().parse(classFile).constantPool())
        {
            if (entry instanceof Utf8Entry utf8)
            {
                final Matcher matcher = DATAPLANE_TYPE.matcher(utf8.stringValue());
                while (matcher.find())
                {
                    types.add(matcher.group());
                }
            }
        }
        return types;
    }
}
