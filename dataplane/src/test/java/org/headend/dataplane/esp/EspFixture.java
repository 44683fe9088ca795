package org.headend.dataplane.esp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.crypto.jca.JcaAesGcm;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.EspSa;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.tunnel.EgressQueue;
import org.headend.dataplane.tunnel.InboundSink;
import org.headend.dataplane.tunnel.TunnelPath;

/**
 * One ESP port handler on an embedded channel with one session installed, and the client's side of its SAs: what
 * the headend's inbound SA opens, the client seals, and the other way round. Packets the session writes inside are
 * collected; so are IKE messages and close events.
 */
final class EspFixture implements AutoCloseable
{
    static final int IN_SPI = 0x1111_0001;
    static final int OUT_SPI = 0x2222_0001;
    static final InetSocketAddress LOCAL = new InetSocketAddress("10.77.0.1", 4500);
    static final InetSocketAddress PEER = new InetSocketAddress("10.77.0.2", 40000);

    final DataplaneCounters counters = new DataplaneCounters();
    final List<byte[]> delivered = new ArrayList<>();
    final BlockingQueue<byte[]> ike = new LinkedBlockingQueue<>();
    final List<String> closes = new ArrayList<>();
    final EmbeddedChannel channel;
    final EspPortHandler handler;
    final EspSession session;
    final SpiRegistry spis = new SpiRegistry();
    private final IkeInbox inbox;
    /** The client's sealer for the headend's inbound SA. */
    OutboundSa client;
    /** The client's opener for the headend's outbound SA. */
    InboundSa clientReceiver;

    EspFixture(final TunnelAccess access, final int mtu)
    {
        inbox = new IkeInbox((peer, local, message) -> ike.add(message),
            counters.counter(DataplaneCounter.ESP_IKE_MESSAGES),
            counters.counter(DataplaneCounter.ESP_IKE_QUEUE_FULL_DROPS));
        handler = new EspPortHandler(inbox, spis, counters);
        channel = new EmbeddedChannel(handler);
        final TunnelPath path = new TunnelPath(5, new EgressQueue(channel.eventLoop(), 0), access);
        spis.claim(IN_SPI);
        session = new EspSession(path, mtu, PEER, sa(IN_SPI, 1, 64), sa(OUT_SPI, 2, 0), new InboundSink()
        {
            @Override
            public boolean offer(final DirectBuffer src, final int index, final int length)
            {
                final byte[] packet = new byte[length];
                src.getBytes(index, packet);
                delivered.add(packet);
                return true;
            }
        }, new TunnelListener()
        {
            @Override
            public void onDisconnectRequest(final int reason, final String text)
            {
                closes.add("disconnect request");
            }

            @Override
            public void onClosed(final CloseCause cause, final String detail)
            {
                closes.add(cause + " " + detail);
            }
        }, JcaAesGcm::new, handler, channel.eventLoop(), counters);
        handler.install(session);
        client = new OutboundSa(sa(IN_SPI, 1, 0), JcaAesGcm::new);
        clientReceiver = new InboundSa(sa(OUT_SPI, 2, 64), JcaAesGcm::new, null);
    }

    /** An SA of the test's: key bytes all {@code keyByte}, salt 1, 2, 3, {@code keyByte}. */
    static EspSa sa(final int spi, final int keyByte, final int window)
    {
        final byte[] key = new byte[16];
        java.util.Arrays.fill(key, (byte)keyByte);
        return new EspSa(spi, key, new byte[] {1, 2, 3, (byte)keyByte}, false, window);
    }

    /** The ESP packet the client sends for {@code inner}. */
    byte[] seal(final byte[] inner, final int nextHeader)
    {
        return seal(client, inner, nextHeader);
    }

    static byte[] seal(final OutboundSa sa, final byte[] inner, final int nextHeader)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[OutboundSa.sealedLength(inner.length)]);
        final int length = sa.seal(new UnsafeBuffer(inner), 0, inner.length, nextHeader, out, 0);
        if (length < 0)
        {
            throw new AssertionError("sealing failed: " + length);
        }
        return java.util.Arrays.copyOf(out.byteArray(), length);
    }

    void receive(final byte[] datagram, final InetSocketAddress from)
    {
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(datagram), LOCAL, from));
    }

    /** The next datagram the headend sent, with its recipient, or null. */
    DatagramPacket sent()
    {
        final Object message = channel.readOutbound();
        if (message == null)
        {
            return null;
        }
        final DatagramPacket datagram = (DatagramPacket)message;
        final ByteBuf copy = Unpooled.copiedBuffer(datagram.content());
        final DatagramPacket kept = new DatagramPacket(copy, datagram.recipient());
        ReferenceCountUtil.release(message);
        return kept;
    }

    /** The inner packet the client gets from one datagram the headend sent, or null if it does not open. */
    byte[] openAtClient(final DatagramPacket datagram)
    {
        final byte[] bytes = new byte[datagram.content().readableBytes()];
        datagram.content().getBytes(datagram.content().readerIndex(), bytes);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final int length = clientReceiver.open(buffer, 0, bytes.length);
        return length < 0 ? null : java.util.Arrays.copyOfRange(bytes, EspFormat.PAYLOAD_OFFSET,
            EspFormat.PAYLOAD_OFFSET + length);
    }

    @Override
    public void close()
    {
        channel.finishAndReleaseAll();
        inbox.close();
        client.close();
        clientReceiver.close();
    }
}
