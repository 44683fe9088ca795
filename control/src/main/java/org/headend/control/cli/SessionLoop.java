package org.headend.control.cli;

import java.io.IOException;
import java.util.function.Supplier;

/** The CLI loop for terminals outside this package (SSH shells): one session until {@code exit} or end of input. */
public final class SessionLoop
{
    private SessionLoop()
    {
    }

    /**
     * @param io         the terminal
     * @param newSession makes the session
     * @param editor     the line editor behind {@code io}, to give help and completion the session; or null
     */
    public static void runUntilExit(final CliIo io, final Supplier<CliSession> newSession, final JlineIo editor)
        throws IOException
    {
        CliLoop.run(io, newSession, CliLoop.OnExit.END, editor == null ? null : editor::attach);
    }
}
