package org.headend.dataplane.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;

/**
 * Pushes packets both ways through a tunnel (inside → TUN queue → client, client → TUN queue), CSTP or DTLS, and reads
 * what the data-plane threads allocated meanwhile.
 */
final class TwoWayMeasurement
{
    static final int WARM_UP = 100_000;
    static final int MEASURED = 1_000_000;
    /** Packets per direction handed over before waiting for them to come out: no ring or buffer ever fills. */
    private static final int CHUNK = 4096;
    private static final long CHUNK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final CountingTunQueue tun;
    private final MeasuredClient client;
    private final DataplaneCounters counters;
    private final long[] threadIds;

    TwoWayMeasurement(final CountingTunQueue tun, final MeasuredClient client, final DataplaneCounters counters,
        final List<Thread> dataPlaneThreads)
    {
        this.tun = tun;
        this.client = client;
        this.counters = counters;
        threadIds = new long[dataPlaneThreads.size()];
        for (int i = 0; i < threadIds.length; i++)
        {
            threadIds[i] = dataPlaneThreads.get(i).threadId();
        }
    }

    /** {@link #bytesPerRound} of {@link #MEASURED} packets each way. */
    long bytesPerMillionEachWay()
    {
        return bytesPerRound(MEASURED);
    }

    /**
     * Warms up, then measures rounds of {@code packets} each way until one allocates fewer bytes than packets (at
     * least 3 rounds, at most 10 within a minute: the JIT's compilers wait for a CPU on a loaded machine, so the
     * compiled path can come late); returns the bytes of the last round. A round can see a one-off allocation when
     * the JIT swaps compiled code; per-packet garbage shows in every round.
     */
    long bytesPerRound(final int packets)
    {
        push(WARM_UP);
        long allocated = Long.MAX_VALUE;
        final long roundsUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int round = 0; allocated >= packets
            && (round < 3 || round < 10 && System.nanoTime() < roundsUntil); round++)
        {
            final long before = allocatedBytes();
            push(packets);
            allocated = allocatedBytes() - before;
        }
        return allocated;
    }

    /** Sends {@code packets} each way, chunk by chunk, and checks every one came out at the other end intact. */
    void push(final int packets)
    {
        final long outBefore = client.toClient();
        final long inBefore = tun.written();
        for (int sent = 0; sent < packets; sent += CHUNK)
        {
            final int chunk = Math.min(CHUNK, packets - sent);
            tun.send(chunk);
            client.sendFromClient(chunk);
            awaitAtLeast(client::toClient, outBefore + sent + chunk, "packets to the client");
            awaitAtLeast(tun::written, inBefore + sent + chunk, "packets from the client");
            awaitAtLeast(() -> client.flushed() ? 1 : 0, 1, "everything the headend wrote to leave");
        }
        assertEquals(outBefore + packets, client.toClient(), "packets to the client");
        assertEquals(inBefore + packets, tun.written(), "client packets written to the TUN queue");
        assertEquals(0, client.malformed(), "frames the client received not as the inside sent them");
        assertEquals(0, tun.malformed(), "client packets written to the TUN queue not as sent");
        assertEquals(0, counters.get(DataplaneCounter.NO_ROUTE_DROPS));
    }

    private void awaitAtLeast(final LongSupplier counter, final long target, final String what)
    {
        final long deadline = System.nanoTime() + CHUNK_TIMEOUT_NANOS;
        while (counter.getAsLong() < target)
        {
            assertNull(client.failure(), "the client failed");
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError(what + ": " + counter.getAsLong() + " of " + target + " after 60 s; counters "
                    + nonZeroCounters());
            }
            // parked, not spinning: on two cores a spinning test thread takes the data plane's CPU
            LockSupport.parkNanos(50_000);
        }
    }

    private String nonZeroCounters()
    {
        final StringBuilder text = new StringBuilder();
        for (final DataplaneCounter counter : DataplaneCounter.values())
        {
            if (counters.get(counter) != 0)
            {
                text.append(counter).append('=').append(counters.get(counter)).append(' ');
            }
        }
        return text.toString();
    }

    private long allocatedBytes()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long total = 0;
        for (final long bytes : threads.getThreadAllocatedBytes(threadIds))
        {
            total += bytes;
        }
        return total;
    }
}
