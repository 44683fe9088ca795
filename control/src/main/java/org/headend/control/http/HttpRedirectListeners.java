package org.headend.control.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * request limits as the HTTPS front door. {@link #apply} opens and closes listeners so that exactly the configured
 * ones run, at start and after every configuration change. Any thread; calls are serialized.
 */
public final class HttpRedirectListeners implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(HttpRedirectListeners.class);

    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> channelType;
    private final Supplier<HeadendConfig> config;
    private final Map<InetSocketAddress, Channel> listening = new HashMap<>();

    /**
     * @param group       the event loops the listeners run on
     * @param channelType the server channel class matching {@code group}'s transport
     * @param config      the current configuration (the HTTPS port is read from it at each request)
     */
    public HttpRedirectListeners(final EventLoopGroup group, final Class<? extends ServerChannel> channelType,
        final Supplier<HeadendConfig> config)
    {
        this.group = group;
        this.channelType = channelType;
        this.config = config;
    }

    /** Listens on what {@code snapshot} configures, and on nothing else. */
    public synchronized void apply(final HeadendConfig snapshot)
    {
        final Set<InetSocketAddress> wanted = wanted(snapshot);
        for (final InetSocketAddress address : Set.copyOf(listening.keySet()))
        {
            if (!wanted.contains(address))
            {
                listening.remove(address).close().awaitUninterruptibly(2, TimeUnit.SECONDS);
                LOG.info("HTTP redirect on {}:{} stopped", address.getAddress().getHostAddress(), address.getPort());
            }
        }
        for (final InetSocketAddress address : wanted)
        {
            if (!listening.containsKey(address))
            {
                final Channel channel = bind(address);
                if (channel != null)
                {
                    listening.put(address, channel);
                }
            }
        }
    }

    @Override
    public synchronized void close()
    {
        for (final Channel channel : listening.values())
        {
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        listening.clear();
    }

    private static Set<InetSocketAddress> wanted(final HeadendConfig snapshot)
    {
        final Set<InetSocketAddress> wanted = new LinkedHashSet<>();
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
                wanted.add(new InetSocketAddress(iface.get().address(), redirect.port()));
            }
            for (final String prefix : iface.get().ipv6Addresses())
            {
                try
                {
                    // a literal checked by the configuration grammar: no name lookup happens
                    wanted.add(new InetSocketAddress(InetAddress.getByName(prefix.substring(0, prefix.indexOf('/'))),
                        redirect.port()));
                }
                catch (final UnknownHostException ex)
                {
                    LOG.warn("http redirect {}: bad IPv6 address {}", redirect.nameif(), prefix);
                }
            }
        }
        return wanted;
    }

    private Channel bind(final InetSocketAddress address)
    {
        final ChannelFuture bound = new ServerBootstrap()
            .group(group)
            .channel(channelType)
            .option(ChannelOption.SO_BACKLOG, 128)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel channel)
                {
                    channel.pipeline()
                        .addLast("idle", new IdleStateHandler(HttpsListener.REQUEST_TIMEOUT_SECONDS, 0, 0,
                            TimeUnit.SECONDS))
                        .addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                            .setMaxInitialLineLength(HttpsListener.MAX_INITIAL_LINE)
                            .setMaxHeaderSize(HttpsListener.MAX_HEADER_SIZE)
                            .setMaxChunkSize(8192)))
                        .addLast("redirect", new HttpRedirectHandler(() -> config.get().webvpn().port()));
                }
            })
            .bind(address);
        if (!bound.awaitUninterruptibly(5, TimeUnit.SECONDS) || !bound.isSuccess())
        {
            LOG.warn("cannot listen for HTTP redirects on {}:{}: {}", address.getAddress().getHostAddress(),
                address.getPort(), bound.isDone() ? bound.cause().toString() : "bind timed out");
            bound.channel().close();
            return null;
        }
        LOG.info("HTTP redirect to HTTPS listening on {}:{}", address.getAddress().getHostAddress(), address.getPort());
        return bound.channel();
    }
}
