package org.headend.control.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON the etcd gateway speaks and the values this package stores: objects, arrays, strings, numbers (kept as
 * their text: etcd writes 64-bit numbers as strings anyway), booleans and null. Parsing is bounded in depth and
 * size, since the answers come over the network.
 */
final class Json
{
    /** The largest document accepted: a range of every session of a big cluster fits. */
    static final int MAX_CHARS = 64 * 1024 * 1024;
    private static final int MAX_DEPTH = 32;

    private final String text;
    private int at;

    private Json(final String text)
    {
        this.text = text;
    }

    /** The value {@code text} holds: a Map, List, String, Boolean, a number's text as {@link Num}, or null. */
    static Object parse(final String text)
    {
        if (text.length() > MAX_CHARS)
        {
            throw new IllegalArgumentException("JSON document larger than " + MAX_CHARS + " characters");
        }
        final Json json = new Json(text);
        final Object value = json.value(0);
        json.blanks();
        if (json.at != text.length())
        {
            throw json.error("trailing characters");
        }
        return value;
    }

    /** A JSON number, kept as written. */
    record Num(String text)
    {
        long asLong()
        {
            return Long.parseLong(text);
        }
    }

    /** The object {@code text} holds; an error when it is something else. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(final String text)
    {
        if (parse(text) instanceof Map<?, ?> map)
        {
            return (Map<String, Object>)map;
        }
        throw new IllegalArgumentException("JSON document is not an object");
    }

    /** {@code value} as JSON text (Map, List, String, Number, Boolean, null). */
    static String write(final Object value)
    {
        final StringBuilder out = new StringBuilder();
        write(out, value);
        return out.toString();
    }

    private static void write(final StringBuilder out, final Object value)
    {
        switch (value)
        {
            case null -> out.append("null");
            case String s -> quote(out, s);
            case Num n -> out.append(n.text());
            case Number n -> out.append(n);
            case Boolean b -> out.append(b);
            case Map<?, ?> map ->
            {
                out.append('{');
                boolean first = true;
                for (final Map.Entry<?, ?> e : map.entrySet())
                {
                    out.append(first ? "" : ",");
                    first = false;
                    quote(out, String.valueOf(e.getKey()));
                    out.append(':');
                    write(out, e.getValue());
                }
                out.append('}');
            }
            case List<?> list ->
            {
                out.append('[');
                for (int i = 0; i < list.size(); i++)
                {
                    out.append(i == 0 ? "" : ",");
                    write(out, list.get(i));
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName());
        }
    }

    private static void quote(final StringBuilder out, final String s)
    {
        out.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
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

    private Object value(final int depth)
    {
        if (depth > MAX_DEPTH)
        {
            throw error("nested deeper than " + MAX_DEPTH);
        }
        blanks();
        if (at >= text.length())
        {
            throw error("value expected");
        }
        final char c = text.charAt(at);
        return switch (c)
        {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object(final int depth)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        at++;
        blanks();
        if (peek() == '}')
        {
            at++;
            return map;
        }
        while (true)
        {
            blanks();
            if (peek() != '"')
            {
                throw error("member name expected");
            }
            final String name = string();
            blanks();
            expect(':');
            map.put(name, value(depth + 1));
            blanks();
            if (peek() == ',')
            {
                at++;
                continue;
            }
            expect('}');
            return map;
        }
    }

    private List<Object> array(final int depth)
    {
        final List<Object> list = new ArrayList<>();
        at++;
        blanks();
        if (peek() == ']')
        {
            at++;
            return list;
        }
        while (true)
        {
            list.add(value(depth + 1));
            blanks();
            if (peek() == ',')
            {
                at++;
                continue;
            }
            expect(']');
            return list;
        }
    }

    private String string()
    {
        at++;
        final StringBuilder out = new StringBuilder();
        while (at < text.length())
        {
            final char c = text.charAt(at++);
            if (c == '"')
            {
                return out.toString();
            }
            if (c != '\\')
            {
                out.append(c);
                continue;
            }
            if (at >= text.length())
            {
                break;
            }
            final char e = text.charAt(at++);
            switch (e)
            {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' ->
                {
                    if (at + 4 > text.length())
                    {
                        throw error("short \\u escape");
                    }
                    try
                    {
                        out.append((char)Integer.parseInt(text.substring(at, at + 4), 16));
                    }
                    catch (final NumberFormatException ex)
                    {
                        throw error("bad \\u escape");
                    }
                    at += 4;
                }
                default -> out.append(e);
            }
        }
        throw error("unterminated string");
    }

    private Num number()
    {
        final int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0)
        {
            at++;
        }
        if (start == at)
        {
            throw error("unexpected character");
        }
        return new Num(text.substring(start, at));
    }

    private Object literal(final String word, final Object value)
    {
        if (!text.startsWith(word, at))
        {
            throw error("unexpected word");
        }
        at += word.length();
        return value;
    }

    private char peek()
    {
        return at < text.length() ? text.charAt(at) : 0;
    }

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw error("'" + c + "' expected");
        }
        at++;
    }

    private void blanks()
    {
        while (at < text.length() && Character.isWhitespace(text.charAt(at)))
        {
            at++;
        }
    }

    private IllegalArgumentException error(final String why)
    {
        return new IllegalArgumentException("bad JSON at character " + at + ": " + why);
    }
}
