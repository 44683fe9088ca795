package org.headend.control.cli;

import java.util.Collection;
import java.util.Map;

/** A small JSON writer for {@code | json}: maps (in their order), collections, strings, numbers, booleans, null. */
public final class Json
{
    private Json()
    {
    }

    /** Pretty-prints {@code value} with two-space indentation and a final newline. */
    public static String write(final Object value)
    {
        final StringBuilder out = new StringBuilder();
        write(value, 0, out);
        return out.append('\n').toString();
    }

    private static void write(final Object value, final int depth, final StringBuilder out)
    {
        switch (value)
        {
            case null -> out.append("null");
            case String text -> string(text, out);
            case Boolean b -> out.append(b);
            case Integer i -> out.append(i);
            case Long l -> out.append(l);
            case Number n -> out.append(Double.isFinite(n.doubleValue()) ? n.toString() : "null");
            case Map<?, ?> map ->
            {
                if (map.isEmpty())
                {
                    out.append("{}");
                    return;
                }
                out.append("{\n");
                int i = 0;
                for (final Map.Entry<?, ?> entry : map.entrySet())
                {
                    indent(depth + 1, out);
                    string(String.valueOf(entry.getKey()), out);
                    out.append(": ");
                    write(entry.getValue(), depth + 1, out);
                    out.append(++i < map.size() ? ",\n" : "\n");
                }
                indent(depth, out);
                out.append('}');
            }
            case Collection<?> list ->
            {
                if (list.isEmpty())
                {
                    out.append("[]");
                    return;
                }
                out.append("[\n");
                int i = 0;
                for (final Object item : list)
                {
                    indent(depth + 1, out);
                    write(item, depth + 1, out);
                    out.append(++i < list.size() ? ",\n" : "\n");
                }
                indent(depth, out);
                out.append(']');
            }
            default -> string(value.toString(), out);
        }
    }

    private static void indent(final int depth, final StringBuilder out)
    {
        out.append("  ".repeat(depth));
    }

    private static void string(final String text, final StringBuilder out)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20 || c >= 0x7F)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
