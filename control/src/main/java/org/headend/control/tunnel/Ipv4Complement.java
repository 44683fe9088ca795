package org.headend.control.tunnel;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.headend.control.config.AclAddress;

/**
 * Everything but some IPv4 networks, as the fewest CIDR blocks: how an {@code excludespecified} split tunnel is told
 * to an IKEv2 client, which can only be given what to send through the tunnel (TSr, INTERNAL_IP4_SUBNET), never what
 * to keep out of it. Blocks rather than arbitrary ranges, because clients turn each selector into a route or a
 * policy by its covering subnet.
 */
final class Ipv4Complement
{
    private Ipv4Complement()
    {
    }

    /**
     * The blocks that together cover every IPv4 address outside {@code excluded}, in address order; at most
     * {@code limit} of them.
     *
     * @return null when more than {@code limit} blocks would be needed
     */
    static List<AclAddress> of(final List<AclAddress> excluded, final int limit)
    {
        final List<long[]> ranges = new ArrayList<>();
        for (final AclAddress network : excluded)
        {
            if (network.family() == 4)
            {
                final long start = toLong(network.network().getAddress()) & mask(network.prefixLength());
                ranges.add(new long[] {start, start + (1L << 32 - network.prefixLength()) - 1});
            }
        }
        final List<AclAddress> out = new ArrayList<>();
        return cover(0, 0, ranges, out, limit) ? List.copyOf(out) : null;
    }

    /** Adds the parts of block {@code start/prefix} outside every range; false when the limit is passed. */
    private static boolean cover(final long start, final int prefix, final List<long[]> ranges,
        final List<AclAddress> out, final int limit)
    {
        final long end = start + (1L << 32 - prefix) - 1;
        boolean overlaps = false;
        for (final long[] range : ranges)
        {
            if (range[0] <= start && end <= range[1])
            {
                return true;
            }
            overlaps |= range[0] <= end && start <= range[1];
        }
        if (!overlaps)
        {
            if (out.size() == limit)
            {
                return false;
            }
            out.add(new AclAddress(address(start), prefix, 4));
            return true;
        }
        final long half = 1L << 31 - prefix;
        return cover(start, prefix + 1, ranges, out, limit) && cover(start + half, prefix + 1, ranges, out, limit);
    }

    private static long mask(final int prefix)
    {
        return prefix == 0 ? 0 : 0xFFFF_FFFFL << 32 - prefix & 0xFFFF_FFFFL;
    }

    private static long toLong(final byte[] address)
    {
        return (address[0] & 0xFFL) << 24 | (address[1] & 0xFFL) << 16 | (address[2] & 0xFFL) << 8
            | address[3] & 0xFFL;
    }

    private static InetAddress address(final long value)
    {
        try
        {
            return InetAddress.getByAddress(new byte[] {(byte)(value >>> 24), (byte)(value >>> 16),
                (byte)(value >>> 8), (byte)value});
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException("four bytes are always an IPv4 address", ex);
        }
    }
}
