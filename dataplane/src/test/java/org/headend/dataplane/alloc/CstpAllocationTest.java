package org.headend.dataplane.alloc;

import static org.headend.dataplane.wire.Packets.address;
import static org.headend.dataplane.wire.Packets.ipv4;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.uring.IoUring;
import org.headend.dataplane.api.Dataplane.ThreadingMode;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.tunnel.TunnelPath;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CSTP data path the data plane owns allocates nothing per packet, in either threading mode: a million packets go
 * each way (inside → TUN queue → route → CSTP frame → the tunnel connection's pipeline, and the client's frames read
 * from the pipeline → cut → access check → TUN queue) while the data-plane threads' allocated bytes are read before and
 * after. The TLS and socket below the pipeline are Netty's and the JDK's and allocate per record; what they allocate
 * is measured by {@link CstpSocketAllocationTest}.
 */
@ExtendWith(LeakDetectionOff.class)
class CstpAllocationTest
{
    private static final int TUNNEL_ID = 11;
    private static final int CLIENT = address(192, 168, 100, 11);
    private static final int INSIDE = address(10, 1, 0, 6);
    private static final int PACKET = 100;


    private final DataplaneCounters counters = new DataplaneCounters();
    private final byte[] insidePacket = ipv4(INSIDE, CLIENT, PACKET);
    private final byte[] clientPacket = ipv4(CLIENT, INSIDE, PACKET);

    @ParameterizedTest(name = "{0} threading")
    @EnumSource(ThreadingMode.class)
    void shouldAllocateNothingPerPacketWhileAMillionGoEachWay(final ThreadingMode mode, final TestReporter report)
        throws Exception
    {
        Assumptions.assumeTrue(IoUring.isAvailable(), "the data plane's event loop runs io_uring");
        final CountingTunQueue tun = new CountingTunQueue(insidePacket, PACKET);
        try (ThreadingHarness harness = new ThreadingHarness(mode, tun, counters);
             CstpPipelineClient client = client(harness))
        {
            final long allocated =
                new TwoWayMeasurement(tun, client, counters, harness.dataPlaneThreads()).bytesPerMillionEachWay();
            // fewer bytes than packets: not one packet allocated (the smallest object takes 16 bytes)
            report.publishEntry("bytes allocated on the data-plane threads per million packets each way",
                Long.toString(allocated));
            assertTrue(allocated < TwoWayMeasurement.MEASURED, allocated + " bytes allocated on the data-plane threads ("
                + mode + ") while a million packets went each way through CSTP");
        }
        finally
        {
            tun.close();
        }
    }

    private CstpPipelineClient client(final ThreadingHarness harness) throws Exception
    {
        final TunnelPath path = new TunnelPath(TUNNEL_ID, harness.egress(), new TunnelAccess(CLIENT, null, null));
        final CstpPipelineClient client = new CstpPipelineClient(harness, path, counters, clientPacket, insidePacket);
        harness.addRoutes(path);
        return client;
    }
}
