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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of listeners kept equal to what the configuration asks for. A change ({@link #prepare}) first opens the
 * listeners that are new, and only when every one of them is open ({@link Change#commit}) closes those no longer
 * wanted: a port or interface change leaves no moment without a listener, and a listener that cannot be opened
 * leaves everything as it was ({@link Change#error}). Closing a listener never closes the connections it accepted.
 * Each listener carries a tag (the interface name, say), read by each new connection, so that a tag change needs no
 * rebind. The listeners that come and go with configuration lines ({@code webvpn} {@code enable}/{@code port},
 * {@code dtls port}, {@code http redirect}, {@code http server enable}) share this so that they behave alike. Any
 * thread; calls are serialized.
 *
 * @param <T> what a listener's connections need to know about the line that opened it
 */
public final class ListenerSet<T> implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ListenerSet.class);

    /** Opens one listener. */
    @FunctionalInterface
    public interface Opener<T>
    {
        /**
         * @param address where to listen
         * @param tag     the listener's tag, read again by each new connection
         * @return what closes it
         * @throws Exception when it cannot listen there (the message is shown to the operator)
         */
        Listening open(InetSocketAddress address, Supplier<T> tag) throws Exception;
    }

    /** An open listener. */
    @FunctionalInterface
    public interface Listening
    {
        /** Stops listening; connections it accepted are left alone. */
        void close();
    }

    private final String label;
    private final Opener<T> opener;
    private final Map<InetSocketAddress, Bound<T>> listening = new HashMap<>();

    /** A listener and its tag, which a configuration change may update in place. */
    private static final class Bound<T> implements Supplier<T>
    {
        private volatile T tag;
        private Listening listening;

        Bound(final T tag)
        {
            this.tag = tag;
        }

        @Override
        public T get()
        {
            return tag;
        }
    }

    /**
     * TCP listeners, as {@code http redirect} and the management server use them.
     *
     * @param label       what the listeners are, for the log ("HTTP redirect")
     * @param group       the event loops the listeners and their connections run on
     * @param channelType the server channel class matching {@code group}'s transport
     * @param backlog     the accept queue of each listener
     * @param setup       builds a new connection's pipeline, given the tag of its listener; may close it instead
     */
    public ListenerSet(final String label, final EventLoopGroup group, final Class<? extends ServerChannel> channelType,
        final int backlog, final BiConsumer<SocketChannel, T> setup)
    {
        this(label, tcp(group, channelType, backlog, setup));
    }

    /**
     * Listeners of any kind.
     *
     * @param label  what the listeners are, for the log and the operator's errors ("TLS", "DTLS")
     * @param opener opens one
     */
    public ListenerSet(final String label, final Opener<T> opener)
    {
        this.label = label;
        this.opener = opener;
    }

    /**
     * Listens on exactly the addresses of {@code wanted}, each with its tag: {@link #prepare} and commit. When a new
     * listener cannot be opened nothing changes, and the reason is logged and returned.
     *
     * @return null when done, else why nothing changed
     */
    public synchronized String apply(final Map<InetSocketAddress, T> wanted)
    {
        final Change change = prepare(wanted);
        if (change.error() != null)
        {
            LOG.warn("{}", change.error());
            change.abort();
            return change.error();
        }
        change.commit();
        return null;
    }

    /**
     * Opens what {@code wanted} adds, and nothing else yet: the returned change is then committed (the listeners no
     * longer wanted close, the tags change) or aborted (the new listeners close). An address no longer wanted that
     * stands in the way of a new one on the same port (a wildcard and a specific address) is closed before it, and
     * opened again if the new one fails all the same.
     */
    public synchronized Change prepare(final Map<InetSocketAddress, T> wanted)
    {
        final Change change = new Change(Map.copyOf(wanted));
        for (final Map.Entry<InetSocketAddress, T> entry : wanted.entrySet())
        {
            if (listening.containsKey(entry.getKey()))
            {
                continue;
            }
            final Bound<T> bound = new Bound<>(entry.getValue());
            String error = open(entry.getKey(), bound);
            if (error != null)
            {
                final List<InetSocketAddress> inTheWay = inTheWay(entry.getKey(), wanted);
                if (!inTheWay.isEmpty())
                {
                    inTheWay.forEach(address -> change.closeEarly(address));
                    error = open(entry.getKey(), bound);
                }
            }
            if (error != null)
            {
                change.error = error;
                return change;
            }
            change.opened.put(entry.getKey(), bound);
        }
        return change;
    }

    /** The addresses listened on now. */
    public synchronized Set<InetSocketAddress> addresses()
    {
        return Set.copyOf(listening.keySet());
    }

    @Override
    public synchronized void close()
    {
        for (final Map.Entry<InetSocketAddress, Bound<T>> entry : listening.entrySet())
        {
            entry.getValue().listening.close();
        }
        listening.clear();
    }

    /** Listeners not wanted any more that overlap {@code address}: same port, and one of the two a wildcard. */
    private List<InetSocketAddress> inTheWay(final InetSocketAddress address, final Map<InetSocketAddress, T> wanted)
    {
        final List<InetSocketAddress> inTheWay = new ArrayList<>();
        for (final InetSocketAddress old : listening.keySet())
        {
            if (!wanted.containsKey(old) && old.getPort() == address.getPort()
                && (old.getAddress().isAnyLocalAddress() || address.getAddress().isAnyLocalAddress()))
            {
                inTheWay.add(old);
            }
        }
        return inTheWay;
    }

    private String open(final InetSocketAddress address, final Bound<T> bound)
    {
        try
        {
            bound.listening = opener.open(address, bound);
            LOG.info("{} listening on {}", label, format(address));
            return null;
        }
        catch (final Exception ex)
        {
            final String why = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            return "cannot listen for " + label + " on " + format(address) + ": " + why;
        }
    }

    private void closeOne(final InetSocketAddress address)
    {
        final Bound<T> bound = listening.remove(address);
        if (bound != null)
        {
            bound.listening.close();
            LOG.info("{} on {} stopped", label, format(address));
        }
    }

    private static String format(final InetSocketAddress address)
    {
        final String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** A change under way: the new listeners are open, the old ones still are too. */
    public final class Change
    {
        private final Map<InetSocketAddress, T> wanted;
        private final Map<InetSocketAddress, Bound<T>> opened = new LinkedHashMap<>();
        /** Old listeners closed early to make way for a new one, with their tags: reopened on abort. */
        private final Map<InetSocketAddress, T> closedEarly = new LinkedHashMap<>();
        private String error;

        private Change(final Map<InetSocketAddress, T> wanted)
        {
            this.wanted = wanted;
        }

        /** Why a new listener could not be opened, or null when all were. */
        public String error()
        {
            return error;
        }

        private void closeEarly(final InetSocketAddress address)
        {
            closedEarly.put(address, listening.get(address).tag);
            closeOne(address);
        }

        /** The listeners no longer wanted close; the new ones join; tags take their new values. */
        public void commit()
        {
            synchronized (ListenerSet.this)
            {
                if (error != null)
                {
                    throw new IllegalStateException("a change that failed cannot be committed: " + error);
                }
                for (final InetSocketAddress address : Set.copyOf(listening.keySet()))
                {
                    if (!wanted.containsKey(address))
                    {
                        closeOne(address);
                    }
                }
                listening.putAll(opened);
                wanted.forEach((address, tag) -> listening.get(address).tag = tag);
            }
        }

        /** The new listeners close, and those closed to make way for them open again: as before the change. */
        public void abort()
        {
            synchronized (ListenerSet.this)
            {
                opened.forEach((address, bound) ->
                {
                    bound.listening.close();
                    LOG.info("{} on {} closed again: the change is not made", label, format(address));
                });
                opened.clear();
                closedEarly.forEach((address, tag) ->
                {
                    final Bound<T> bound = new Bound<>(tag);
                    if (open(address, bound) == null)
                    {
                        listening.put(address, bound);
                    }
                    else
                    {
                        LOG.warn("{} on {} could not be opened again after a failed change", label, format(address));
                    }
                });
                closedEarly.clear();
            }
        }
    }

    /** TCP listeners: a server channel each, whose connections {@code setup} builds. */
    private static <T> Opener<T> tcp(final EventLoopGroup group, final Class<? extends ServerChannel> channelType,
        final int backlog, final BiConsumer<SocketChannel, T> setup)
    {
        return (address, tag) ->
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
                        setup.accept(channel, tag.get());
                    }
                })
                .bind(address);
            if (!bound.awaitUninterruptibly(5, TimeUnit.SECONDS) || !bound.isSuccess())
            {
                bound.channel().close();
                throw new java.io.IOException(bound.isDone() ? String.valueOf(bound.cause().getMessage())
                    : "bind timed out");
            }
            final Channel channel = bound.channel();
            return () -> channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        };
    }
}
