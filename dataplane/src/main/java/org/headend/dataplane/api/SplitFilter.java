package org.headend.dataplane.api;

import java.util.List;

/**
 * The destinations a split-tunnel policy lets a session reach: with {@code tunnelspecified} only the listed networks,
 * with {@code excludespecified} everything but them. Each address family is judged by its own list; under
 * {@code tunnelspecified} a family without entries reaches nothing, because the client was given no route for it.
 * Immutable; linear scans over a few networks, allocation-free.
 */
public final class SplitFilter
{
    private final boolean onlyListed;
    /** Network and mask pairs, big-endian ints. */
    private final int[] ipv4;
    /** Network hi, lo, mask hi, lo per entry. */
    private final long[] ipv6;

    /** One network of the list: an IPv4 (4 bytes) or IPv6 (16 bytes) address and its prefix length. */
    public record Network(byte[] address, int prefixLength)
    {
        public Network
        {
            if (address.length != 4 && address.length != 16)
            {
                throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + address.length);
            }
            if (prefixLength < 0 || prefixLength > address.length * 8)
            {
                throw new IllegalArgumentException("prefix length " + prefixLength + " out of range");
            }
            address = address.clone();
        }
    }

    private SplitFilter(final boolean onlyListed, final List<Network> networks)
    {
        this.onlyListed = onlyListed;
        final List<Network> v4 = networks.stream().filter(n -> n.address().length == 4).toList();
        final List<Network> v6 = networks.stream().filter(n -> n.address().length == 16).toList();
        ipv4 = new int[v4.size() * 2];
        for (int i = 0; i < v4.size(); i++)
        {
            final int mask = v4.get(i).prefixLength() == 0 ? 0 : -1 << (32 - v4.get(i).prefixLength());
            ipv4[2 * i] = toInt(v4.get(i).address()) & mask;
            ipv4[2 * i + 1] = mask;
        }
        ipv6 = new long[v6.size() * 4];
        for (int i = 0; i < v6.size(); i++)
        {
            final int length = v6.get(i).prefixLength();
            final long maskHi = length == 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
            final long maskLo = length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
            ipv6[4 * i] = toLong(v6.get(i).address(), 0) & maskHi;
            ipv6[4 * i + 1] = toLong(v6.get(i).address(), 8) & maskLo;
            ipv6[4 * i + 2] = maskHi;
            ipv6[4 * i + 3] = maskLo;
        }
    }

    /** {@code tunnelspecified}: only {@code networks} are reachable. */
    public static SplitFilter onlyTo(final List<Network> networks)
    {
        return new SplitFilter(true, networks);
    }

    /** {@code excludespecified}: everything but {@code networks} is reachable. */
    public static SplitFilter allBut(final List<Network> networks)
    {
        return new SplitFilter(false, networks);
    }

    /** Whether a packet to the IPv4 {@code destination} may pass. */
    public boolean admitsIpv4(final int destination)
    {
        if (ipv4.length == 0)
        {
            return true;
        }
        for (int i = 0; i < ipv4.length; i += 2)
        {
            if ((destination & ipv4[i + 1]) == ipv4[i])
            {
                return onlyListed;
            }
        }
        return !onlyListed;
    }

    /** Whether a packet to the IPv6 destination {@code hi:lo} may pass. */
    public boolean admitsIpv6(final long hi, final long lo)
    {
        if (ipv6.length == 0)
        {
            return true;
        }
        for (int i = 0; i < ipv6.length; i += 4)
        {
            if ((hi & ipv6[i + 2]) == ipv6[i] && (lo & ipv6[i + 3]) == ipv6[i + 1])
            {
                return onlyListed;
            }
        }
        return !onlyListed;
    }

    private static int toInt(final byte[] b)
    {
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    private static long toLong(final byte[] b, final int from)
    {
        long value = 0;
        for (int i = from; i < from + 8; i++)
        {
            value = value << 8 | (b[i] & 0xFF);
        }
        return value;
    }
}
