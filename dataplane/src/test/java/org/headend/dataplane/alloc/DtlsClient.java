package org.headend.dataplane.alloc;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.uring.IoUringDatagramChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.crypto.openssl.EvpAesGcm;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.dtls.DtlsEndpoint;
import org.headend.dataplane.api.DtlsKeys;
import org.headend.dataplane.dtls.PortHandlerAccess;
import org.headend.dataplane.api.DtlsPortListener;
import org.headend.dataplane.dtls.DtlsRecordCodec;
import org.headend.dataplane.api.HandshakeQueue;
import org.headend.dataplane.api.HandshakeSink;
import org.headend.dataplane.tunnel.TunnelPath;
import org.headend.dataplane.wire.CstpHeader;

/**
 * A DTLS client on loopback: the headend's records go through the real io_uring UDP socket (GSO or not) to a JDK
 * socket. The client's records enter at the UDP channel's pipeline, as Netty hands each received datagram to the
 * port's handler: Netty's own receive allocates a {@code DatagramPacket} per datagram, which is outside this test
 * (and listed as known in docs/design.md).
 */
final class DtlsClient implements MeasuredClient
{
    private static final int TARGET_ID = 0x4000_0001;
    /** Records handed to the port per task, so that the loop also serves the inside between them. */
    private static final int PER_TASK = 64;

    private final ThreadingHarness harness;
    private final DataplaneCounters counters;
    private final DatagramChannel socket;
    private final PortHandlerAccess port;
    private final Channel udp;
    private final DtlsEndpoint endpoint;
    private final DtlsRecordCodec clientSeal;
    private final DtlsRecordCodec clientOpen;
    private final Injector injector;
    private final LoopDoorbell doorbell;

    DtlsClient(final ThreadingHarness harness, final TunnelPath path, final DataplaneCounters counters,
        final byte[] clientPacket, final boolean gso) throws Exception
    {
        this.harness = harness;
        this.counters = counters;
        final byte[] clientKey = new byte[16];
        final byte[] serverKey = new byte[16];
        serverKey[0] = 7;
        final byte[] clientIv = {1, 2, 3, 4};
        final byte[] serverIv = {5, 6, 7, 8};
        socket = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        port = new PortHandlerAccess(new NoHandshakes(), counters, gso);
        udp = new Bootstrap().group(harness.loop()).channel(IoUringDatagramChannel.class)
            .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
            .handler(port.handler())
            .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        endpoint = new DtlsEndpoint(TARGET_ID, path, harness.egress(), 1400, 0,
            new DtlsRecordCodec(new DtlsKeys(1, clientKey, serverKey, clientIv, serverIv, 1, "AES-GCM-128", "SHA256"),
                EvpAesGcm::new),
            (InetSocketAddress)socket.getLocalAddress(), harness.inbound(), PacketCompression.none(), counters,
            new QuietListener());
        port.install(udp, new NoLeftovers(), endpoint);
        harness.loop().submit(() -> { }).sync();
        clientSeal = new DtlsRecordCodec(
            new DtlsKeys(1, serverKey, clientKey, serverIv, clientIv, 1, "AES-GCM-128", "SHA256"), EvpAesGcm::new);
        clientOpen = new DtlsRecordCodec(
            new DtlsKeys(1, serverKey, clientKey, serverIv, clientIv, 1, "AES-GCM-128", "SHA256"), EvpAesGcm::new);
        injector = new Injector(clientPacket, (InetSocketAddress)socket.getLocalAddress());
        doorbell = new LoopDoorbell(harness.loop(), injector::inject);
    }

    @Override
    public void sendFromClient(final int packets)
    {
        injector.waiting.addAndGet(packets);
        doorbell.ring();
    }

    /** Packets the headend sent to the client: the client opens only the one {@link #receivedPacket} reads. */
    @Override
    public long toClient()
    {
        return counters.get(DataplaneCounter.DTLS_TX_DATA_PACKETS);
    }

    @Override
    public boolean flushed()
    {
        // a volatile read, safe off the loop
        final io.netty.channel.ChannelOutboundBuffer pending = udp.unsafe().outboundBuffer();
        return pending == null || pending.totalPendingWriteBytes() == 0;
    }

    /** The inner packet of one record that reached the client, or null when none did. */
    public byte[] receivedPacket() throws Exception
    {
        final ByteBuffer datagram = ByteBuffer.allocateDirect(65536);
        socket.configureBlocking(false);
        if (socket.receive(datagram) == null)
        {
            return null;
        }
        final UnsafeBuffer record = new UnsafeBuffer(datagram, 0, datagram.position());
        final int length = clientOpen.open(record, 0, datagram.position(), record, DtlsRecordCodec.PLAINTEXT_OFFSET);
        if (length < 1 || record.getByte(DtlsRecordCodec.PLAINTEXT_OFFSET) != CstpHeader.TYPE_DATA)
        {
            throw new AssertionError("the client could not open the headend's record: " + length);
        }
        final byte[] packet = new byte[length - 1];
        record.getBytes(DtlsRecordCodec.PLAINTEXT_OFFSET + 1, packet);
        return packet;
    }

    @Override
    public void close() throws Exception
    {
        port.remove(udp, endpoint);
        harness.loop().submit(() -> { }).sync();
        udp.close().sync();
        socket.close();
        clientSeal.close();
        clientOpen.close();
        doorbell.close();
        injector.release();
    }

    /**
     * Seals the client's records and hands them to the port as received datagrams, {@link #PER_TASK} per turn.
     * Runs on the event loop; allocates nothing (one datagram object, retained for each hand-over).
     */
    private final class Injector
    {
        private final AtomicLong waiting = new AtomicLong();
        private final byte[] packet;
        private final ByteBuf content;
        private final DatagramPacket datagram;
        private final UnsafeBuffer view;

        Injector(final byte[] packet, final InetSocketAddress sender)
        {
            this.packet = packet;
            content = Unpooled.directBuffer(packet.length + 1 + DtlsRecordCodec.OVERHEAD);
            view = new UnsafeBuffer(content.memoryAddress(), content.capacity());
            datagram = new DatagramPacket(content, (InetSocketAddress)udp.localAddress(), sender);
        }

        /** Hands up to {@link #PER_TASK} records over; returns whether more wait. */
        boolean inject()
        {
            for (int i = 0; i < PER_TASK && waiting.get() > 0; i++)
            {
                waiting.decrementAndGet();
                view.putByte(DtlsRecordCodec.PLAINTEXT_OFFSET, (byte)CstpHeader.TYPE_DATA);
                view.putBytes(DtlsRecordCodec.PLAINTEXT_OFFSET + 1, packet);
                final int sealed = clientSeal.sealInPlace(view, 0, 1 + packet.length);
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

    /** No handshakes: the endpoint is installed directly, as if one had finished. */
    private static final class NoHandshakes implements DtlsPortListener
    {
        @Override
        public Admission admit(final InetSocketAddress peer, final byte[] sessionId, final byte[] datagram,
            final int length, final long nowNanos)
        {
            return null;
        }

        @Override
        public void onClientHello(final InetSocketAddress peer, final Admission admission, final HandshakeQueue queue)
        {
        }
    }

    private static final class NoLeftovers implements HandshakeSink
    {
        @Override
        public boolean offer(final byte[] datagram)
        {
            return false;
        }

        @Override
        public List<byte[]> takeLeftovers()
        {
            return List.of();
        }
    }
}
