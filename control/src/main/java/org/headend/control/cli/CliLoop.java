package org.headend.control.cli;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * Prompts, reads and runs lines on one terminal until the input ends: the console's and every SSH shell's loop.
 * The ASA prints its prompt followed by one blank, and the operator types after it.
 */
final class CliLoop
{
    private CliLoop()
    {
    }

    /** What the loop does when the operator types {@code exit} in exec mode. */
    enum OnExit
    {
        /** Print {@code Logoff} and start a fresh session (the console). */
        NEW_SESSION,
        /** End the loop (an SSH shell: the connection closes). */
        END
    }

    /**
     * @param io         the terminal
     * @param newSession makes a session (at start, and after exit when {@link OnExit#NEW_SESSION})
     * @param current    told about each new session (for help and completion in a line editor); may be null
     */
    static void run(final CliIo io, final Supplier<CliSession> newSession, final OnExit onExit,
        final java.util.function.Consumer<CliSession> current) throws IOException
    {
        CliSession session = newSession.get();
        if (current != null)
        {
            current.accept(session);
        }
        while (true)
        {
            final String line = io.readLine(session.prompt() + " ");
            if (line == null)
            {
                io.write("\n");
                io.flush();
                return;
            }
            if (!session.execute(line))
            {
                io.write("\nLogoff\n\n");
                io.flush();
                if (onExit == OnExit.END)
                {
                    return;
                }
                session = newSession.get();
                if (current != null)
                {
                    current.accept(session);
                }
            }
            io.flush();
        }
    }
}
