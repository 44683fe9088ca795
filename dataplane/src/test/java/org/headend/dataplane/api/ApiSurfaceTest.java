package org.headend.dataplane.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The other half of control's {@code DataplaneBoundaryTest}: what {@code dataplane.api} offers names no type of
 * another data-plane package, so the door cannot hand control an internal object (an egress queue, an inbound
 * sink, a compression state) to hold or call. Checked over every public or protected member of every public api
 * type: parameters, results, fields and their generic arguments.
 */
class ApiSurfaceTest
{
    private static final String API = Dataplane.class.getPackageName();
    private static final String DATAPLANE = "org.headend.dataplane.";

    @Test
    void shouldNameOnlyApiTypesWhenApiMembersArePublic() throws Exception
    {
        final List<Class<?>> types = apiTypes();
        assertTrue(types.size() >= 15, "found only " + types.size() + " api types");
        final Set<String> leaks = new TreeSet<>();
        for (final Class<?> type : types)
        {
            if (!Modifier.isPublic(type.getModifiers()))
            {
                continue;
            }
            for (final Method method : type.getDeclaredMethods())
            {
                if (visible(method.getModifiers()) && !method.isSynthetic())
                {
                    check(leaks, type, method.getName(), method.getGenericReturnType());
                    checkParameters(leaks, type, method);
                }
            }
            for (final Constructor<?> constructor : type.getDeclaredConstructors())
            {
                if (visible(constructor.getModifiers()))
                {
                    checkParameters(leaks, type, constructor);
                }
            }
            for (final Field field : type.getDeclaredFields())
            {
                if (visible(field.getModifiers()))
                {
                    check(leaks, type, field.getName(), field.getGenericType());
                }
            }
            check(leaks, type, "extends", type.getGenericSuperclass());
            for (final Type implemented : type.getGenericInterfaces())
            {
                check(leaks, type, "implements", implemented);
            }
        }
        assertEquals(List.of(), List.copyOf(leaks), "dataplane.api hands out internal types");
    }

    @Test
    void shouldFindLeakWhenSignatureNamesInternalType()
    {
        // proof the check sees an internal type where it hides: inside a generic argument
        final Set<String> leaks = new TreeSet<>();
        check(leaks, Object.class, "probe", new ParameterizedType()
        {
            @Override
            public Type[] getActualTypeArguments()
            {
                return new Type[] {org.headend.dataplane.tunnel.TunnelPath.class};
            }

            @Override
            public Type getRawType()
            {
                return List.class;
            }

            @Override
            public Type getOwnerType()
            {
                return null;
            }
        });
        assertEquals(Set.of("java.lang.Object.probe: org.headend.dataplane.tunnel.TunnelPath"), leaks);
    }

    private static boolean visible(final int modifiers)
    {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void checkParameters(final Set<String> leaks, final Class<?> owner, final Executable executable)
    {
        for (final Type parameter : executable.getGenericParameterTypes())
        {
            check(leaks, owner, executable.getName(), parameter);
        }
    }

    private static void check(final Set<String> leaks, final Class<?> owner, final String member, final Type type)
    {
        if (type instanceof Class<?> c)
        {
            final Class<?> element = c.isArray() ? c.componentType() : c;
            final String name = element.getName();
            if (name.startsWith(DATAPLANE) && !element.getPackageName().equals(API))
            {
                leaks.add(owner.getName() + "." + member + ": " + name);
            }
        }
        else if (type instanceof ParameterizedType p)
        {
            check(leaks, owner, member, p.getRawType());
            for (final Type argument : p.getActualTypeArguments())
            {
                check(leaks, owner, member, argument);
            }
        }
        else if (type instanceof GenericArrayType array)
        {
            check(leaks, owner, member, array.getGenericComponentType());
        }
        else if (type instanceof WildcardType wildcard)
        {
            for (final Type bound : wildcard.getUpperBounds())
            {
                check(leaks, owner, member, bound);
            }
            for (final Type bound : wildcard.getLowerBounds())
            {
                check(leaks, owner, member, bound);
            }
        }
    }

    /** Every class compiled into the api package, nested ones included. */
    private static List<Class<?>> apiTypes() throws IOException, URISyntaxException, ClassNotFoundException
    {
        final Path root = Path.of(Dataplane.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        final Path dir = root.resolve(API.replace('.', '/'));
        final List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList())
            {
                final String simple = file.getFileName().toString().replace(".class", "");
                types.add(Class.forName(API + "." + simple, false, Dataplane.class.getClassLoader()));
            }
        }
        return types;
    }
}
