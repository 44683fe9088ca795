package org.headend.control.cli;

import java.io.IOException;

/**
 * The terminal one CLI session talks to: the serial console now, an SSH channel later. Text uses {@code \n}; a
 * terminal that needs CR LF converts.
 */
public interface CliIo
{
    /** Writes text as is (a prompt has no newline). */
    void write(String text) throws IOException;

    /** Sends what was written to the operator. */
    void flush() throws IOException;

    /** Reads one line without its terminator; null at end of input. */
    String readLine() throws IOException;
}
