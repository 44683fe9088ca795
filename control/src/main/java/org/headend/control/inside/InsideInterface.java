package org.headend.control.inside;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.IpLocalPool;
import org.headend.control.session.AddressPools;
import org.headend.dataplane.api.Dataplane;
import org.headend.dataplane.tun.NativeTunPort;
import org.headend.nativecfg.netlink.Rtnetlink;
import org.headend.nativecfg.tun.TunDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's inside interface: one multi-queue TUN device, its address (the first host address of the first
 * pool's subnet) and a route to every pool through it. Closing the device removes it and its routes. Control path.
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
    private final Set<String> routes = new HashSet<>();

    private InsideInterface(final TunDevice device, final boolean offloads, final Rtnetlink netlink, final int address)
    {
        this.device = device;
        this.offloads = offloads;
        this.netlink = netlink;
        this.address = address;
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
            final InsideInterface inside = new InsideInterface(device, offloads, netlink, address);
            if (address != 0)
            {
                netlink.addAddress(DEVICE, toInet(address), 32);
            }
            inside.routePools(config);
            LOG.info("inside interface {} up with address {}, {} queue(s){}", DEVICE,
                address == 0 ? "none" : toInet(address).getHostAddress(), queues,
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

    /** Adds routes for pools that appeared and removes those of pools that went away. */
    public void routePools(final HeadendConfig config)
    {
        final Set<String> wanted = new HashSet<>();
        for (final IpLocalPool pool : config.pools().values())
        {
            final int mask = AddressPools.toInt(pool.mask());
            final int network = AddressPools.toInt(pool.first()) & mask;
            final int prefix = Integer.bitCount(mask);
            final String key = network + "/" + prefix;
            wanted.add(key);
            if (routes.add(key))
            {
                netlink.addRoute(toInet(network), prefix, DEVICE, address == 0 ? null : toInet(address));
            }
        }
        for (final String key : new ArrayList<>(routes))
        {
            if (!wanted.contains(key))
            {
                final String[] parts = key.split("/");
                netlink.deleteRoute(toInet(Integer.parseInt(parts[0])), Integer.parseInt(parts[1]), DEVICE);
                routes.remove(key);
            }
        }
    }

    /** One data-plane binding per TUN queue. */
    public List<Dataplane.TunQueueBinding> queues()
    {
        final List<Dataplane.TunQueueBinding> bindings = new ArrayList<>();
        for (int i = 0; i < device.queueCount(); i++)
        {
            bindings.add(new Dataplane.TunQueueBinding(new NativeTunPort(device.queue(i)), device.queue(i).fd(),
                offloads));
        }
        return bindings;
    }

    /** Removes the device, and with it its address and routes. */
    @Override
    public void close()
    {
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
