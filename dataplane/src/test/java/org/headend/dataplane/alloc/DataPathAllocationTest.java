package org.headend.dataplane.alloc;

import static org.headend.dataplane.wire.Packets.address;
import static org.headend.dataplane.wire.Packets.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.uring.IoUring;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.headend.crypto.openssl.EvpAesGcm;
import org.headend.dataplane.api.Dataplane.ThreadingMode;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.tunnel.TunnelPath;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The DTLS data path allocates nothing per packet, in either threading mode, with and without UDP GSO: a million
 * packets go each way (inside → TUN queue → route → seal → sendmsg to the client's socket, and client → open →
 * access check → TUN queue) while the data-plane threads' allocated bytes are read before and after.
 */
@ExtendWith(LeakDetectionOff.class)
class DataPathAllocationTest
{
    private static final int TUNNEL_ID = 9;
    private static final int CLIENT = address(192, 168, 100, 10);
    private static final int INSIDE = address(10, 1, 0, 5);
    private static final int PACKET = 100;
    private static final int WARM_UP = 100_000;
    private static final int MEASURED = 1_000_000;
    /** Packets per direction handed over before waiting for them to come out: no ring or buffer ever fills. */
    private static final int CHUNK = 4096;
    private static final long CHUNK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);


    private final DataplaneCounters counters = new DataplaneCounters();
    private final byte[] insidePacket = ipv4(INSIDE, CLIENT, PACKET);
    private final byte[] clientPacket = ipv4(CLIENT, INSIDE, PACKET);

    @ParameterizedTest(name = "{0} threading, UDP GSO {1}")
    @CsvSource({"SHARED, false", "SHARED, true", "DEDICATED, false", "DEDICATED, true"})
    void shouldAllocateNothingPerPacketWhileAMillionGoEachWay(final ThreadingMode mode, final boolean gso,
        final TestReporter report)
        throws Exception
    {
        Assumptions.assumeTrue(IoUring.isAvailable(), "the data plane's event loop runs io_uring");
        Assumptions.assumeTrue(EvpAesGcm.isAvailable(), "libcrypto is needed for the allocation-free AEAD");
        final CountingTunQueue tun = new CountingTunQueue(insidePacket, PACKET);
        try (ThreadingHarness harness = new ThreadingHarness(mode, tun, counters);
             DtlsClient client = client(gso, harness))
        {
            final long[] threadIds = threadIds(harness.dataPlaneThreads());
            push(tun, client, WARM_UP);
            // a round can see a one-off allocation when the JIT swaps compiled code; per-packet garbage shows every round
            long allocated = Long.MAX_VALUE;
            // on a loaded machine the JIT's compiler threads wait for a CPU too, so the compiled path (with its escape
            // analysis) can come rounds later: more rounds within a time budget, never a looser bound
            final long roundsUntil = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            for (int round = 0; allocated >= MEASURED
                && (round < 3 || round < 10 && System.nanoTime() < roundsUntil); round++)
            {
                final long before = allocatedBytes(threadIds);
                push(tun, client, MEASURED);
                allocated = allocatedBytes(threadIds) - before;
            }
            // fewer bytes than packets: not one packet allocated (the smallest object takes 16 bytes); what a loop
            // allocates per second or per thousand wake-ups (its task queue's chunks) stays in the few kilobytes
            report.publishEntry("bytes allocated on the data-plane threads per million packets each way",
                Long.toString(allocated));
            assertTrue(allocated < MEASURED, allocated + " bytes allocated on the data-plane threads (" + mode + ", GSO "
                + gso + ") while a million packets went each way");
            assertEquals(0, tun.malformed(), "client packets written to the TUN queue not as sent");
            final byte[] received = client.receivedPacket();
            assertNotNull(received, "the client received nothing");
            assertArrayEquals(insidePacket, received, "what the client received is what the inside sent");
        }
        finally
        {
            tun.close();
        }
    }

    private DtlsClient client(final boolean gso, final ThreadingHarness harness) throws Exception
    {
        final TunnelPath path = new TunnelPath(TUNNEL_ID, harness.egress(), new TunnelAccess(CLIENT, null, null));
        final DtlsClient client = new DtlsClient(harness, path, counters, clientPacket, gso);
        harness.addRoutes(path);
        return client;
    }

    /** Sends {@code packets} each way, chunk by chunk, and checks every one came out at the other end. */
    private void push(final CountingTunQueue tun, final DtlsClient client, final int packets) throws Exception
    {
        final long outBefore = client.sentByHeadend();
        final long inBefore = tun.written();
        for (int sent = 0; sent < packets; sent += CHUNK)
        {
            final int chunk = Math.min(CHUNK, packets - sent);
            tun.send(chunk);
            client.sendFromClient(chunk);
            final long out = outBefore + sent + chunk;
            final long in = inBefore + sent + chunk;
            awaitAtLeast(client::sentByHeadend, out, "packets to the client");
            awaitAtLeast(tun::written, in, "packets from the client");
            awaitAtLeast(() -> client.flushed() ? 1 : 0, 1, "the client's socket to take every packet sent");
        }
        assertEquals(outBefore + packets, client.sentByHeadend(), "packets sent to the client");
        assertEquals(inBefore + packets, tun.written(), "client packets written to the TUN queue");
        assertEquals(0, counters.get(DataplaneCounter.NO_ROUTE_DROPS));
    }

    private void awaitAtLeast(final LongSupplier counter, final long target, final String what)
    {
        final long deadline = System.nanoTime() + CHUNK_TIMEOUT_NANOS;
        while (counter.getAsLong() < target)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError(what + ": " + counter.getAsLong() + " of " + target + " after 20 s; counters "
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

    private static long[] threadIds(final List<Thread> threads)
    {
        final long[] ids = new long[threads.size()];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = threads.get(i).threadId();
        }
        return ids;
    }

    private static long allocatedBytes(final long[] threadIds)
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
