package org.headend.control.config;

import java.net.Inet4Address;
import java.util.List;

/**
 * An {@code interface <linux-ifname>} block.
 *
 * @param ifname         the Linux interface name
 * @param nameif         the {@code nameif} (e.g. {@code outside}), or null when not set
 * @param address        the {@code ip address}, or null when not set
 * @param netmask        the mask of {@code ip address}, or null when not set
 * @param shutdown       whether {@code shutdown} is configured
 * @param securityLevel  {@code security-level} 0–100, or -1 when not set
 * @param ipv6Enabled    {@code ipv6 enable}
 * @param ipv6Addresses  {@code ipv6 address X/LEN} lines, as typed (normalized)
 */
public record InterfaceConfig(String ifname, String nameif, Inet4Address address, Inet4Address netmask,
    boolean shutdown, int securityLevel, boolean ipv6Enabled, List<String> ipv6Addresses)
{
    /** The walking skeleton's fields; the rest at their defaults. */
    public InterfaceConfig(final String ifname, final String nameif, final Inet4Address address,
        final Inet4Address netmask, final boolean shutdown)
    {
        this(ifname, nameif, address, netmask, shutdown, -1, false, List.of());
    }
}
