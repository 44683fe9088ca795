package org.headend.control.config.grammar;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4 addresses as unsigned 32-bit numbers, for masks, ranges and overlaps. */
public final class Ipv4
{
    private Ipv4()
    {
    }

    /**
     * Parses a strict dotted quad: four decimal octets, no leading zeros beyond one digit, no name lookup.
     *
     * @throws IllegalArgumentException when the text is not such an address
     */
    public static Inet4Address parse(final String text)
    {
        final String[] parts = text.split("\\.", -1);
        if (parts.length != 4)
        {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
        final byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            final String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                || (part.length() > 1 && part.charAt(0) == '0'))
            {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
            }
            final int octet = Integer.parseInt(part);
            if (octet > 255)
            {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
            }
            bytes[i] = (byte)octet;
        }
        return fromBytes(bytes);
    }

    public static long toLong(final Inet4Address address)
    {
        final byte[] b = address.getAddress();
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }

    public static Inet4Address fromLong(final long value)
    {
        return fromBytes(new byte[] {(byte)(value >>> 24), (byte)(value >>> 16), (byte)(value >>> 8), (byte)value});
    }

    /** Whether the mask is a run of ones followed by a run of zeros. */
    public static boolean isContiguousMask(final Inet4Address mask)
    {
        final long inverted = ~toLong(mask) & 0xFFFF_FFFFL;
        return (inverted & (inverted + 1)) == 0;
    }

    public static String format(final Inet4Address address)
    {
        return address.getHostAddress();
    }

    /** A big-endian IPv4 int (as leases hold them) as a dotted quad. */
    public static String format(final int address)
    {
        return ((address >>> 24) & 0xFF) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
            + (address & 0xFF);
    }

    private static Inet4Address fromBytes(final byte[] bytes)
    {
        try
        {
            return (Inet4Address)InetAddress.getByAddress(bytes);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException("four bytes are always an IPv4 address", ex);
        }
    }
}
