package org.headend.control.cli;

import java.io.IOException;

/**
 * The terminal one CLI session talks to: the serial console (a byte stream, or JLine on a terminal) or an SSH
 * channel. Text uses {@code \n}; a terminal that needs CR LF converts.
 */
public interface CliIo
{
    /** Writes text as is (a prompt has no newline). */
    void write(String text) throws IOException;

    /** Sends what was written to the operator. */
    void flush() throws IOException;

    /** Reads one line without its terminator; null at end of input. */
    String readLine() throws IOException;

    /** Shows {@code prompt} and reads one line; a line editor draws the prompt itself. */
    default String readLine(final String prompt) throws IOException
    {
        write(prompt);
        flush();
        return readLine();
    }

    /** Shows {@code prompt} and reads a secret; a terminal that can hides what is typed. */
    default String readSecret(final String prompt) throws IOException
    {
        return readLine(prompt);
    }
}
