package org.headend.nativecfg.tun;

import org.headend.nativecfg.AllocationMeter;
import org.headend.nativecfg.Commands;
import org.headend.nativecfg.TestNamespace;
import org.headend.nativecfg.event.Poller;
import org.headend.nativecfg.netlink.Rtnetlink;
import org.headend.nativecfg.netns.NetworkNamespace;
import org.headend.nativecfg.sysctl.Sysctl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packet path must not allocate: after warm-up, 100k round trips of write (an echo request into the TUN),
 * poll (for the kernel's reply) and read (the echo reply, then WOULD_BLOCK) allocate 0 bytes, measured with the
 * thread's allocation counter (see {@link AllocationMeter} for why a round may be repeated).
 */
@Timeout(120)
class TunQueueAllocationTest
{
    private static final String TUN = "hdtun0";
    private static final int WARM_UP_CALLS = 5;
    private static final int WARM_UP_ROUND_TRIPS = 30_000;
    private static final int MEASURED_ROUND_TRIPS = 100_000;
    private static final int MAX_MEASURED_ROUNDS = 5;
    private static final int SLOT = 2048;
    private static final long POLL_TIMEOUT_NS = 1_000_000_000L;

    @Test
    void shouldNotAllocateWhenReadingWritingAndPollingAfterWarmUp() throws Exception
    {
        assumeTrue(Commands.canConfigureNetwork(), "needs root, /dev/net/tun and iproute2");
        final InetAddress local = InetAddress.getByName("10.99.1.1");
        final InetAddress peer = InetAddress.getByName("10.99.1.2");

        try (TestNamespace ns = TestNamespace.create("alloc");
            NetworkNamespace _ = ns.enter();
            TunDevice tun = TunDevice.open(TUN, 1);
            Rtnetlink rtnl = Rtnetlink.open())
        {
            // No IPv6 housekeeping packets in the way of the echo replies.
            Sysctl.set("net.ipv6.conf." + TUN + ".disable_ipv6", "1");
            tun.setMtu(1400);
            tun.setUp();
            rtnl.addAddress(TUN, local, 24);

            final ByteBuffer buffer = ByteBuffer.allocateDirect(SLOT * 2);
            final int requestLength = Ipv4Icmp.writeEchoRequest(buffer, 0, peer, local, 0x4844, 1, 56);
            final TunQueue queue = tun.queue(0);
            final Poller poller = new Poller(queue.fd());
            final byte[] peerAddress = peer.getAddress();

            // Several calls rather than one long loop, so the JIT compiles the whole method, not only a loop body.
            for (int i = 0; i < WARM_UP_CALLS; i++)
            {
                assertEquals(WARM_UP_ROUND_TRIPS, roundTrips(queue, poller, buffer, requestLength, peerAddress,
                    WARM_UP_ROUND_TRIPS));
            }

            final AllocationMeter.Result result = AllocationMeter.measureUntilNoAllocation(
                MAX_MEASURED_ROUNDS,
                () -> roundTrips(queue, poller, buffer, requestLength, peerAddress, MEASURED_ROUND_TRIPS));

            System.out.printf("TunQueueAllocationTest: %d round trips (write, poll, read until WOULD_BLOCK), " +
                "%d bytes allocated (first round %d, round %d), %.2f us per round trip%n",
                result.lastRoundResult(), result.lastRoundBytes(), result.firstRoundBytes(), result.rounds(),
                result.lastRoundNs() / 1000.0 / MEASURED_ROUND_TRIPS);
            assertEquals(MEASURED_ROUND_TRIPS, result.lastRoundResult());
            assertEquals(0, result.lastRoundBytes(), "bytes allocated by " + MEASURED_ROUND_TRIPS + " round trips");
            assertTrue(queue.lastWriteErrno() == 0 && queue.lastReadErrno() == 0);
        }
    }

    /**
     * Each round trip: write a request, poll until the queue is readable, then read until WOULD_BLOCK as a TUN
     * agent drains its queue, so both the packet and the EAGAIN path of read are measured.
     *
     * @return echo replies received; stops early only if one does not come within the poll timeout.
     */
    private static int roundTrips(final TunQueue queue, final Poller poller, final ByteBuffer buffer,
        final int requestLength, final byte[] peerAddress, final int count)
    {
        int replies = 0;
        for (int i = 0; i < count; i++)
        {
            if (queue.write(buffer, 0, requestLength) != requestLength)
            {
                return replies;
            }
            boolean replied = false;
            while (!replied)
            {
                if (poller.poll(POLL_TIMEOUT_NS) <= 0 || !poller.isReadable(0))
                {
                    return replies;
                }
                int length;
                while ((length = queue.read(buffer, SLOT, SLOT)) >= 0)
                {
                    replied |= Ipv4Icmp.isIcmp(buffer, SLOT, length, Ipv4Icmp.ECHO_REPLY, peerAddress);
                }
                if (length != TunQueue.WOULD_BLOCK)
                {
                    return replies;
                }
            }
            replies++;
        }
        return replies;
    }
}
