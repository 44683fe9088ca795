package org.headend.control.config;

import java.net.Inet6Address;

/**
 * {@code ipv6 local pool NAME FIRST/PREFIX COUNT}: IPv6 addresses handed to clients.
 *
 * @param name         the pool name
 * @param first        the first address handed out
 * @param prefixLength the prefix length given with it
 * @param count        how many addresses the pool holds
 */
public record Ipv6LocalPool(String name, Inet6Address first, int prefixLength, int count)
{
}
