package org.headend.control.config;

import java.net.Inet4Address;

/**
 * An {@code interface <linux-ifname>} block.
 *
 * @param ifname   the Linux interface name
 * @param nameif   the {@code nameif} (e.g. {@code outside}), or null when not set
 * @param address  the {@code ip address}, or null when not set
 * @param netmask  the mask of {@code ip address}, or null when not set
 * @param shutdown whether {@code shutdown} is configured
 */
public record InterfaceConfig(String ifname, String nameif, Inet4Address address, Inet4Address netmask, boolean shutdown)
{
}
