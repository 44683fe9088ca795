package org.headend.control.config.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * One whitespace-separated word of a command line and where it starts, so errors can point at it.
 *
 * @param text   the word as typed
 * @param offset its first character's index in the line
 */
public record Token(String text, int offset)
{
    /** Splits a line on spaces and tabs; the ASA has no quoting for the commands we accept. */
    public static List<Token> split(final String line)
    {
        final List<Token> tokens = new ArrayList<>();
        int i = 0;
        final int length = line.length();
        while (i < length)
        {
            while (i < length && isBlank(line.charAt(i)))
            {
                i++;
            }
            final int start = i;
            while (i < length && !isBlank(line.charAt(i)))
            {
                i++;
            }
            if (i > start)
            {
                tokens.add(new Token(line.substring(start, i), start));
            }
        }
        return tokens;
    }

    private static boolean isBlank(final char c)
    {
        return c == ' ' || c == '\t';
    }
}
