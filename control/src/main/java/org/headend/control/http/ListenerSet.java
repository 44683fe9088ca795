package org.headend.control.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of TCP listeners kept equal to what the configuration asks for: {@link #apply} closes the listeners no longer
 * wanted and binds the new ones, leaving the others (and their connections) alone. Each listener carries a tag (the
 * interface name, say) that its connections are set up with. The listeners that come and go with configuration
 * lines ({@code http redirect}, {@code http server enable}) share this so that they behave alike. Any thread; calls
 * are serialized.
 *
 * @param <T> what a listener's connections need to know about the line that opened it
 */
public final class ListenerSet<T> implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ListenerSet.class);

    private final String label;
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> channelType;
    private final int backlog;
    private final BiConsumer<SocketChannel, T> setup;
    private final Map<InetSocketAddress, Channel> listening = new HashMap<>();

    /**
     * @param label       what the listeners are, for the log ("HTTP redirect")
     * @param group       the event loops the listeners and their connections run on
     * @param channelType the server channel class matching {@code group}'s transport
     * @param backlog     the accept queue of each listener
     * @param setup       builds a new connection's pipeline, given the tag of its listener; may close it instead
     */
    public ListenerSet(final String label, final EventLoopGroup group, final Class<? extends ServerChannel> channelType,
        final int backlog, final BiConsumer<SocketChannel, T> setup)
    {
        this.label = label;
        this.group = group;
        this.channelType = channelType;
        this.backlog = backlog;
        this.setup = setup;
    }

    /** Listens on exactly the addresses of {@code wanted}, each with its tag. A bind that fails is logged, not thrown. */
    public synchronized void apply(final Map<InetSocketAddress, T> wanted)
    {
        for (final InetSocketAddress address : Set.copyOf(listening.keySet()))
        {
            if (!wanted.containsKey(address))
            {
                listening.remove(address).close().awaitUninterruptibly(2, TimeUnit.SECONDS);
                LOG.info("{} on {}:{} stopped", label, address.getAddress().getHostAddress(), address.getPort());
            }
        }
        wanted.forEach((address, tag) ->
        {
            if (!listening.containsKey(address))
            {
                final Channel channel = bind(address, tag);
                if (channel != null)
                {
                    listening.put(address, channel);
                }
            }
        });
    }

    /** The addresses listened on now. */
    public synchronized Set<InetSocketAddress> addresses()
    {
        return Set.copyOf(listening.keySet());
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

    private Channel bind(final InetSocketAddress address, final T tag)
    {
        final ChannelFuture bound = new ServerBootstrap()
            .group(group)
            .channel(channelType)
            .option(ChannelOption.SO_BACKLOG, backlog)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel channel)
                {
                    setup.accept(channel, tag);
                }
            })
            .bind(address);
        if (!bound.awaitUninterruptibly(5, TimeUnit.SECONDS) || !bound.isSuccess())
        {
            LOG.warn("cannot listen for {} on {}:{}: {}", label, address.getAddress().getHostAddress(),
                address.getPort(), bound.isDone() ? bound.cause().toString() : "bind timed out");
            bound.channel().close();
            return null;
        }
        LOG.info("{} listening on {}:{}", label, address.getAddress().getHostAddress(), address.getPort());
        return bound.channel();
    }
}
