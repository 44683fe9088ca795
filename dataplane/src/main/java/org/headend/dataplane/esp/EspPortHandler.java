package org.headend.dataplane.esp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.UnixChannel;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.dtls.OutboundDatagrams;
import org.headend.dataplane.dtls.RecordBatch;
import org.headend.dataplane.dtls.SendSlabs;
import org.headend.nativecfg.udp.UdpSender;

/**
 * The ESP port's receive side and SA table (RFC 3948 §2.2 demux): a datagram that starts with the non-ESP marker is
 * IKE and goes to control through the {@link IkeInbox}; a single 0xFF byte is a NAT keepalive and changes nothing;
 * anything else is ESP, found by its SPI in a hash table and opened by that SA's session. Garbage is counted and
 * dropped, never able to harm a session: only a packet that authenticates moves anything.
 *
 * <p>Thread: the port's event loop; control changes the table only through {@link EspPort}. One handler serves the
 * port's IPv4 and IPv6 sockets, which share that loop.
 */
@ChannelHandler.Sharable
final class EspPortHandler extends SimpleChannelInboundHandler<DatagramPacket>
{
    /** Largest datagram taken: an ESP packet for a 1500-byte link is far below, an IKE message may be bigger. */
    static final int MAX_DATAGRAM = 65535;

    private final IkeInbox ike;
    private final SpiRegistry spis;
    private final Int2ObjectHashMap<InboundSa> sas = new Int2ObjectHashMap<>();
    private final List<EspSession> sessions = new ArrayList<>();
    /** Off-heap, where OpenSSL reads the packet and writes the plaintext in place. */
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private final UnsafeBuffer view = new UnsafeBuffer(scratch);
    private final UnsafeBuffer source = new UnsafeBuffer(0, 0);
    private final AtomicCounter keepalives;
    private final AtomicCounter unknownSpi;
    private final AtomicCounter malformed;
    private final AtomicCounter sendErrors;
    private final List<ChannelHandlerContext> contexts = new ArrayList<>(2);
    private final List<UdpSender> senders = new ArrayList<>(2);
    private final SendSlabs slabs = new SendSlabs();
    private final OutboundDatagrams envelopes = new OutboundDatagrams();

    EspPortHandler(final IkeInbox ike, final SpiRegistry spis, final DataplaneCounters counters)
    {
        this.ike = ike;
        this.spis = spis;
        keepalives = counters.counter(DataplaneCounter.ESP_NAT_KEEPALIVES);
        unknownSpi = counters.counter(DataplaneCounter.ESP_UNKNOWN_SPI_DROPS);
        malformed = counters.counter(DataplaneCounter.ESP_MALFORMED_DROPS);
        sendErrors = counters.counter(DataplaneCounter.ESP_SEND_ERRORS);
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        contexts.add(ctx);
        senders.add(ctx.channel() instanceof UnixChannel unix ? new UdpSender(unix.fd().intValue()) : null);
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final DatagramPacket packet)
    {
        final ByteBuf content = packet.content();
        final int index = content.readerIndex();
        final int length = content.readableBytes();
        if (length == 1 && (content.getByte(index) & 0xFF) == EspFormat.NAT_KEEPALIVE)
        {
            keepalives.increment();
            return;
        }
        if (length < EspFormat.NON_ESP_MARKER_LENGTH || length > MAX_DATAGRAM)
        {
            malformed.increment();
            return;
        }
        final int spi = content.getInt(index);
        if (spi == 0)
        {
            ike.offer(packet.sender(), ctx.channel().localAddress() instanceof InetSocketAddress local ? local : null,
                content,
                index + EspFormat.NON_ESP_MARKER_LENGTH, length - EspFormat.NON_ESP_MARKER_LENGTH);
            return;
        }
        final InboundSa sa = sas.get(spi);
        if (sa == null)
        {
            unknownSpi.increment();
            return;
        }
        copyIn(content, index, length);
        sa.session().onPacket(sa, view, length, packet.sender(), System.nanoTime());
    }

    /** Copies a datagram into {@link #view}; through its address when it has one (getBytes would slice a buffer). */
    private void copyIn(final ByteBuf content, final int index, final int length)
    {
        if (content.hasMemoryAddress())
        {
            source.wrap(content.memoryAddress() + index, length);
            view.putBytes(0, source, 0, length);
        }
        else
        {
            scratch.clear().limit(length);
            content.getBytes(index, scratch);
            scratch.clear();
        }
    }

    /** Puts a new session's SA in the table and gives it a send batch on the socket of its peer's family. */
    void install(final EspSession session)
    {
        final ChannelHandlerContext ctx = contextFor(session.peer());
        sessions.add(session);
        register(session.currentInbound());
        session.start(new RecordBatch(ctx.channel(), false, senders.get(contexts.indexOf(ctx)), slabs, envelopes,
            sendErrors));
    }

    void register(final InboundSa sa)
    {
        sas.put(sa.spi(), sa);
    }

    /** Takes {@code sa} out of the table (if it is still the one under its SPI) and frees its SPI. */
    void unregister(final InboundSa sa)
    {
        if (sas.get(sa.spi()) == sa)
        {
            sas.remove(sa.spi());
        }
        spis.release(sa.spi());
    }

    void release(final int spi)
    {
        spis.release(spi);
    }

    void forget(final EspSession session)
    {
        sessions.remove(session);
    }

    /** Closes every session (the port closes). */
    void closeAll()
    {
        for (final EspSession session : List.copyOf(sessions))
        {
            session.close(TunnelListener.CloseCause.LOCAL, "ESP port closed");
        }
    }

    /** Whether a socket of this port can reach both addresses the same way (no move between IPv4 and IPv6). */
    boolean sameFamily(final InetSocketAddress a, final InetSocketAddress b)
    {
        return a.getAddress() instanceof Inet6Address == b.getAddress() instanceof Inet6Address;
    }

    /** The socket of {@code peer}'s address family. */
    ChannelHandlerContext contextFor(final InetSocketAddress peer)
    {
        final boolean ipv6 = peer.getAddress() instanceof Inet6Address;
        for (final ChannelHandlerContext context : contexts)
        {
            if (context.channel().localAddress() instanceof InetSocketAddress local
                && local.getAddress() instanceof Inet6Address == ipv6)
            {
                return context;
            }
        }
        return contexts.getFirst();
    }
}
