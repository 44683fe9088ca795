package org.headend.control.inside;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.headend.control.config.FramedAddress;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.IpLocalPool;
import org.headend.control.config.Ipv6LocalPool;
import org.headend.control.config.PolicyAttribute;
import org.headend.control.config.UserAccount;
import org.headend.control.session.AddressPools;
import org.headend.dataplane.api.Dataplane;
import org.headend.nativecfg.netlink.Rtnetlink;
import org.headend.nativecfg.tun.TunDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's inside interface: one multi-queue TUN device, its addresses (the first host address of the first
 * IPv4 pool's subnet, and of the first IPv6 pool's prefix), a route to every pool (and to each user's fixed address
 * outside them) through it, and the routing of
 * what comes out of it ({@code ipv6 route} lines, see {@link Ipv6StaticRoutes}). Closing it removes the device, its
 * routes and that routing. Control path.
 */
public final class InsideInterface implements AutoCloseable
{
    /** The device name; fixed so that operators and scripts can find it. */
    public static final String DEVICE = "headend0";
    /** Largest tunnel MTU a group-policy may set ({@code anyconnect mtu} range). */
    public static final int MTU = 1406;

    private static final Logger LOG = LoggerFactory.getLogger(InsideInterface.class);

    private final TunDevice device;
    private final boolean offloads;
    private final Rtnetlink netlink;
    private final int address;
    private final Inet6Address address6;
    private final Set<String> routes = new HashSet<>();
    /** The {@code dhcp-network-scope} addresses put on the device by {@link #dhcpScopes}. */
    private final Set<Integer> scopes = new HashSet<>();
    private final Ipv6StaticRoutes ipv6Routes;

    private InsideInterface(final TunDevice device, final boolean offloads, final Rtnetlink netlink, final int address,
        final Inet6Address address6)
    {
        this.device = device;
        this.offloads = offloads;
        this.netlink = netlink;
        this.address = address;
        this.address6 = address6;
        ipv6Routes = new Ipv6StaticRoutes(Ipv6StaticRoutes.Kernel.of(netlink));
    }

    /**
     * Creates the device with {@code queues} queues, gives it its address and routes the configured pools.
     *
     * @param offloads open it with the virtio-net header and TSO/checksum offloads (the data plane then joins and
     *                 cuts TCP super-packets itself)
     */
    public static InsideInterface open(final HeadendConfig config, final int queues, final boolean offloads)
    {
        final TunDevice device = TunDevice.open(DEVICE, queues, offloads);
        final Rtnetlink netlink = Rtnetlink.open();
        try
        {
            if (offloads)
            {
                device.setOffload(TunDevice.TUN_F_CSUM | TunDevice.TUN_F_TSO4);
            }
            device.setMtu(MTU);
            device.setUp();
            final int address = insideAddress(config);
            final Inet6Address address6 = insideAddress6(config);
            final InsideInterface inside = new InsideInterface(device, offloads, netlink, address, address6);
            if (address != 0)
            {
                netlink.addAddress(DEVICE, toInet(address), 32);
            }
            if (address6 != null)
            {
                netlink.addAddress(DEVICE, address6, 128);
            }
            inside.routePools(config);
            inside.ipv6Routes.removeLeftovers();
            inside.ipv6Routes.apply(config);
            LOG.info("inside interface {} up with address {}{}, {} queue(s){}", DEVICE,
                address == 0 ? "none" : toInet(address).getHostAddress(),
                address6 == null ? "" : " and " + org.headend.control.config.grammar.Ipv6.format(address6), queues,
                offloads ? ", TSO and checksum offloads (GSO super-packets both ways)" : "");
            return inside;
        }
        catch (final RuntimeException ex)
        {
            netlink.close();
            device.close();
            throw ex;
        }
    }

    /** The headend's own address on the inside (big-endian int), 0 when no pool exists. */
    public int address()
    {
        return address;
    }

    /** The headend's own IPv6 address on the inside, or null when no IPv6 pool exists. */
    public Inet6Address address6()
    {
        return address6;
    }

    /**
     * Adds routes for pools that appeared and removes those of pools that went away: an IPv4 pool's subnet, and
     * the smallest prefix that covers an IPv6 pool's range (its configured prefix may be far wider than the pool).
     */
    public void routePools(final HeadendConfig config)
    {
        routePools(config, Set.of());
    }

    /**
     * As {@link #routePools(HeadendConfig)}, keeping a host route to each of {@code leasedFixed} (fixed addresses
     * sessions hold) too: a session keeps its route when its user's {@code vpn-framed-ip-address} changes.
     */
    public void routePools(final HeadendConfig config, final Set<Integer> leasedFixed)
    {
        final Set<String> wanted = new HashSet<>();
        for (final IpLocalPool pool : config.pools().values())
        {
            final int mask = AddressPools.toInt(pool.mask());
            final int network = AddressPools.toInt(pool.first()) & mask;
            route(wanted, toInet(network), Integer.bitCount(mask), address == 0 ? null : toInet(address));
        }
        final Set<Integer> fixedRoutes = new java.util.TreeSet<>(fixedAddressesOutsidePools(config));
        fixedRoutes.addAll(leasedFixed);
        for (final int fixed : fixedRoutes)
        {
            route(wanted, toInet(fixed), 32, address == 0 ? null : toInet(address));
        }
        for (final Ipv6LocalPool pool : config.ipv6Pools().values())
        {
            final BigInteger first = new BigInteger(1, pool.first().getAddress());
            final BigInteger last = first.add(BigInteger.valueOf(pool.count() - 1L));
            final int prefix = 128 - first.xor(last).bitLength();
            final BigInteger network = first.shiftRight(128 - prefix).shiftLeft(128 - prefix);
            route(wanted, AddressPools.toInet6(network), prefix, address6);
        }
        for (final String key : new ArrayList<>(routes))
        {
            if (!wanted.contains(key))
            {
                final int slash = key.lastIndexOf('/');
                netlink.deleteRoute(parse(key.substring(0, slash)), Integer.parseInt(key.substring(slash + 1)), DEVICE);
                routes.remove(key);
            }
        }
    }

    /**
     * Makes each {@code dhcp-network-scope} of the configuration a local address of the device (a /32), and drops
     * those no longer configured: a DHCP server answers a relay at its {@code giaddr}, so the headend must accept
     * datagrams sent there (the inside network routes the scope to the headend, as for an ASA). Never throws: an
     * address that cannot be added is logged, and the DHCP leases of that scope then time out with a clear reason.
     */
    public void dhcpScopes(final HeadendConfig config)
    {
        final Set<Integer> wanted = new java.util.TreeSet<>();
        for (final org.headend.control.config.GroupPolicy policy : config.groupPolicies().values())
        {
            final List<Inet4Address> scope = policy.attributes().get(PolicyAttribute.DHCP_NETWORK_SCOPE);
            if (scope != null)
            {
                scope.forEach(each -> wanted.add(AddressPools.toInt(each)));
            }
        }
        for (final int scope : wanted)
        {
            if (!scopes.contains(scope) && scope != address)
            {
                try
                {
                    netlink.addAddress(DEVICE, toInet(scope), 32);
                    scopes.add(scope);
                }
                catch (final RuntimeException ex)
                {
                    LOG.warn("dhcp-network-scope {} not added to {}: {}", toInet(scope).getHostAddress(), DEVICE,
                        ex.getMessage());
                }
            }
        }
        for (final int scope : List.copyOf(scopes))
        {
            if (!wanted.contains(scope))
            {
                try
                {
                    netlink.deleteAddress(DEVICE, toInet(scope), 32);
                }
                catch (final RuntimeException ex)
                {
                    LOG.warn("dhcp-network-scope {} not removed from {}: {}", toInet(scope).getHostAddress(), DEVICE,
                        ex.getMessage());
                }
                scopes.remove(scope);
            }
        }
    }

    /** The users' {@code vpn-framed-ip-address}es outside every pool's subnet: each gets a host route. */
    static Set<Integer> fixedAddressesOutsidePools(final HeadendConfig config)
    {
        final Set<Integer> outside = new java.util.TreeSet<>();
        for (final UserAccount user : config.users().values())
        {
            final FramedAddress fixed = user.attributes().get(PolicyAttribute.VPN_FRAMED_IP_ADDRESS);
            if (fixed == null || fixed.address() == null)
            {
                continue;
            }
            final int host = AddressPools.toInt(fixed.address());
            final boolean covered = config.pools().values().stream().anyMatch(pool ->
            {
                final int mask = AddressPools.toInt(pool.mask());
                return (host & mask) == (AddressPools.toInt(pool.first()) & mask);
            });
            if (!covered)
            {
                outside.add(host);
            }
        }
        return outside;
    }

    /**
     * Installs the {@code ipv6 route} lines of {@code config} (the tunneled default route through policy rules on
     * this device) and removes those that went away. Never throws: what cannot be installed is logged.
     */
    public void routeIpv6(final HeadendConfig config)
    {
        ipv6Routes.apply(config);
    }

    private void route(final Set<String> wanted, final InetAddress network, final int prefix,
        final InetAddress source)
    {
        final String key = network.getHostAddress() + "/" + prefix;
        wanted.add(key);
        if (routes.add(key))
        {
            netlink.addRoute(network, prefix, DEVICE, source);
        }
    }

    private static InetAddress parse(final String literal)
    {
        try
        {
            // a numeric literal this class wrote: never a name lookup
            return InetAddress.getByName(literal);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** One data-plane binding per TUN queue. */
    public List<Dataplane.TunQueueBinding> queues()
    {
        final List<Dataplane.TunQueueBinding> bindings = new ArrayList<>();
        for (int i = 0; i < device.queueCount(); i++)
        {
            bindings.add(Dataplane.TunQueueBinding.of(device.queue(i), offloads));
        }
        return bindings;
    }

    /**
     * Removes the device, and with it its address and routes, and the policy rules and routes of the
     * {@code ipv6 route} lines, which would outlive it.
     */
    @Override
    public void close()
    {
        ipv6Routes.close();
        netlink.close();
        device.close();
        LOG.info("inside interface {} removed", DEVICE);
    }

    /**
     * The first host address of the first pool's subnet (0 when there is no pool). The session manager never leases
     * it, even when a pool's range covers it.
     */
    static int insideAddress(final HeadendConfig config)
    {
        for (final IpLocalPool pool : config.pools().values())
        {
            final int mask = AddressPools.toInt(pool.mask());
            return (AddressPools.toInt(pool.first()) & mask) + 1;
        }
        return 0;
    }

    /**
     * The first host address of the first IPv6 pool's prefix (null when there is none). The pools never lease it.
     */
    static Inet6Address insideAddress6(final HeadendConfig config)
    {
        for (final Ipv6LocalPool pool : config.ipv6Pools().values())
        {
            final BigInteger first = new BigInteger(1, pool.first().getAddress());
            final int host = 128 - pool.prefixLength();
            return AddressPools.toInet6(first.shiftRight(host).shiftLeft(host).add(BigInteger.ONE));
        }
        return null;
    }

    static Inet4Address toInet(final int address)
    {
        try
        {
            return (Inet4Address)InetAddress.getByAddress(new byte[] {
                (byte)(address >>> 24), (byte)(address >>> 16), (byte)(address >>> 8), (byte)address});
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
