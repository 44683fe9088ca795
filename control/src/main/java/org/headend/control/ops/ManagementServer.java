package org.headend.control.ops;

import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.HttpAccess;
import org.headend.control.config.InterfaceConfig;
import org.headend.control.http.ListenerSet;
import org.headend.control.http.PreTunnelCap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ASA's management HTTPS server, serving {@code GET /metrics}: {@code http server enable [PORT]} starts it on the
 * IPv4 address of every interface an {@code http A.B.C.D M.M.M.M NAMEIF} line names, with the certificate the VPN
 * listeners serve on that interface ({@code ssl trust-point NAME [NAMEIF]}, else the built-in one), taken when each
 * connection is accepted: a trust-point change reaches the next handshake, as on the VPN listeners. A connection from an address no line of that interface permits is closed before the TLS handshake,
 * unanswered. {@link #apply} opens and closes listeners so that exactly the configured ones run, at start and after
 * every configuration change. Its connections have a budget of their own, and run on the front door's event loop
 * (never the tunnels'): a scrape's TLS handshake is no different from a login's. Any thread; calls are serialized.
 */
public final class ManagementServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADER_SIZE = 8192;
    private static final int MAX_BODY = 4096;
    private static final int IDLE_SECONDS = 60;
    private static final int TLS_HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** Scrapes waiting for the scrape thread; more are refused with a 503 rather than queued without bound. */
    private static final int MAX_QUEUED_SCRAPES = 16;

    private final Function<String, SslContext> tls;
    private final Supplier<HeadendConfig> config;
    private final Supplier<String> page;
    private final ExecutorService scrapes = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(MAX_QUEUED_SCRAPES), r ->
        {
            final Thread thread = new Thread(r, "metrics");
            thread.setDaemon(true);
            return thread;
        });
    /** Connections open at once, all addresses together; a scraper needs one. */
    private static final int CONNECTIONS = 64;

    private final PreTunnelCap cap = new PreTunnelCap(CONNECTIONS, 4);
    /** The listeners, each tagged with its nameif: a connection is checked against that interface's {@code http} lines. */
    private final ListenerSet<String> listeners;

    /**
     * @param group       the event loops the listeners run on (they only decode requests; scrapes run elsewhere)
     * @param channelType the server channel class matching {@code group}'s transport
     * @param tls         the TLS context of the VPN listeners on an interface (by nameif), as it is now
     * @param config      the current configuration (access is checked against it at each connection)
     * @param page        assembles one {@code /metrics} page; called on the management server's own thread
     */
    public ManagementServer(final EventLoopGroup group, final Class<? extends ServerChannel> channelType,
        final Function<String, SslContext> tls, final Supplier<HeadendConfig> config, final Supplier<String> page)
    {
        this.tls = tls;
        this.config = config;
        this.page = page;
        this.listeners = new ListenerSet<>("management HTTPS (/metrics)", group, channelType, 64, this::setUp);
    }

    /** Listens where {@code snapshot} configures, and nowhere else. */
    public void apply(final HeadendConfig snapshot)
    {
        listeners.apply(wanted(snapshot));
    }

    @Override
    public void close()
    {
        listeners.close();
        scrapes.shutdownNow();
    }

    private static Map<InetSocketAddress, String> wanted(final HeadendConfig snapshot)
    {
        final Map<InetSocketAddress, String> wanted = new LinkedHashMap<>();
        final int port = snapshot.operations().httpServerPort();
        if (port == 0)
        {
            return wanted;
        }
        for (final HttpAccess access : snapshot.operations().httpAccess())
        {
            final Optional<InterfaceConfig> iface = snapshot.interfaceByNameif(access.nameif());
            if (iface.isEmpty() || iface.get().address() == null)
            {
                LOG.warn("http {}: no interface with that nameif and an ip address", access.nameif());
                continue;
            }
            wanted.put(new InetSocketAddress(iface.get().address(), port), access.nameif());
        }
        return wanted;
    }

    private void setUp(final SocketChannel channel, final String nameif)
    {
        if (!(channel.remoteAddress().getAddress() instanceof Inet4Address peer)
            || !config.get().operations().httpPermits(peer, nameif))
        {
            LOG.debug("management HTTPS: {} is not allowed on {}", channel.remoteAddress(), nameif);
            channel.close();
            return;
        }
        final ChannelHandler slot = cap.admit(peer, channel);
        if (slot == null)
        {
            channel.close();
            return;
        }
        final SslHandler ssl = tls.apply(nameif).newHandler(channel.alloc());
        ssl.setHandshakeTimeoutMillis(TLS_HANDSHAKE_TIMEOUT_MILLIS);
        channel.pipeline()
            .addLast("cap", slot)
            .addLast("tls", ssl)
            .addLast("idle", new IdleStateHandler(IDLE_SECONDS, 0, 0, TimeUnit.SECONDS))
            .addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(MAX_BODY)))
            .addLast("aggregator", new HttpObjectAggregator(MAX_BODY))
            .addLast("metrics", new MetricsHandler(scrapes, page));
    }
}
