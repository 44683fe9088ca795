package org.headend.it.tools;

import java.util.HashMap;
import java.util.Map;

/** --name value pairs for the small tools; nothing more. */
final class Args
{
    private final Map<String, String> values = new HashMap<>();

    Args(final String[] argv)
    {
        for (int i = 0; i < argv.length; i++)
        {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length)
            {
                throw new IllegalArgumentException("expected --name value pairs, got " + argv[i]);
            }
            values.put(argv[i].substring(2), argv[++i]);
        }
    }

    String get(final String name, final String fallback)
    {
        return values.getOrDefault(name, fallback);
    }

    String require(final String name)
    {
        final String v = values.get(name);
        if (v == null)
        {
            throw new IllegalArgumentException("missing --" + name);
        }
        return v;
    }

    long getLong(final String name, final long fallback)
    {
        final String v = values.get(name);
        return v == null ? fallback : Long.parseLong(v);
    }
}
