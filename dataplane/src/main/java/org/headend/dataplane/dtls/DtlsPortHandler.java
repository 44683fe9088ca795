package org.headend.dataplane.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.UnixChannel;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.agrona.collections.Object2IntHashMap;
import org.agrona.collections.Object2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.DtlsPortListener;
import org.headend.dataplane.api.HandshakeQueue;
import org.headend.dataplane.api.HandshakeSink;
import org.headend.dataplane.trace.StageTrace;
import org.headend.dataplane.tunnel.InboundSink;
import org.headend.dataplane.tunnel.TunnelPath;
import org.headend.nativecfg.udp.UdpSender;

/**
 * The DTLS UDP port (docs/protocol/tunnel-and-dtls.md §5.2): every datagram is looked up by its sender. A sender with
 * a running handshake gets its datagrams queued for that handshake; a sender with an endpoint gets them opened by
 * it; a ClientHello from anyone is judged by the listener, statelessly (its session_id must name a session, and
 * it must carry the cookie of its address), and only then, within the caps on running handshakes in all and per
 * address, gets a queue and a handshake; an application record from an unknown sender is tried against a few of the
 * endpoints of the same IP (NAT rebinding: {@link AddressEndpoints}) and moves that endpoint only if it authenticates.
 * Everything else is counted and dropped, so garbage never harms a session. No datagram costs work in proportion to
 * the number of sessions: each is looked up by its sender, its IP or its ClientHello's session id.
 *
 * <p>Thread: the port's event loop; control changes the tables only through {@link DtlsPort}. One handler serves the
 * port's IPv4 and IPv6 sockets, which must share that event loop.
 */
@ChannelHandler.Sharable
public final class DtlsPortHandler extends SimpleChannelInboundHandler<DatagramPacket>
{
    /** Largest datagram read; a DTLS record for a 1500-byte link is far below. */
    private static final int MAX_DATAGRAM = 16 * 1024;
    /**
     * Handshakes running at once, from clients that proved their address with a cookie; ClientHellos beyond this are
     * dropped, not queued. A handshake costs a waiting virtual thread and a small queue, and ends within its deadline.
     */
    static final int MAX_HANDSHAKES = 256;
    /**
     * Handshakes running at once for one tunnel (one ClientHello session id): its client retrying from a new port
     * while its first attempt still runs. Keyed on the tunnel, not the address: a hello is admitted only for a live,
     * authenticated tunnel, so an attacker multiplies handshakes only by logging in, while any number of honest
     * clients behind one NAT come up together.
     */
    static final int MAX_HANDSHAKES_PER_TUNNEL = 2;

    private final DtlsPortListener listener;
    private final boolean gsoSupported;
    private final Object2ObjectHashMap<InetSocketAddress, HandshakeSink> handshakes = new Object2ObjectHashMap<>();
    /** The tunnel (session id, hex) each running handshake is for. */
    private final Object2ObjectHashMap<InetSocketAddress, String> handshakeTunnels = new Object2ObjectHashMap<>();
    /** Handshakes running per tunnel (session id, hex), for {@link #MAX_HANDSHAKES_PER_TUNNEL}. */
    private final Object2IntHashMap<String> tunnelHandshakes = new Object2IntHashMap<>(0);
    private final Object2ObjectHashMap<InetSocketAddress, DtlsEndpoint> endpoints = new Object2ObjectHashMap<>();
    /** The same endpoints by their tunnel: a tunnel has one at a time. */
    private final Object2ObjectHashMap<TunnelPath, DtlsEndpoint> endpointsByPath = new Object2ObjectHashMap<>();
    /** The same endpoints by their client's IP: where a datagram from an unknown port may have come from. */
    private final Object2ObjectHashMap<InetAddress, AddressEndpoints> endpointsByAddress =
        new Object2ObjectHashMap<>();
    /**
     * The socket each running handshake's client sent its ClientHello to: its flights, and then its endpoint's
     * records, leave from there (with several sockets, as while a {@code dtls port} change drains, the client only
     * takes datagrams from the address and port it sends to).
     */
    private final Object2ObjectHashMap<InetSocketAddress, ChannelHandlerContext> handshakeSockets =
        new Object2ObjectHashMap<>();
    /** The socket of the ClientHello being judged: a HelloVerifyRequest sent meanwhile answers from it. */
    private ChannelHandlerContext judging;
    private final byte[] scratch = new byte[MAX_DATAGRAM];
    private final UnsafeBuffer view = new UnsafeBuffer(scratch);
    private final UnsafeBuffer source = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer trial = new UnsafeBuffer(new byte[MAX_DATAGRAM]);
    private final AtomicCounter unknownPeer;
    private final AtomicCounter malformed;
    private final AtomicCounter clientHellos;
    private final AtomicCounter admitted;
    private final AtomicCounter refused;
    private final AtomicCounter rebinds;
    /** One per bound socket (IPv4, IPv6), all on the port's event loop. */
    private final List<ChannelHandlerContext> contexts = new ArrayList<>(2);
    /** The sockets' direct senders, index for index with {@link #contexts}; null for a socket without an fd (NIO). */
    private final List<UdpSender> senders = new ArrayList<>(2);
    private final SendSlabs slabs = new SendSlabs();
    private final OutboundDatagrams envelopes = new OutboundDatagrams();
    private final AtomicCounter sendErrors;
    /**
     * Where the client packets of this read batch went (one sink in threading mode {@code shared}: the TUN queue of
     * the loop), told at the end of the batch so that they reach the inside before the loop's next turn.
     */
    private InboundSink batchSink;

    DtlsPortHandler(final DtlsPortListener listener, final DataplaneCounters counters, final boolean gsoSupported)
    {
        this.listener = listener;
        this.gsoSupported = gsoSupported;
        unknownPeer = counters.counter(DataplaneCounter.DTLS_UNKNOWN_PEER_DROPS);
        malformed = counters.counter(DataplaneCounter.DTLS_MALFORMED_DROPS);
        clientHellos = counters.counter(DataplaneCounter.DTLS_CLIENT_HELLOS);
        admitted = counters.counter(DataplaneCounter.DTLS_HANDSHAKES_STARTED);
        refused = counters.counter(DataplaneCounter.DTLS_HANDSHAKES_REFUSED);
        rebinds = counters.counter(DataplaneCounter.DTLS_NAT_REBINDS);
        sendErrors = counters.counter(DataplaneCounter.DTLS_SEND_ERRORS);
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        contexts.add(ctx);
        senders.add(ctx.channel() instanceof UnixChannel unix ? new UdpSender(unix.fd().intValue()) : null);
    }

    /** A socket closed (its address or port is no longer configured): nothing leaves from it any more. */
    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        final int index = contexts.indexOf(ctx);
        if (index >= 0)
        {
            contexts.remove(index);
            senders.remove(index);
        }
    }

    /**
     * Sends a handshake datagram to {@code peer} from the socket it talks to: the one whose ClientHello is being
     * judged, else the one of its running handshake or endpoint, else the first of its address family.
     */
    void send(final InetSocketAddress peer, final ByteBuf datagram)
    {
        ChannelHandlerContext ctx = judging;
        if (ctx == null)
        {
            ctx = handshakeSockets.get(peer);
        }
        final DtlsEndpoint endpoint = ctx == null ? endpoints.get(peer) : null;
        final io.netty.channel.Channel socket = endpoint != null && endpoint.channel() != null ? endpoint.channel()
            : (ctx != null ? ctx : contextFor(peer)).channel();
        socket.writeAndFlush(new DatagramPacket(datagram, peer));
    }

    /** The socket of {@code peer}'s address family: where its endpoint sends. */
    private ChannelHandlerContext contextFor(final InetSocketAddress peer)
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

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final DatagramPacket packet)
    {
        StageTrace.mark(StageTrace.DATAGRAM_IN);
        final InetSocketAddress sender = packet.sender();
        final ByteBuf content = packet.content();
        final int index = content.readerIndex();
        final int length = content.readableBytes();
        if (length > MAX_DATAGRAM || length < DtlsRecordHeader.HEADER_LENGTH)
        {
            malformed.increment();
            return;
        }
        final HandshakeSink handshake = handshakes.get(sender);
        if (handshake != null)
        {
            handshake.offer(copy(content, index, length));
            return;
        }
        if (ClientHello.isHandshake(content, index, length))
        {
            onHandshakeRecord(ctx, sender, content, index, length);
            return;
        }
        copyIn(content, index, length);
        final long now = ctx.executor().ticker().nanoTime();
        final DtlsEndpoint endpoint = endpoints.get(sender);
        if (endpoint != null)
        {
            endpoint.onDatagram(view, length, now);
            inboundTo(endpoint.inbound());
            return;
        }
        final DtlsEndpoint moved = rebound(sender, length);
        if (moved == null)
        {
            unknownPeer.increment();
            return;
        }
        rebinds.increment();
        endpoints.remove(moved.peer());
        moved.rebind(sender);
        endpoints.put(sender, moved);
        moved.onDatagram(view, length, now);
        inboundTo(moved.inbound());
    }

    /** Notes the sink of a datagram's packets; one that differs from the batch's so far ends that one's batch. */
    private void inboundTo(final InboundSink sink)
    {
        if (batchSink != sink && batchSink != null)
        {
            batchSink.endOfBatch();
        }
        batchSink = sink;
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        final InboundSink sink = batchSink;
        if (sink != null)
        {
            batchSink = null;
            sink.endOfBatch();
        }
        ctx.fireChannelReadComplete();
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
            content.getBytes(index, scratch, 0, length);
        }
    }

    private void onHandshakeRecord(final ChannelHandlerContext ctx, final InetSocketAddress sender,
        final ByteBuf content, final int index, final int length)
    {
        final byte[] sessionId = ClientHello.sessionId(content, index, length);
        if (sessionId == null)
        {
            final DtlsEndpoint endpoint = endpoints.get(sender);
            if (endpoint == null || !endpoint.resendLastFlight())
            {
                // a stray fragment of a handshake that is over
                malformed.increment();
            }
            return;
        }
        clientHellos.increment();
        content.getBytes(index, scratch, 0, length);
        // stateless: an unknown id gets no answer, a missing or stale cookie a HelloVerifyRequest, and neither
        // leaves anything behind
        final DtlsPortListener.Admission admission;
        judging = ctx;
        try
        {
            admission = listener.admit(sender, sessionId, scratch, length, ctx.executor().ticker().nanoTime());
        }
        finally
        {
            judging = null;
        }
        if (admission == null)
        {
            return;
        }
        final String tunnel = hex(sessionId);
        if (handshakes.size() >= MAX_HANDSHAKES || tunnelHandshakes.getValue(tunnel) >= MAX_HANDSHAKES_PER_TUNNEL)
        {
            // the client sends its ClientHello again, with its cookie, and gets a slot when one frees up
            refused.increment();
            return;
        }
        admitted.increment();
        // from now on the peer's datagrams queue up for the handshake
        final HandshakeQueue queue = new HandshakeQueue();
        handshakes.put(sender, queue);
        handshakeTunnels.put(sender, tunnel);
        tunnelHandshakes.put(tunnel, tunnelHandshakes.getValue(tunnel) + 1);
        handshakeSockets.put(sender, ctx);
        listener.onClientHello(sender, admission, queue);
    }

    private static String hex(final byte[] bytes)
    {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** The endpoint of the same client IP whose keys open this datagram, or null; see {@link AddressEndpoints}. */
    private DtlsEndpoint rebound(final InetSocketAddress sender, final int length)
    {
        final AddressEndpoints sameAddress = endpointsByAddress.get(sender.getAddress());
        return sameAddress == null ? null : sameAddress.authenticating(view, length, trial);
    }

    private static byte[] copy(final ByteBuf content, final int index, final int length)
    {
        final byte[] datagram = new byte[length];
        content.getBytes(index, datagram);
        return datagram;
    }

    void removeHandshake(final InetSocketAddress peer, final HandshakeSink sink)
    {
        if (handshakes.get(peer) == sink)
        {
            handshakes.remove(peer);
            final String tunnel = handshakeTunnels.remove(peer);
            final int left = tunnel == null ? 0 : tunnelHandshakes.getValue(tunnel) - 1;
            if (left > 0)
            {
                tunnelHandshakes.put(tunnel, left);
            }
            else if (tunnel != null)
            {
                tunnelHandshakes.removeKey(tunnel);
            }
            handshakeSockets.remove(peer);
        }
    }

    /**
     * Ends {@code sink}'s handshake and puts {@code endpoint} in charge of its peer in the same step, then opens the
     * datagrams that arrived after the handshake finished: the client's first records.
     */
    void installAfter(final HandshakeSink sink, final DtlsEndpoint endpoint)
    {
        final ChannelHandlerContext socket = handshakes.get(endpoint.peer()) == sink
            ? handshakeSockets.get(endpoint.peer()) : null;
        removeHandshake(endpoint.peer(), sink);
        install(endpoint, socket == null ? contextFor(endpoint.peer()) : socket);
        final long now = contexts.getFirst().executor().ticker().nanoTime();
        for (final byte[] datagram : sink.takeLeftovers())
        {
            // the client's flight repeated while the handshake ended: it lost ours
            if (datagram.length >= DtlsRecordHeader.HEADER_LENGTH
                && (datagram[0] & 0xFF) == DtlsRecordHeader.TYPE_HANDSHAKE)
            {
                endpoint.resendLastFlight();
            }
            else if (datagram.length <= MAX_DATAGRAM)
            {
                view.putBytes(0, datagram);
                endpoint.onDatagram(view, datagram.length, now);
            }
        }
    }

    /** Puts {@code endpoint} in charge of its peer's datagrams, replacing and closing whatever was there. */
    void install(final DtlsEndpoint endpoint)
    {
        install(endpoint, contextFor(endpoint.peer()));
    }

    /** As {@link #install(DtlsEndpoint)}, the endpoint sending from the socket of {@code ctx}. */
    private void install(final DtlsEndpoint endpoint, final ChannelHandlerContext ctx)
    {
        // the tunnel's earlier endpoint (a new handshake after a NAT change), and whatever held its address and port
        for (final DtlsEndpoint old : new DtlsEndpoint[] {endpointsByPath.get(endpoint.path()),
            endpoints.get(endpoint.peer())})
        {
            if (old != null && endpoints.get(old.peer()) == old)
            {
                forget(old);
                old.close();
            }
        }
        endpoints.put(endpoint.peer(), endpoint);
        endpointsByPath.put(endpoint.path(), endpoint);
        endpointsByAddress.computeIfAbsent(endpoint.peer().getAddress(), a -> new AddressEndpoints()).add(endpoint);
        final RecordBatch batch = new RecordBatch(ctx.channel(), gsoSupported, senders.get(contexts.indexOf(ctx)),
            slabs, envelopes, sendErrors);
        endpoint.start(ctx.channel(), ctx.executor().ticker().nanoTime(), batch);
    }

    void remove(final DtlsEndpoint endpoint)
    {
        if (endpoints.get(endpoint.peer()) == endpoint)
        {
            forget(endpoint);
        }
        endpoint.close();
    }

    /** Takes {@code endpoint} out of both tables. */
    private void forget(final DtlsEndpoint endpoint)
    {
        endpoints.remove(endpoint.peer());
        endpointsByPath.remove(endpoint.path(), endpoint);
        final InetAddress address = endpoint.peer().getAddress();
        final AddressEndpoints sameAddress = endpointsByAddress.get(address);
        if (sameAddress != null && sameAddress.remove(endpoint))
        {
            endpointsByAddress.remove(address);
        }
    }
}
