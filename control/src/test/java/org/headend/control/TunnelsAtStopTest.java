package org.headend.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stop closes any number of tunnels within one budget, and says what it could not close. */
class TunnelsAtStopTest
{
    private final ExecutorService control = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopControl()
    {
        control.shutdownNow();
    }

    @Test
    void tenThousandTunnelsThatCloseAreAllCountedClosed() throws Exception
    {
        final TunnelsAtStop.Outcome done = TunnelsAtStop.close(control, () -> closing(10_000, 10_000),
            Duration.ofSeconds(10));

        assertNull(done.failure());
        assertEquals(10_000, done.closed());
        assertEquals(0, done.stillOpen());
    }

    @Test
    void connectionsThatNeverCloseHoldTheStopOnlyForTheBudgetNotPerTunnel() throws Exception
    {
        final long start = System.nanoTime();
        // before: 2 s for each connection still open, 100 of them 200 s
        final TunnelsAtStop.Outcome done = TunnelsAtStop.close(control, () -> closing(10_000, 9_900),
            Duration.ofMillis(300));

        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 5, "the stop waited past its budget");
        assertNull(done.failure());
        assertEquals(9_900, done.closed());
        assertEquals(100, done.stillOpen());
    }

    @Test
    void aControlThreadBusyPastTheBudgetIsReportedAndTheClosingDoesNotRunLater() throws Exception
    {
        final CountDownLatch backlog = new CountDownLatch(1);
        control.execute(() -> awaitQuietly(backlog)); // a mass disconnect queued before the stop
        final AtomicBoolean ran = new AtomicBoolean();
        final long start = System.nanoTime();

        final TunnelsAtStop.Outcome done = TunnelsAtStop.close(control, () ->
        {
            ran.set(true);
            return closing(1, 1);
        }, Duration.ofMillis(300));
        backlog.countDown();
        control.shutdown();
        control.awaitTermination(5, TimeUnit.SECONDS);

        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 5, "the stop waited past its budget");
        assertNotNull(done.failure());
        assertTrue(done.failure().contains("control thread"), done.failure());
        assertTrue(!ran.get(), "the closing ran after the stop had given up on it");
    }

    @Test
    void aClosingThatFailsSaysWhy() throws Exception
    {
        final TunnelsAtStop.Outcome done = TunnelsAtStop.close(control, () ->
        {
            throw new IllegalStateException("session store closed");
        }, Duration.ofSeconds(5));

        assertNotNull(done.failure());
        assertTrue(done.failure().contains("session store closed"), done.failure());
    }

    /** {@code tunnels} connections of which the first {@code closed} have closed. */
    private static List<Future<?>> closing(final int tunnels, final int closed)
    {
        final List<Future<?>> all = new ArrayList<>(tunnels);
        for (int i = 0; i < tunnels; i++)
        {
            all.add(i < closed ? CompletableFuture.completedFuture(null) : new CompletableFuture<>());
        }
        return all;
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
