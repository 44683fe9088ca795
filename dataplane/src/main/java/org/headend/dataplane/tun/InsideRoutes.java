package org.headend.dataplane.tun;

import java.nio.ByteBuffer;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.status.AtomicCounter;
import org.headend.dataplane.counters.DataplaneCounter;
import org.headend.dataplane.counters.DataplaneCounters;
import org.headend.dataplane.tunnel.TunnelPath;
import org.headend.dataplane.wire.Ipv4Header;

/**
 * The route table of one TUN queue's owner (inner IPv4 address → tunnel) and the checks every inside packet passes
 * before it is routed. Single-threaded: the owner of the queue; allocation-free lookups.
 */
final class InsideRoutes
{
    private final Int2ObjectHashMap<TunnelPath> routes = new Int2ObjectHashMap<>();
    private final AtomicCounter noRoute;
    private final AtomicCounter notIpv4;
    private final AtomicCounter runts;

    InsideRoutes(final DataplaneCounters counters)
    {
        noRoute = counters.counter(DataplaneCounter.NO_ROUTE_DROPS);
        notIpv4 = counters.counter(DataplaneCounter.NOT_IPV4_DROPS);
        runts = counters.counter(DataplaneCounter.RUNT_PACKET_DROPS);
    }

    /** Routes {@code address} to the tunnel of {@code path}; replaces an older route. */
    void add(final int address, final TunnelPath path)
    {
        routes.put(address, path);
    }

    /** Removes the route of {@code address} if it still belongs to {@code tunnelId}. */
    void remove(final int address, final int tunnelId)
    {
        final TunnelPath route = routes.get(address);
        if (route != null && route.tunnelId() == tunnelId)
        {
            routes.remove(address);
        }
    }

    /** The tunnel that owns the destination of the packet at offset 0, or null after counting why there is none. */
    TunnelPath lookup(final ByteBuffer packet, final int length)
    {
        if (length < Ipv4Header.MIN_LENGTH)
        {
            runts.increment();
            return null;
        }
        if (Ipv4Header.version(packet, 0) != 4)
        {
            notIpv4.increment();
            return null;
        }
        return find(Ipv4Header.destination(packet, 0));
    }

    /** As {@link #lookup(ByteBuffer, int)} for a packet at {@code offset} of an Agrona buffer. */
    TunnelPath lookup(final DirectBuffer packet, final int offset, final int length)
    {
        if (length < Ipv4Header.MIN_LENGTH)
        {
            runts.increment();
            return null;
        }
        if (((packet.getByte(offset) >> 4) & 0xF) != 4)
        {
            notIpv4.increment();
            return null;
        }
        return find(packet.getInt(offset + Ipv4Header.DESTINATION_OFFSET, java.nio.ByteOrder.BIG_ENDIAN));
    }

    private TunnelPath find(final int destination)
    {
        final TunnelPath path = routes.get(destination);
        if (path == null)
        {
            noRoute.increment();
        }
        return path;
    }
}
