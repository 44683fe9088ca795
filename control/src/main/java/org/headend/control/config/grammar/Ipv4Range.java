package org.headend.control.config.grammar;

import java.net.Inet4Address;

/**
 * An inclusive address range written {@code FIRST-LAST}.
 *
 * @param first the lowest address
 * @param last  the highest address, not below {@code first}
 */
public record Ipv4Range(Inet4Address first, Inet4Address last)
{
    /** How many addresses the range holds. */
    public long size()
    {
        return Ipv4.toLong(last) - Ipv4.toLong(first) + 1;
    }

    public boolean overlaps(final Ipv4Range other)
    {
        return Ipv4.toLong(first) <= Ipv4.toLong(other.last) && Ipv4.toLong(other.first) <= Ipv4.toLong(last);
    }

    @Override
    public String toString()
    {
        return Ipv4.format(first) + "-" + Ipv4.format(last);
    }
}
