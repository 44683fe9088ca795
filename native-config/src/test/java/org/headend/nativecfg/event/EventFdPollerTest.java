package org.headend.nativecfg.event;

import org.headend.nativecfg.AllocationMeter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class EventFdPollerTest
{
    private static final long WAIT_FOREVER = -1;
    private static final int WARM_UP_CALLS = 5;
    private static final int WARM_UP_CYCLES = 30_000;
    private static final int MEASURED_CYCLES = 100_000;
    private static final int MAX_MEASURED_ROUNDS = 5;

    @Test
    void shouldWakePollerWhenSignalledFromAnotherThread() throws Exception
    {
        try (EventFd doorbell = EventFd.create())
        {
            final Poller poller = new Poller(doorbell.fd());
            final CountDownLatch waiting = new CountDownLatch(1);
            final Thread producer = new Thread(() ->
            {
                try
                {
                    waiting.await();
                    Thread.sleep(50);
                    doorbell.signal();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
            producer.start();

            final long startNs = System.nanoTime();
            waiting.countDown();
            assertEquals(1, poller.poll(TimeUnit.SECONDS.toNanos(10)));
            final long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertTrue(poller.isReadable(0));
            assertFalse(poller.hasError(0));
            assertTrue(waitedMs >= 40 && waitedMs < 5_000, "woke after " + waitedMs + " ms");
            assertEquals(1, doorbell.drain());
            assertEquals(0, poller.poll(0), "drained doorbell must not be readable");
            producer.join();
        }
    }

    @Test
    void shouldReturnZeroWhenTimeoutPassesWithoutSignal()
    {
        try (EventFd doorbell = EventFd.create())
        {
            final Poller poller = new Poller(doorbell.fd());
            final long startNs = System.nanoTime();
            assertEquals(0, poller.poll(TimeUnit.MILLISECONDS.toNanos(30)));
            final long waitedNs = System.nanoTime() - startNs;
            assertFalse(poller.isReadable(0));
            assertTrue(waitedNs >= TimeUnit.MILLISECONDS.toNanos(29), "returned after " + waitedNs + " ns");
            assertEquals(0, poller.poll(0));
        }
    }

    @Test
    void shouldReportOnlySignalledFdWhenSeveralAreWatched()
    {
        try (EventFd first = EventFd.create(); EventFd second = EventFd.create())
        {
            final Poller poller = new Poller(first.fd(), second.fd());
            assertTrue(second.signal());
            assertEquals(1, poller.poll(WAIT_FOREVER));
            assertFalse(poller.isReadable(0));
            assertTrue(poller.isReadable(1));
        }
    }

    @Test
    void shouldCountSignalsUntilDrained()
    {
        try (EventFd doorbell = EventFd.create())
        {
            assertEquals(0, doorbell.drain());
            doorbell.signal();
            doorbell.signal();
            doorbell.signal();
            assertEquals(3, doorbell.drain());
            assertEquals(0, doorbell.drain());
        }
    }

    @Test
    void shouldReportErrorWhenFdIsNotOpen()
    {
        final Poller poller = new Poller(Integer.MAX_VALUE);
        assertEquals(1, poller.poll(0));
        assertTrue(poller.hasError(0));
        assertFalse(poller.isReadable(0));
    }

    @Test
    void shouldNotAllocateWhenSignallingPollingAndDrainingAfterWarmUp()
    {
        try (EventFd doorbell = EventFd.create())
        {
            final Poller poller = new Poller(doorbell.fd());
            for (int i = 0; i < WARM_UP_CALLS; i++)
            {
                assertEquals(WARM_UP_CYCLES, cycles(doorbell, poller, WARM_UP_CYCLES));
            }

            final AllocationMeter.Result result = AllocationMeter.measureUntilNoAllocation(
                MAX_MEASURED_ROUNDS, () -> cycles(doorbell, poller, MEASURED_CYCLES));

            System.out.printf("EventFdPollerTest: %d signal/poll/drain cycles, %d bytes allocated (first round %d, " +
                "round %d), %.2f us per cycle%n", result.lastRoundResult(), result.lastRoundBytes(),
                result.firstRoundBytes(), result.rounds(), result.lastRoundNs() / 1000.0 / MEASURED_CYCLES);
            assertEquals(MEASURED_CYCLES, result.lastRoundResult());
            assertEquals(0, result.lastRoundBytes(), "bytes allocated by " + MEASURED_CYCLES + " cycles");
        }
    }

    private static int cycles(final EventFd doorbell, final Poller poller, final int count)
    {
        int woken = 0;
        for (int i = 0; i < count; i++)
        {
            doorbell.signal();
            if (poller.poll(WAIT_FOREVER) == 1 && poller.isReadable(0) && doorbell.drain() == 1)
            {
                woken++;
            }
        }
        return woken;
    }
}
