package org.headend.dataplane.tun;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.tunnel.TunnelPath;
import org.headend.dataplane.wire.Ipv4Header;
import org.headend.dataplane.wire.Ipv6Header;

/**
 * The route table of one TUN queue's owner (inner IPv4 or IPv6 address → tunnel) and the checks every inside packet
 * passes before it is routed. Single-threaded: the owner of the queue; allocation-free lookups.
 */
final class InsideRoutes
{
    private final Int2ObjectHashMap<TunnelPath> ipv4 = new Int2ObjectHashMap<>();
    private final Ipv6RouteTable ipv6 = new Ipv6RouteTable();
    private final UnsafeBuffer byteBufferView = new UnsafeBuffer(0, 0);
    private final AtomicCounter noRoute;
    private final AtomicCounter notIp;
    private final AtomicCounter runts;

    InsideRoutes(final DataplaneCounters counters)
    {
        noRoute = counters.counter(DataplaneCounter.NO_ROUTE_DROPS);
        notIp = counters.counter(DataplaneCounter.NOT_IP_DROPS);
        runts = counters.counter(DataplaneCounter.RUNT_PACKET_DROPS);
    }

    /** Routes every address of the session of {@code path} to it; replaces older routes. */
    void add(final TunnelPath path)
    {
        final TunnelAccess access = path.access();
        if (access.ipv4() != 0)
        {
            ipv4.put(access.ipv4(), path);
        }
        if (access.hasIpv6())
        {
            ipv6.put(access.ipv6Hi(), access.ipv6Lo(), path);
        }
    }

    /** Removes the routes of the addresses of {@code path}'s session that still belong to its tunnel. */
    void remove(final TunnelPath path)
    {
        final TunnelAccess access = path.access();
        final TunnelPath route = ipv4.get(access.ipv4());
        if (access.ipv4() != 0 && route != null && route.tunnelId() == path.tunnelId())
        {
            ipv4.remove(access.ipv4());
        }
        if (access.hasIpv6())
        {
            ipv6.remove(access.ipv6Hi(), access.ipv6Lo(), path.tunnelId());
        }
    }

    /** The tunnel that owns the destination of the packet at offset 0, or null after counting why there is none. */
    TunnelPath lookup(final ByteBuffer packet, final int length)
    {
        byteBufferView.wrap(packet, 0, length);
        return lookup(byteBufferView, 0, length);
    }

    /** As {@link #lookup(ByteBuffer, int)} for a packet at {@code offset} of an Agrona buffer. */
    TunnelPath lookup(final DirectBuffer packet, final int offset, final int length)
    {
        if (length < Ipv4Header.MIN_LENGTH)
        {
            runts.increment();
            return null;
        }
        final int version = (packet.getByte(offset) >> 4) & 0xF;
        final TunnelPath path;
        if (version == 4)
        {
            path = ipv4.get(packet.getInt(offset + Ipv4Header.DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN));
        }
        else if (version == 6)
        {
            if (length < Ipv6Header.LENGTH)
            {
                runts.increment();
                return null;
            }
            path = ipv6.get(Ipv6Header.hi(packet, offset, Ipv6Header.DESTINATION_OFFSET),
                Ipv6Header.lo(packet, offset, Ipv6Header.DESTINATION_OFFSET));
        }
        else
        {
            notIp.increment();
            return null;
        }
        if (path == null)
        {
            noRoute.increment();
        }
        return path;
    }
}
