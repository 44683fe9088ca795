package org.headend.dataplane.api;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.headend.dataplane.wire.Ipv4Header;
import org.headend.dataplane.wire.Ipv6Header;

/**
 * What one session's client may send into the inside: packets whose source is one of the session's leased addresses
 * (anti-spoofing) and, under a split-tunnel policy, whose destination the policy lets through, and which the
 * session's {@code vpn-filter} ({@link AccessFilter}) permits. Immutable, built by control per CONNECT (a new
 * filter makes a new one, {@link #withFilter}) and read per packet by the tunnel's CSTP handler and DTLS endpoints;
 * allocation-free.
 */
public final class TunnelAccess
{
    /** The packet may enter the inside. */
    public static final int ADMIT = 0;
    /** Shorter than its IP header. */
    public static final int RUNT = 1;
    /** Neither IPv4 nor IPv6, or an address family the session has no address of. */
    public static final int NOT_IP = 2;
    /** The source is not the session's address. */
    public static final int SPOOFED = 3;
    /** The destination is outside what the session's split-tunnel policy or vpn-filter allows. */
    public static final int FILTERED = 4;
    /** An IPv6 link-local or unspecified source: the client's own link chatter, never routed. */
    public static final int LINK_LOCAL = 5;

    private final int ipv4;
    private final boolean hasIpv6;
    private final long ipv6Hi;
    private final long ipv6Lo;
    private final SplitFilter filter;
    private final AccessFilter vpnFilter;

    /**
     * @param ipv4   the session's IPv4 address (big-endian int), 0 when it has none
     * @param ipv6   the session's IPv6 address (16 bytes), or null
     * @param filter the destinations the session may reach, or null for all
     */
    public TunnelAccess(final int ipv4, final byte[] ipv6, final SplitFilter filter)
    {
        this(ipv4, ipv6, filter, null);
    }

    /**
     * As above, with the session's {@code vpn-filter}.
     *
     * @param vpnFilter what the session's filter permits, or null for no filter
     */
    public TunnelAccess(final int ipv4, final byte[] ipv6, final SplitFilter filter, final AccessFilter vpnFilter)
    {
        if (ipv6 != null && ipv6.length != 16)
        {
            throw new IllegalArgumentException("an IPv6 address has 16 bytes");
        }
        this.ipv4 = ipv4;
        this.hasIpv6 = ipv6 != null;
        this.ipv6Hi = ipv6 == null ? 0 : java.nio.ByteBuffer.wrap(ipv6, 0, 8).getLong();
        this.ipv6Lo = ipv6 == null ? 0 : java.nio.ByteBuffer.wrap(ipv6, 8, 8).getLong();
        this.filter = filter;
        this.vpnFilter = vpnFilter;
    }

    private TunnelAccess(final TunnelAccess addresses, final AccessFilter vpnFilter)
    {
        this.ipv4 = addresses.ipv4;
        this.hasIpv6 = addresses.hasIpv6;
        this.ipv6Hi = addresses.ipv6Hi;
        this.ipv6Lo = addresses.ipv6Lo;
        this.filter = addresses.filter;
        this.vpnFilter = vpnFilter;
    }

    /** The same addresses and split-tunnel filter under another {@code vpn-filter} (null: none). */
    public TunnelAccess withFilter(final AccessFilter value)
    {
        return new TunnelAccess(this, value);
    }

    /** The session's {@code vpn-filter}, or null. */
    public AccessFilter vpnFilter()
    {
        return vpnFilter;
    }

    /** The session's IPv4 address, 0 when none. */
    public int ipv4()
    {
        return ipv4;
    }

    /** Whether the session has an IPv6 address. */
    public boolean hasIpv6()
    {
        return hasIpv6;
    }

    public long ipv6Hi()
    {
        return ipv6Hi;
    }

    public long ipv6Lo()
    {
        return ipv6Lo;
    }

    /** Judges the packet of {@code length} bytes at {@code index}: {@link #ADMIT} or the reason to drop it. */
    public int check(final DirectBuffer packet, final int index, final int length)
    {
        if (length < Ipv4Header.MIN_LENGTH)
        {
            return RUNT;
        }
        final int version = (packet.getByte(index) >> 4) & 0xF;
        if (version == 4 && ipv4 != 0)
        {
            if (packet.getInt(index + Ipv4Header.SOURCE_OFFSET, ByteOrder.BIG_ENDIAN) != ipv4)
            {
                return SPOOFED;
            }
            final int destination = packet.getInt(index + Ipv4Header.DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
            return (filter == null || filter.admitsIpv4(destination))
                && (vpnFilter == null || vpnFilter.admitsIpv4(destination)) ? ADMIT : FILTERED;
        }
        if (version == 6 && hasIpv6)
        {
            if (length < Ipv6Header.LENGTH)
            {
                return RUNT;
            }
            final long hi = Ipv6Header.hi(packet, index, Ipv6Header.SOURCE_OFFSET);
            final long lo = Ipv6Header.lo(packet, index, Ipv6Header.SOURCE_OFFSET);
            if (hi != ipv6Hi || lo != ipv6Lo)
            {
                return Ipv6Header.isLinkLocalOrUnspecified(hi, lo) ? LINK_LOCAL : SPOOFED;
            }
            final long destinationHi = Ipv6Header.hi(packet, index, Ipv6Header.DESTINATION_OFFSET);
            final long destinationLo = Ipv6Header.lo(packet, index, Ipv6Header.DESTINATION_OFFSET);
            return (filter == null || filter.admitsIpv6(destinationHi, destinationLo))
                && (vpnFilter == null || vpnFilter.admitsIpv6(destinationHi, destinationLo)) ? ADMIT : FILTERED;
        }
        if (version == 6 && length >= Ipv6Header.LENGTH && Ipv6Header.isLinkLocalOrUnspecified(
            Ipv6Header.hi(packet, index, Ipv6Header.SOURCE_OFFSET), Ipv6Header.lo(packet, index, Ipv6Header.SOURCE_OFFSET)))
        {
            return LINK_LOCAL;
        }
        return NOT_IP;
    }
}
