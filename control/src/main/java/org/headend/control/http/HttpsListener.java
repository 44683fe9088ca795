package org.headend.control.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The TLS listener on the outside address: TLS 1.2/1.3, then HTTP/1.1 with hard limits (8 KiB request line,
 * 16 KiB of headers, 256 KiB body, {@value RequestDeadline#SECONDS} s from a request's first byte to its last, 60 s
 * idle), then {@link FrontDoorHandler}. A budget ({@link PreTunnelCap}) bounds the connections that are not tunnels. A CONNECT that opens a
 * tunnel replaces the HTTP handlers with the data plane's CSTP handler.
 */
public final class HttpsListener
{
    /** Handlers that leave the pipeline when the connection becomes a tunnel. */
    static final List<String> HTTP_HANDLERS = List.of("pre-tunnel-cap", "idle", RequestDeadline.NAME, "http",
        RequestHeadCheck.NAME, "aggregator");
    /** One budget for every listener (IPv4 and IPv6 alike). */
    private static final PreTunnelCap CAP = new PreTunnelCap(PreTunnelCap.TOTAL, PreTunnelCap.MIN_SHARE);

    static final int MAX_INITIAL_LINE = 8192;
    static final int MAX_HEADER_SIZE = 16384;
    static final int REQUEST_TIMEOUT_SECONDS = 60;
    private static final int TLS_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private HttpsListener()
    {
    }

    /**
     * Binds the listener.
     *
     * @param group       the front door's event loop (tunnels move to a data plane loop after CONNECT)
     * @param channelType the server channel class matching {@code group}'s transport
     * @param address     where to listen
     * @param tls         the server TLS context
     * @param control     the control thread
     * @param router      the control thread's request handler
     */
    public static Channel bind(final EventLoopGroup group, final Class<? extends io.netty.channel.ServerChannel> channelType,
        final InetSocketAddress address, final SslContext tls, final Executor control,
        final BiConsumer<HttpRequestView, Exchange> router) throws InterruptedException
    {
        return bind(group, channelType, address, tls, () -> false, control, router);
    }

    /**
     * {@link #bind(EventLoopGroup, Class, InetSocketAddress, SslContext, Executor, BiConsumer)} that asks each new
     * connection for a client certificate (optional: clients without one still connect) while
     * {@code askForCertificate} says so; {@code tls} must then take any client chain (see
     * {@code tls.DeferredClientTrust}).
     */
    public static Channel bind(final EventLoopGroup group, final Class<? extends io.netty.channel.ServerChannel> channelType,
        final InetSocketAddress address, final SslContext tls, final java.util.function.BooleanSupplier askForCertificate,
        final Executor control, final BiConsumer<HttpRequestView, Exchange> router) throws InterruptedException
    {
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(group)
            .channel(channelType)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel channel)
                {
                    final ChannelHandler slot = CAP.admit(channel.remoteAddress().getAddress(), channel);
                    if (slot == null)
                    {
                        channel.close();
                        return;
                    }
                    final SslHandler ssl = tls.newHandler(channel.alloc());
                    // one write, one TLS record: openconnect reads exactly one CSTP frame per record
                    ssl.setWrapDataSize(0);
                    ssl.setHandshakeTimeoutMillis(TLS_HANDSHAKE_TIMEOUT_MILLIS);
                    if (askForCertificate.getAsBoolean())
                    {
                        ssl.engine().setWantClientAuth(true);
                    }
                    channel.pipeline()
                        .addLast("pre-tunnel-cap", slot)
                        .addLast("tls", ssl)
                        .addLast("idle", new IdleStateHandler(REQUEST_TIMEOUT_SECONDS, 0, 0, TimeUnit.SECONDS))
                        .addLast(RequestDeadline.NAME, new RequestDeadline(TimeUnit.SECONDS.toMillis(
                            RequestDeadline.SECONDS)))
                        .addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                            .setMaxInitialLineLength(MAX_INITIAL_LINE)
                            .setMaxHeaderSize(MAX_HEADER_SIZE)
                            .setMaxChunkSize(8192)))
                        .addLast(RequestHeadCheck.NAME, new RequestHeadCheck())
                        .addLast("aggregator", new ClosingAggregator())
                        .addLast("front-door", new FrontDoorHandler(control, router));
                }
            });
        return bootstrap.bind(address).sync().channel();
    }
}
