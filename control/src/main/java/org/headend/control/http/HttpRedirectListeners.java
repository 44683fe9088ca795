package org.headend.control.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.HttpRedirect;
import org.headend.control.config.InterfaceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain-HTTP listeners of {@code http redirect NAMEIF PORT}: one per address of the named interface (its
 * {@code ip address} and any {@code ipv6 address}), each answering with {@link HttpRedirectHandler} under the same
 * request limits as the HTTPS front door: the same header limits, the same deadline from a request's first byte to
 * its last, and a budget of open connections of its own (a port-80 flood cannot take the HTTPS front door's slots).
 * {@link #apply} opens and closes listeners so that exactly the configured ones run, at start and after every
 * configuration change. Any thread; calls are serialized.
 */
public final class HttpRedirectListeners implements AutoCloseable
{
    /** Connections a redirect needs are short: one request, one answer. A quarter of the front door's budget. */
    static final int CONNECTIONS = PreTunnelCap.TOTAL / 4;
    private static final Logger LOG = LoggerFactory.getLogger(HttpRedirectListeners.class);

    private final PreTunnelCap cap = new PreTunnelCap(CONNECTIONS, PreTunnelCap.MIN_SHARE / 2);
    private final ListenerSet<String> listeners;

    /**
     * @param group       the event loops the listeners run on
     * @param channelType the server channel class matching {@code group}'s transport
     * @param config      the current configuration (the HTTPS port is read from it at each request)
     */
    public HttpRedirectListeners(final EventLoopGroup group, final Class<? extends ServerChannel> channelType,
        final Supplier<HeadendConfig> config)
    {
        this(group, channelType, config, TimeUnit.SECONDS.toMillis(RequestDeadline.SECONDS));
    }

    /** As above, with the deadline from a request's first byte to its last given (tests shorten it). */
    HttpRedirectListeners(final EventLoopGroup group, final Class<? extends ServerChannel> channelType,
        final Supplier<HeadendConfig> config, final long deadlineMillis)
    {
        this.listeners = new ListenerSet<>("HTTP redirect to HTTPS", group, channelType, 128, (channel, nameif) ->
        {
            final ChannelHandler slot = cap.admit(channel.remoteAddress().getAddress(), channel);
            if (slot == null)
            {
                channel.close();
                return;
            }
            channel.pipeline()
                .addLast("cap", slot)
                .addLast("idle", new IdleStateHandler(HttpsListener.REQUEST_TIMEOUT_SECONDS, 0, 0, TimeUnit.SECONDS))
                .addLast(RequestDeadline.NAME, new RequestDeadline(deadlineMillis))
                .addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                    .setMaxInitialLineLength(HttpsListener.MAX_INITIAL_LINE)
                    .setMaxHeaderSize(HttpsListener.MAX_HEADER_SIZE)
                    .setMaxChunkSize(8192)))
                .addLast("redirect", new HttpRedirectHandler(() -> config.get().webvpn().port()));
        });
    }

    /** Listens on what {@code snapshot} configures, and on nothing else. */
    public void apply(final HeadendConfig snapshot)
    {
        listeners.apply(wanted(snapshot));
    }

    /** The connections open now (for tests and {@code show} commands). */
    int connections()
    {
        return cap.held();
    }

    @Override
    public void close()
    {
        listeners.close();
    }

    private static Map<InetSocketAddress, String> wanted(final HeadendConfig snapshot)
    {
        final Map<InetSocketAddress, String> wanted = new LinkedHashMap<>();
        for (final HttpRedirect redirect : snapshot.globals().httpRedirects())
        {
            final Optional<InterfaceConfig> iface = snapshot.interfaceByNameif(redirect.nameif());
            if (iface.isEmpty() || iface.get().address() == null && iface.get().ipv6Addresses().isEmpty())
            {
                LOG.warn("http redirect {}: no interface with that nameif and an address", redirect.nameif());
                continue;
            }
            if (iface.get().address() != null)
            {
                wanted.put(new InetSocketAddress(iface.get().address(), redirect.port()), redirect.nameif());
            }
            for (final String prefix : iface.get().ipv6Addresses())
            {
                try
                {
                    // a literal checked by the configuration grammar: no name lookup happens
                    wanted.put(new InetSocketAddress(InetAddress.getByName(prefix.substring(0, prefix.indexOf('/'))),
                        redirect.port()), redirect.nameif());
                }
                catch (final UnknownHostException ex)
                {
                    LOG.warn("http redirect {}: bad IPv6 address {}", redirect.nameif(), prefix);
                }
            }
        }
        return wanted;
    }
}
