package org.headend.control.config;

import java.net.Inet4Address;

/**
 * {@code ip local pool NAME FIRST-LAST mask MASK}: the addresses handed to clients, first to last inclusive.
 */
public record IpLocalPool(String name, Inet4Address first, Inet4Address last, Inet4Address mask)
{
}
