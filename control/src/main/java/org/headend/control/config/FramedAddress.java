package org.headend.control.config;

import java.net.Inet4Address;
import org.headend.control.config.grammar.Ipv4;

/**
 * {@code vpn-framed-ip-address A.B.C.D MASK} of a local user: the one tunnel address the user's sessions get, whether
 * or not an {@code ip local pool} covers it, and the netmask the client is told.
 *
 * @param address the address, or null when the user has none ({@link #NONE})
 * @param mask    its netmask (contiguous), or null with {@link #NONE}
 */
public record FramedAddress(Inet4Address address, Inet4Address mask)
{
    /** No fixed address: the user's tunnels take theirs from the pools. */
    public static final FramedAddress NONE = new FramedAddress(null, null);

    /**
     * @throws IllegalArgumentException when the address is the network or broadcast address of its mask (a /31 or
     *                                  /32 has neither)
     */
    public static FramedAddress of(final Inet4Address address, final Inet4Address mask)
    {
        final long maskBits = Ipv4.toLong(mask);
        final long host = Ipv4.toLong(address) & ~maskBits & 0xFFFF_FFFFL;
        if (Long.bitCount(maskBits) < 31 && (host == 0 || host == (~maskBits & 0xFFFF_FFFFL)))
        {
            throw new IllegalArgumentException(Ipv4.format(address) + " is the network or broadcast address of mask "
                + Ipv4.format(mask));
        }
        return new FramedAddress(address, mask);
    }

    /** As the command takes it: {@code A.B.C.D MASK}, or {@code none}. */
    @Override
    public String toString()
    {
        return address == null ? "none" : Ipv4.format(address) + " " + Ipv4.format(mask);
    }
}
