package org.headend.nativecfg.netlink;

import java.net.InetAddress;

/**
 * An address assigned to an interface, with the length of the prefix it makes on-link.
 *
 * @param address      the interface's own address.
 * @param prefixLength 0..32 for IPv4, 0..128 for IPv6.
 */
public record AddressEntry(InetAddress address, int prefixLength)
{
    /**
     * @return the address in {@code ip}'s notation, e.g. {@code 10.0.0.1/24}.
     */
    @Override
    public String toString()
    {
        return address.getHostAddress() + "/" + prefixLength;
    }
}
