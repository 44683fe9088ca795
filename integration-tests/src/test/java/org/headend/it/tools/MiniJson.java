package org.headend.it.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Just enough JSON for the WebDriver wire protocol: parse to Map/List/String/Double/Boolean/null, and quote strings. */
final class MiniJson
{
    private final String text;
    private int at;

    private MiniJson(final String text)
    {
        this.text = text;
    }

    static Object parse(final String text)
    {
        final MiniJson json = new MiniJson(text);
        final Object value = json.value();
        json.space();
        if (json.at != text.length())
        {
            throw new IllegalArgumentException("trailing data at " + json.at);
        }
        return value;
    }

    static String quote(final String s)
    {
        final StringBuilder out = new StringBuilder("\"");
        for (final char c : s.toCharArray())
        {
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int)c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }

    private Object value()
    {
        space();
        final char c = text.charAt(at);
        switch (c)
        {
            case '{':
                at++;
                final Map<String, Object> map = new LinkedHashMap<>();
                space();
                if (text.charAt(at) == '}')
                {
                    at++;
                    return map;
                }
                while (true)
                {
                    space();
                    final String key = string();
                    space();
                    expect(':');
                    map.put(key, value());
                    space();
                    if (text.charAt(at) == ',')
                    {
                        at++;
                        continue;
                    }
                    expect('}');
                    return map;
                }
            case '[':
                at++;
                final List<Object> list = new ArrayList<>();
                space();
                if (text.charAt(at) == ']')
                {
                    at++;
                    return list;
                }
                while (true)
                {
                    list.add(value());
                    space();
                    if (text.charAt(at) == ',')
                    {
                        at++;
                        continue;
                    }
                    expect(']');
                    return list;
                }
            case '"':
                return string();
            default:
                if (text.startsWith("true", at))
                {
                    at += 4;
                    return Boolean.TRUE;
                }
                if (text.startsWith("false", at))
                {
                    at += 5;
                    return Boolean.FALSE;
                }
                if (text.startsWith("null", at))
                {
                    at += 4;
                    return null;
                }
                final int start = at;
                while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0)
                {
                    at++;
                }
                return Double.parseDouble(text.substring(start, at));
        }
    }

    private String string()
    {
        expect('"');
        final StringBuilder out = new StringBuilder();
        while (true)
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
            final char e = text.charAt(at++);
            switch (e)
            {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' ->
                {
                    out.append((char)Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> out.append(e);
            }
        }
    }

    private void expect(final char c)
    {
        if (text.charAt(at) != c)
        {
            throw new IllegalArgumentException("expected " + c + " at " + at);
        }
        at++;
    }

    private void space()
    {
        while (at < text.length() && Character.isWhitespace(text.charAt(at)))
        {
            at++;
        }
    }
}
