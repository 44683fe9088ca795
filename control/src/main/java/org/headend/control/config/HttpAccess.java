package org.headend.control.config;

import java.net.Inet4Address;
import org.headend.control.config.grammar.Ipv4;

/**
 * {@code http A.B.C.D M.M.M.M NAMEIF}: hosts allowed to reach the management HTTPS server ({@code /metrics})
 * through an interface. Others get their connection closed without an answer.
 *
 * @param network the allowed address (host or network)
 * @param mask    its mask
 * @param nameif  the interface they come in by
 */
public record HttpAccess(Inet4Address network, Inet4Address mask, String nameif)
{
    /** Whether {@code address} is inside this entry's network. */
    public boolean permits(final Inet4Address address)
    {
        final long maskBits = Ipv4.toLong(mask);
        return (Ipv4.toLong(address) & maskBits) == (Ipv4.toLong(network) & maskBits);
    }
}
