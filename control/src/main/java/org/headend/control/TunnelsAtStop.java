package org.headend.control;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Closes every tunnel at the stop within one budget, whatever their number. The closing runs on the control thread,
 * which may first have to finish what is queued before it (thousands of clients disconnecting at once), and then each
 * tunnel's connection closes on its event loop: one deadline covers both, where a wait per tunnel would let 10,000
 * tunnels hold the stop for hours.
 */
final class TunnelsAtStop
{
    /** What the stop could do within its budget; {@code failure} is null when every tunnel was told to close. */
    record Outcome(String failure, int closed, int stillOpen, long millis)
    {
    }

    private TunnelsAtStop()
    {
    }

    /**
     * @param control   the control thread, where {@code suspend} runs
     * @param suspend   closes every tunnel and returns, per tunnel, what completes when its connection closed
     * @param budget    how long the whole closing may take
     * @return whether {@code suspend} ran in time, and how many connections closed or were still open at the end
     */
    static Outcome close(final ExecutorService control, final Callable<List<Future<?>>> suspend,
        final Duration budget) throws InterruptedException
    {
        final long start = System.nanoTime();
        final long deadline = start + budget.toNanos();
        final List<Future<?>> closing;
        final Future<List<Future<?>>> suspended = control.submit(suspend);
        try
        {
            closing = suspended.get(budget.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (final TimeoutException ex)
        {
            suspended.cancel(false);
            return new Outcome("the control thread did not get to it within " + budget.toSeconds() + " s", 0, 0,
                millisSince(start));
        }
        catch (final ExecutionException ex)
        {
            return new Outcome(String.valueOf(ex.getCause()), 0, 0, millisSince(start));
        }
        int open = 0;
        for (final Future<?> closed : closing)
        {
            try
            {
                // past the deadline a connection still open is counted at once, without waiting
                closed.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (final TimeoutException | ExecutionException ex)
            {
                open++;
            }
        }
        return new Outcome(null, closing.size() - open, open, millisSince(start));
    }

    private static long millisSince(final long start)
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
