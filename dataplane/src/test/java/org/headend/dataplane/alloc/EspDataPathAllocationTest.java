package org.headend.dataplane.alloc;

import static org.headend.dataplane.wire.Packets.address;
import static org.headend.dataplane.wire.Packets.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.crypto.openssl.EvpAesGcm;
import org.headend.dataplane.api.Dataplane.ThreadingMode;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.esp.EspPortAccess;
import org.headend.dataplane.tunnel.TunnelPath;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ESP data path allocates nothing per packet, in either threading mode: half a million packets go each way
 * (inside → TUN queue → route → seal → sendmsg to the client's socket, and client → SPI demux → open → access check →
 * TUN queue) while the data-plane threads' allocated bytes are read before and after. As in
 * {@link DataPathAllocationTest}, the client's datagrams enter at the channel's pipeline: Netty's own receive
 * allocates a {@code DatagramPacket} per datagram, which is outside this test.
 */
@ExtendWith(LeakDetectionOff.class)
class EspDataPathAllocationTest
{
    private static final int TUNNEL_ID = 11;
    private static final int CLIENT = address(192, 168, 100, 10);
    private static final int INSIDE = address(10, 1, 0, 5);
    private static final int PACKET = 100;
    private static final int MEASURED = 500_000;
    private static final int PER_TASK = 64;


    private final DataplaneCounters counters = new DataplaneCounters();
    private final byte[] insidePacket = ipv4(INSIDE, CLIENT, PACKET);
    private final byte[] clientPacket = ipv4(CLIENT, INSIDE, PACKET);

    @ParameterizedTest(name = "{0} threading, UDP GSO {1}")
    @CsvSource({"SHARED, false", "SHARED, true", "DEDICATED, false", "DEDICATED, true"})
    void shouldAllocateNothingPerEspPacketEachWay(final ThreadingMode mode, final boolean gso,
        final TestReporter report) throws Exception
    {
        Assumptions.assumeTrue(IoUring.isAvailable(), "the data plane's event loop runs io_uring");
        Assumptions.assumeTrue(EvpAesGcm.isAvailable(), "libcrypto is needed for the allocation-free AEAD");
        final CountingTunQueue tun = new CountingTunQueue(insidePacket, PACKET);
        try (ThreadingHarness harness = new ThreadingHarness(mode, tun, counters);
             EspPortAccess port = new EspPortAccess(counters, EvpAesGcm::new, gso);
             DatagramChannel socket = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)))
        {
            final Channel udp = new Bootstrap().group(harness.loop()).channel(IoUringDatagramChannel.class)
                .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
                .handler(port.handler())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            final TunnelPath path = new TunnelPath(TUNNEL_ID, harness.egress(), new TunnelAccess(CLIENT, null, null));
            port.install(udp, path, harness.inbound(), (InetSocketAddress)socket.getLocalAddress(), 1400,
                new QuietListener());
            harness.loop().submit(() -> { }).sync();
            harness.addRoutes(path);
            final Injector injector = new Injector(port, udp, (InetSocketAddress)socket.getLocalAddress(), harness);
            try (injector)
            {
                final long allocated = new TwoWayMeasurement(tun, injector, counters, harness.dataPlaneThreads())
                    .bytesPerRound(MEASURED);
                report.publishEntry("bytes allocated on the data-plane threads per half million ESP packets each way",
                    Long.toString(allocated));
                assertTrue(allocated < MEASURED, allocated + " bytes allocated on the data-plane threads (" + mode
                    + ", GSO " + gso + ") while half a million ESP packets went each way");
                assertEquals(0, tun.malformed(), "client packets written to the TUN queue not as sent");
                assertArrayEquals(insidePacket, receivedPacket(port, socket), "the client gets what the inside sent");
            }
            finally
            {
                udp.close().sync();
                injector.release();
            }
        }
        finally
        {
            tun.close();
        }
    }

    private static byte[] receivedPacket(final EspPortAccess port, final DatagramChannel socket) throws Exception
    {
        final ByteBuffer datagram = ByteBuffer.allocateDirect(65536);
        socket.configureBlocking(false);
        if (socket.receive(datagram) == null)
        {
            throw new AssertionError("the client received nothing");
        }
        final UnsafeBuffer packet = new UnsafeBuffer(datagram, 0, datagram.position());
        final int length = port.openAsClient(packet, datagram.position());
        if (length < 0)
        {
            // the window may already be past this datagram's number: the socket kept the earliest ones
            return receivedPacket(port, socket);
        }
        final byte[] inner = new byte[length];
        packet.getBytes(EspPortAccess.innerOffset(), inner);
        return inner;
    }

    /**
     * The client: seals its packets and hands them to the port as received datagrams, {@link #PER_TASK} per turn of
     * the loop; what reaches it is counted where the headend sends it. Closing stops the injections; {@link #release}
     * frees the datagram once the channel is closed.
     */
    private final class Injector implements MeasuredClient
    {
        private final AtomicLong waiting = new AtomicLong();
        private final EspPortAccess port;
        private final Channel udp;
        private final ByteBuf content;
        private final DatagramPacket datagram;
        private final UnsafeBuffer view;
        private final UnsafeBuffer inner = new UnsafeBuffer(clientPacket);

        private final LoopDoorbell doorbell;

        Injector(final EspPortAccess port, final Channel udp, final InetSocketAddress sender,
            final ThreadingHarness harness) throws InterruptedException
        {
            this.port = port;
            this.udp = udp;
            content = Unpooled.directBuffer(EspPortAccess.sealedLength(clientPacket.length));
            view = new UnsafeBuffer(content.memoryAddress(), content.capacity());
            datagram = new DatagramPacket(content, (InetSocketAddress)udp.localAddress(), sender);
            doorbell = new LoopDoorbell(harness.loop(), this::inject);
        }

        @Override
        public void sendFromClient(final int packets)
        {
            waiting.addAndGet(packets);
            doorbell.ring();
        }

        @Override
        public long toClient()
        {
            return counters.get(DataplaneCounter.ESP_TX_PACKETS);
        }

        @Override
        public void close()
        {
            doorbell.close();
        }

        private boolean inject()
        {
            for (int i = 0; i < PER_TASK && waiting.get() > 0; i++)
            {
                waiting.decrementAndGet();
                final int sealed = port.sealAsClient(inner, 0, clientPacket.length, view, 0);
                content.setIndex(0, sealed);
                udp.pipeline().fireChannelRead(datagram.retain());
            }
            return waiting.get() > 0;
        }

        void release()
        {
            content.release();
        }
    }
}
