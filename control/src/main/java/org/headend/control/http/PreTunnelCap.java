package org.headend.control.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The budget of connections that have not (yet) become tunnels: TLS handshakes, logins, portal pages. A slow or idle
 * client holds its slot until a timeout closes it, so the front door needs a bound (bad-inputs #3, #9), but a bound
 * per address would refuse the honest users of one NAT. So: one global budget ({@code total}); below half of it
 * ({@code pressure}) every connection is admitted, whatever its address. Above it an address may hold its fair
 * share only ({@code total} over the number of addresses holding slots, never less than {@code minShare}); when the
 * budget is full, a new connection takes the slot of the oldest connection of the address that holds the most,
 * which is closed. Tunnels do not count. Shared by every HTTPS listener; calls are serialized.
 */
public final class PreTunnelCap
{
    /** Connections that are not tunnels, all addresses together: a few hundred MB of TLS state at most. */
    public static final int TOTAL = 1024;
    /** What one address may always keep under pressure: far above one browser's or client's parallel connections. */
    public static final int MIN_SHARE = 32;
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(PreTunnelCap.class);

    /** Per address, its slots oldest first. */
    private final Map<InetAddress, LinkedHashSet<Slot>> open = new HashMap<>();
    private final int total;
    private final int pressure;
    private final int minShare;
    private int held;
    private long refused;
    private long evicted;
    private long lastWarnNanos = System.nanoTime() - WARN_EVERY_NANOS;

    public PreTunnelCap(final int total, final int minShare)
    {
        this.total = total;
        this.pressure = total / 2;
        this.minShare = minShare;
    }

    /**
     * Takes a slot for {@code channel}, a new connection from {@code address}.
     *
     * @return the handler that gives the slot back when it leaves the pipeline (the connection closed or became a
     *         tunnel), or null when the address is over its share: the caller closes the connection
     */
    public synchronized ChannelHandler admit(final InetAddress address, final Channel channel)
    {
        final LinkedHashSet<Slot> mine = open.get(address);
        final int have = mine == null ? 0 : mine.size();
        if (held >= pressure && have >= share(mine == null))
        {
            refused++;
            warn(address.getHostAddress() + " holds " + have + " connections that are not tunnels while the front door"
                + " is busy (" + held + " of " + total + "); refusing more from it");
            return null;
        }
        if (held >= total)
        {
            evictOldestOfBiggest();
        }
        final Slot slot = new Slot(address, channel);
        open.computeIfAbsent(address, a -> new LinkedHashSet<>()).add(slot);
        held++;
        return slot;
    }

    /** An address's fair share under pressure; {@code newcomer} when it holds nothing yet. */
    private int share(final boolean newcomer)
    {
        return Math.max(minShare, total / (open.size() + (newcomer ? 1 : 0)));
    }

    private void evictOldestOfBiggest()
    {
        LinkedHashSet<Slot> biggest = null;
        for (final LinkedHashSet<Slot> slots : open.values())
        {
            if (biggest == null || slots.size() > biggest.size())
            {
                biggest = slots;
            }
        }
        if (biggest == null)
        {
            return;
        }
        final Iterator<Slot> oldest = biggest.iterator();
        final Slot victim = oldest.next();
        release(victim);
        evicted++;
        warn("the front door is full (" + total + " connections that are not tunnels); closing the oldest of "
            + victim.address.getHostAddress() + ", which holds the most");
        victim.channel.close();
    }

    private void warn(final String text)
    {
        final long now = System.nanoTime();
        if (now - lastWarnNanos >= WARN_EVERY_NANOS)
        {
            lastWarnNanos = now;
            LOG.warn(text);
        }
    }

    /** Connections of {@code address} holding a slot. */
    public synchronized int count(final InetAddress address)
    {
        final LinkedHashSet<Slot> slots = open.get(address);
        return slots == null ? 0 : slots.size();
    }

    /** Connections holding a slot, all addresses. */
    public synchronized int held()
    {
        return held;
    }

    /** Connections refused because their address was over its share. */
    public synchronized long refused()
    {
        return refused;
    }

    /** Connections closed to make room for a new one. */
    public synchronized long evicted()
    {
        return evicted;
    }

    private synchronized void release(final Slot slot)
    {
        if (slot.released)
        {
            return;
        }
        slot.released = true;
        final LinkedHashSet<Slot> slots = open.get(slot.address);
        slots.remove(slot);
        if (slots.isEmpty())
        {
            open.remove(slot.address);
        }
        held--;
    }

    private final class Slot extends ChannelInboundHandlerAdapter
    {
        private final InetAddress address;
        private final Channel channel;
        /** Guarded by the cap's lock. */
        private boolean released;

        Slot(final InetAddress address, final Channel channel)
        {
            this.address = address;
            this.channel = channel;
        }

        @Override
        public void handlerRemoved(final ChannelHandlerContext ctx)
        {
            release(this);
        }
    }
}
