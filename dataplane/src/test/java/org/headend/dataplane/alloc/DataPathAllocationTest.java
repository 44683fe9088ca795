package org.headend.dataplane.alloc;

import static org.headend.dataplane.wire.Packets.address;
import static org.headend.dataplane.wire.Packets.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.uring.IoUring;
import org.headend.crypto.openssl.EvpAesGcm;
import org.headend.dataplane.api.Dataplane.ThreadingMode;
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
            final long allocated =
                new TwoWayMeasurement(tun, client, counters, harness.dataPlaneThreads()).bytesPerMillionEachWay();
            // fewer bytes than packets: not one packet allocated (the smallest object takes 16 bytes); what a loop
            // allocates per second or per thousand wake-ups (its task queue's chunks) stays in the few kilobytes
            report.publishEntry("bytes allocated on the data-plane threads per million packets each way",
                Long.toString(allocated));
            assertTrue(allocated < TwoWayMeasurement.MEASURED, allocated + " bytes allocated on the data-plane threads ("
                + mode + ", GSO " + gso + ") while a million packets went each way");
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
}
