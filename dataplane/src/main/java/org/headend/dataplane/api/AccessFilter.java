package org.headend.dataplane.api;

import java.util.List;

/**
 * A session's {@code vpn-filter}: an ordered list of permit and deny entries on the destination of what the client
 * sends, the first matching entry decides, and what no entry matches is denied (an access list's implicit deny).
 * Each address family is judged by its own entries. Immutable; a linear scan over a few entries, allocation-free.
 */
public final class AccessFilter
{
    /** Network and mask pairs, big-endian ints. */
    private final int[] ipv4;
    private final boolean[] permit4;
    /** Network hi, lo, mask hi, lo per entry. */
    private final long[] ipv6;
    private final boolean[] permit6;

    /** One entry: a destination network (the address family by its length) and whether it is permitted. */
    public record Entry(boolean permit, SplitFilter.Network destination)
    {
    }

    /** The filter of {@code entries}, in order. */
    public AccessFilter(final List<Entry> entries)
    {
        final List<Entry> v4 = entries.stream().filter(e -> e.destination().address().length == 4).toList();
        final List<Entry> v6 = entries.stream().filter(e -> e.destination().address().length == 16).toList();
        ipv4 = new int[v4.size() * 2];
        permit4 = new boolean[v4.size()];
        for (int i = 0; i < v4.size(); i++)
        {
            final SplitFilter.Network n = v4.get(i).destination();
            final int mask = n.prefixLength() == 0 ? 0 : -1 << (32 - n.prefixLength());
            ipv4[2 * i] = (int)bits(n.address(), 0, 4) & mask;
            ipv4[2 * i + 1] = mask;
            permit4[i] = v4.get(i).permit();
        }
        ipv6 = new long[v6.size() * 4];
        permit6 = new boolean[v6.size()];
        for (int i = 0; i < v6.size(); i++)
        {
            final SplitFilter.Network n = v6.get(i).destination();
            final int length = n.prefixLength();
            final long maskHi = length == 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
            final long maskLo = length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
            ipv6[4 * i] = bits(n.address(), 0, 8) & maskHi;
            ipv6[4 * i + 1] = bits(n.address(), 8, 8) & maskLo;
            ipv6[4 * i + 2] = maskHi;
            ipv6[4 * i + 3] = maskLo;
            permit6[i] = v6.get(i).permit();
        }
    }

    /** Whether a packet to the IPv4 {@code destination} may pass. */
    public boolean admitsIpv4(final int destination)
    {
        for (int i = 0; i < permit4.length; i++)
        {
            if ((destination & ipv4[2 * i + 1]) == ipv4[2 * i])
            {
                return permit4[i];
            }
        }
        return false;
    }

    /** Whether a packet to the IPv6 destination {@code hi:lo} may pass. */
    public boolean admitsIpv6(final long hi, final long lo)
    {
        for (int i = 0; i < permit6.length; i++)
        {
            if ((hi & ipv6[4 * i + 2]) == ipv6[4 * i] && (lo & ipv6[4 * i + 3]) == ipv6[4 * i + 1])
            {
                return permit6[i];
            }
        }
        return false;
    }

    private static long bits(final byte[] b, final int from, final int count)
    {
        long value = 0;
        for (int i = from; i < from + count; i++)
        {
            value = value << 8 | (b[i] & 0xFF);
        }
        return value;
    }
}
