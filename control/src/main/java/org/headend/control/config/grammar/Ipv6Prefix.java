package org.headend.control.config.grammar;

import java.net.Inet6Address;

/**
 * An IPv6 address with a prefix length, written {@code ADDRESS/LENGTH}.
 *
 * @param address the address as given (not masked: {@code ipv6 address} and pools name a host in the prefix)
 * @param length  0–128
 */
public record Ipv6Prefix(Inet6Address address, int length)
{
    @Override
    public String toString()
    {
        return Ipv6.format(address) + "/" + length;
    }
}
