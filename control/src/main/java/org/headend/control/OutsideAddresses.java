package org.headend.control;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.headend.control.config.InterfaceConfig;
import org.headend.control.config.grammar.ArgTypes;
import org.headend.nativecfg.netlink.Rtnetlink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses the appliance puts on the Linux interfaces it listens on ({@code interface} / {@code ip address},
 * {@code ipv6 address}) when they are not there already, and takes off again at stop. Any thread; calls are
 * serialized.
 */
final class OutsideAddresses
{
    private static final Logger LOG = LoggerFactory.getLogger(OutsideAddresses.class);

    /** An address one interface must carry: its {@code ip address} or one of its {@code ipv6 address}es. */
    record Wanted(InterfaceConfig iface, InetAddress address, int prefix)
    {
    }

    /** An address the appliance added. */
    private record Added(String ifname, InetAddress address, int prefix)
    {
    }

    private final List<Added> added = new ArrayList<>();

    /**
     * Puts {@code wanted} on its interface (and brings the interface up) unless it is there.
     *
     * @throws IllegalStateException when the interface does not exist or the address cannot be added
     */
    synchronized void ensure(final Wanted wanted)
    {
        final InterfaceConfig iface = wanted.iface();
        try (Rtnetlink netlink = Rtnetlink.open())
        {
            if (netlink.linkIndex(iface.ifname()) < 0)
            {
                throw new IllegalStateException("interface " + iface.ifname() + " (nameif " + iface.nameif()
                    + ") does not exist");
            }
            final boolean present = netlink.addresses(iface.ifname()).stream()
                .anyMatch(a -> a.address().equals(wanted.address()));
            netlink.setLinkUp(iface.ifname());
            if (present)
            {
                return;
            }
            netlink.addAddress(iface.ifname(), wanted.address(), wanted.prefix());
            LOG.info("added {}/{} to {}", ArgTypes.IP.format(wanted.address()), wanted.prefix(), iface.ifname());
            added.add(new Added(iface.ifname(), wanted.address(), wanted.prefix()));
        }
    }

    /** Takes every address the appliance added off again. */
    synchronized void removeAll()
    {
        for (final Added address : added)
        {
            try (Rtnetlink netlink = Rtnetlink.open())
            {
                netlink.deleteAddress(address.ifname(), address.address(), address.prefix());
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("could not remove {} from {}: {}", ArgTypes.IP.format(address.address()), address.ifname(),
                    ex.toString());
            }
        }
        added.clear();
    }
}
