package org.headend.control;

/**
 * Makes text a client chose safe to write into a log line: control characters, backslashes, quotes and anything
 * outside printable ASCII become {@code \xNN} / {@code \\uNNNN} escapes, and long text is cut, so a user name such
 * as {@code "bob\n2026-12-07 INFO login of admin"} cannot forge a second log line or flood the log.
 */
public final class LogText
{
    /** Characters of the original text kept; the rest is replaced by an ellipsis mark. */
    public static final int MAX_CHARS = 64;

    private LogText()
    {
    }

    /** The escaped, shortened form of {@code text}; {@code (null)} for null. */
    public static String escape(final String text)
    {
        if (text == null)
        {
            return "(null)";
        }
        final int end = Math.min(text.length(), MAX_CHARS);
        final StringBuilder out = new StringBuilder(end + 8);
        for (int i = 0; i < end; i++)
        {
            final char c = text.charAt(i);
            if (c == '\\')
            {
                out.append("\\\\");
            }
            else if (c >= 0x20 && c < 0x7f && c != '"')
            {
                out.append(c);
            }
            else if (c < 0x100)
            {
                out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
            else
            {
                out.append(String.format("\\u%04x", (int)c));
            }
        }
        if (text.length() > MAX_CHARS)
        {
            out.append("...");
        }
        return out.toString();
    }
}
