package org.headend.control.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A budget of connections per client address that have not (yet) become tunnels: TLS handshakes, logins, portal
 * pages. A slow or idle client holds its slot until the handshake or request timeout closes it, so one address
 * cannot tie up the front door with hundreds of them (bad-inputs #3, #9); tunnels do not count, so many users behind
 * one NAT are not limited once connected. Shared by every HTTPS listener; any event loop.
 */
public final class PreTunnelCap
{
    /** Far above one browser's or client's parallel connections, far below what starves the front door. */
    public static final int PER_ADDRESS = 64;
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(PreTunnelCap.class);

    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private final int limit;

    public PreTunnelCap(final int limit)
    {
        this.limit = limit;
    }

    /**
     * Takes a slot for a new connection from {@code address}.
     *
     * @return the handler that gives the slot back when it leaves the pipeline (the connection closed or became a
     *         tunnel), or null when the address has no slot left: the caller closes the connection
     */
    public ChannelHandler admit(final InetAddress address)
    {
        final boolean[] admitted = new boolean[1];
        open.compute(address, (a, n) ->
        {
            final int now = n == null ? 0 : n;
            admitted[0] = now < limit;
            return admitted[0] ? now + 1 : now;
        });
        if (!admitted[0])
        {
            final long now = System.nanoTime();
            final long last = lastWarnNanos.get();
            if (now - last >= WARN_EVERY_NANOS && lastWarnNanos.compareAndSet(last, now))
            {
                LOG.warn("{} has {} connections that are not tunnels; refusing more from it", address.getHostAddress(),
                    limit);
            }
            return null;
        }
        return new Slot(address);
    }

    /** Connections of {@code address} holding a slot. */
    public int count(final InetAddress address)
    {
        return open.getOrDefault(address, 0);
    }

    private void release(final InetAddress address)
    {
        open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    private final class Slot extends ChannelInboundHandlerAdapter
    {
        private final InetAddress address;
        private boolean released;

        Slot(final InetAddress address)
        {
            this.address = address;
        }

        @Override
        public void handlerRemoved(final ChannelHandlerContext ctx)
        {
            if (!released)
            {
                released = true;
                release(address);
            }
        }
    }
}
