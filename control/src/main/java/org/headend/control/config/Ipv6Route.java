package org.headend.control.config;

import java.net.Inet6Address;

/**
 * {@code ipv6 route NAMEIF PREFIX/LEN GATEWAY [tunneled]}.
 *
 * @param nameif       the interface the route leaves by
 * @param prefix       the destination network
 * @param prefixLength its length
 * @param gateway      the next hop
 * @param tunneled     whether this is the default route for traffic out of VPN tunnels
 */
public record Ipv6Route(String nameif, Inet6Address prefix, int prefixLength, Inet6Address gateway,
    boolean tunneled)
{
}
