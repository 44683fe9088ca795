package org.headend.nativecfg.netlink;

import org.headend.nativecfg.AddressText;
import org.headend.nativecfg.libc.Libc;

import java.net.InetAddress;

/**
 * A route in a given table, like {@code ip route add DST/LEN [via GATEWAY] [dev IFNAME] table TABLE [metric M]}.
 * <p>
 * To {@link Rtnetlink#addRoute(StaticRoute) add} one it needs a gateway, a device or both. To
 * {@link Rtnetlink#deleteRoute(StaticRoute) delete} one, a null gateway or device and metric 0 match any.
 *
 * @param destination  network address; host bits must be zero.
 * @param prefixLength destination prefix length; 0 is the default route.
 * @param gateway      next hop of the same family, or null.
 * @param ifname       output interface, or null (the kernel then finds it from the gateway).
 * @param table        table id, 1 or more ({@link #MAIN_TABLE} is the one {@code ip route} shows).
 * @param metric       route priority, lower wins between routes to the same prefix; 0 leaves it to the kernel
 *                     (1024 for IPv6, 0 for IPv4).
 */
public record StaticRoute(
    InetAddress destination, int prefixLength, InetAddress gateway, String ifname, int table, int metric)
{
    /** The main table. */
    public static final int MAIN_TABLE = NetlinkProtocol.RT_TABLE_MAIN;

    /**
     * @throws IllegalArgumentException if the destination has host bits set, the families differ, or a field is
     *                                  out of range.
     */
    public StaticRoute
    {
        Rtnetlink.networkAddress(destination, prefixLength);
        if (gateway != null && gateway.getAddress().length != destination.getAddress().length)
        {
            throw new IllegalArgumentException("gateway family differs from destination: " +
                gateway.getHostAddress() + " for " + destination.getHostAddress());
        }
        if (ifname != null)
        {
            Libc.checkInterfaceName(ifname);
        }
        if (table < 1)
        {
            throw new IllegalArgumentException("route table " + table + " is not 1 or more");
        }
        if (metric < 0)
        {
            throw new IllegalArgumentException("route metric " + metric + " is negative");
        }
    }

    /**
     * @return true for an IPv6 route.
     */
    public boolean ipv6()
    {
        return destination.getAddress().length == 16;
    }

    /**
     * @return the route in {@code ip route}'s notation, e.g. {@code ::/0 via fd00::1 dev eth1 table 100}.
     */
    @Override
    public String toString()
    {
        return AddressText.format(destination) + "/" + prefixLength +
            (gateway != null ? " via " + AddressText.format(gateway) : "") +
            (ifname != null ? " dev " + ifname : "") +
            " table " + table +
            (metric != 0 ? " metric " + metric : "");
    }
}
