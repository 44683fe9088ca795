package org.headend.control.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The connections of the TLS listeners on the interfaces {@code webvpn} is enabled on: TLS 1.2/1.3, then HTTP/1.1
 * with hard limits (8 KiB request line, 16 KiB of headers, 256 KiB body, {@value RequestDeadline#SECONDS} s from a
 * request's first byte to its last, 60 s idle), then {@link FrontDoorHandler}. A budget ({@link PreTunnelCap})
 * bounds the connections that are not tunnels, and {@link HandshakeGate} the TLS handshakes in flight. A CONNECT that opens a tunnel replaces the HTTP handlers with the
 * data plane's CSTP handler. The listeners themselves are a {@link ListenerSet}.
 */
public final class HttpsListener
{
    /** Handlers that leave the pipeline when the connection becomes a tunnel. */
    static final List<String> HTTP_HANDLERS = List.of("pre-tunnel-cap", "idle", RequestDeadline.NAME, "http",
        RequestHeadCheck.NAME, "aggregator");
    /** The nameif of the interface a connection arrived on ({@code enable NAMEIF tls-only} is read per CONNECT). */
    public static final AttributeKey<String> NAMEIF = AttributeKey.valueOf("headend.nameif");
    public static final String BACKLOG_PROP_NAME = "headend.tls.backlog";
    /**
     * Accept queue of each listener ({@value #BACKLOG_PROP_NAME}, default as many as {@link HandshakeGate} lets in
     * at once): where connections wait while the gate is full. A client gives up after its own timeout however long
     * the queue, so a queue longer than what the front door serves within that time only hands it connections whose
     * client has left; with a short one the kernel drops the excess SYNs and clients retry a second later. At 100
     * connects/s offered on a loaded 2-core box, 35-267 of 1,500 came up with a queue of 64 against 0-31 with 1,024
     * ({@code perf/scripts/front-door-overload.sh}).
     */
    public static final int BACKLOG = Integer.getInteger(BACKLOG_PROP_NAME, HandshakeGate.defaultMax());
    /** One budget for every listener (IPv4 and IPv6 alike). */
    private static final PreTunnelCap CAP = new PreTunnelCap(PreTunnelCap.TOTAL, PreTunnelCap.MIN_SHARE);
    /** One bound on the TLS handshakes in flight, for every listener: past it, new connections wait in the backlog. */
    private static final HandshakeGate HANDSHAKES = new HandshakeGate(HandshakeGate.defaultMax(),
        HandshakeGate.HOLD_NANOS);

    static final int MAX_INITIAL_LINE = 8192;
    static final int MAX_HEADER_SIZE = 16384;
    static final int REQUEST_TIMEOUT_SECONDS = 60;
    /**
     * From accepting a connection to the end of its TLS handshake; past it the connection is closed. openconnect
     * has no timeout of its own here (it waits as long as the server keeps the connection), so this is the bound a
     * client meets; {@code ./loadgen} gives up later than this (its own timer runs from the TCP connect, in the
     * listen queue too) so that the server's bound is the one it measures.
     */
    public static final int TLS_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private HttpsListener()
    {
    }

    /**
     * The front door's idle timeout: {@value #REQUEST_TIMEOUT_SECONDS} s without a byte read or written. An answer
     * written restarts it, so the client has the whole period to send its next request however long the server took
     * to answer; while a request is being answered {@link FrontDoorHandler} lets it pass.
     */
    static IdleStateHandler idleTimer()
    {
        return new IdleStateHandler(0, 0, REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Builds a new connection's pipeline: TLS with {@code tls} (the certificate of the interface it arrived on, as it
     * is now: a certificate change reaches new handshakes only), the HTTP limits, the front door.
     *
     * @param channel           the accepted connection
     * @param nameif            the interface of the listener that accepted it (kept as {@link #NAMEIF})
     * @param tls               the server TLS context
     * @param askForCertificate whether to ask the client for a certificate (optional: clients without one still
     *                          connect); {@code tls} must then take any client chain (see {@code tls.DeferredClientTrust})
     * @param control           the control thread
     * @param router            the control thread's request handler
     */
    public static void setUp(final SocketChannel channel, final String nameif, final SslContext tls,
        final boolean askForCertificate, final Executor control, final BiConsumer<HttpRequestView, Exchange> router)
    {
        final ChannelHandler slot = CAP.admit(channel.remoteAddress().getAddress(), channel);
        if (slot == null)
        {
            channel.close();
            return;
        }
        channel.config().setTcpNoDelay(true);
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(256 * 1024, 1024 * 1024));
        channel.attr(NAMEIF).set(nameif);
        final SslHandler ssl = tls.newHandler(channel.alloc());
        // one write, one TLS record: openconnect reads exactly one CSTP frame per record
        ssl.setWrapDataSize(0);
        ssl.setHandshakeTimeoutMillis(TLS_HANDSHAKE_TIMEOUT_MILLIS);
        if (askForCertificate)
        {
            ssl.engine().setWantClientAuth(true);
        }
        channel.pipeline().addLast("pre-tunnel-cap", slot);
        HANDSHAKES.watch(channel, ssl.handshakeFuture());
        channel.pipeline()
            .addLast("tls", ssl)
            .addLast("idle", idleTimer())
            .addLast(RequestDeadline.NAME, new RequestDeadline(TimeUnit.SECONDS.toMillis(RequestDeadline.SECONDS)))
            .addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(8192)))
            .addLast(RequestHeadCheck.NAME, new RequestHeadCheck())
            .addLast("aggregator", new ClosingAggregator())
            .addLast("front-door", new FrontDoorHandler(control, router));
    }
}
