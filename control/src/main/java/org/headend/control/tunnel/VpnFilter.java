package org.headend.control.tunnel;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.headend.control.config.AccessListEntry;
import org.headend.control.config.AclAddress;
import org.headend.dataplane.api.AccessFilter;
import org.headend.dataplane.api.SplitFilter;

/**
 * A session's {@code vpn-filter} (an access list named by RADIUS Filter-Id) as the data plane applies it to what the
 * client sends. The ASA's convention: an extended entry's source is the client's side and its destination the
 * inside network; an entry whose source does not hold the session's address does not concern it. A standard entry's
 * address is the destination. First match decides; the implicit deny follows the last entry.
 */
public final class VpnFilter
{
    private static final byte[] ANY4 = new byte[4];
    private static final byte[] ANY6 = new byte[16];

    private VpnFilter()
    {
    }

    /**
     * The filter of {@code entries} for a session whose addresses are {@code ipv4} and {@code ipv6} (either may be
     * null).
     */
    public static AccessFilter of(final List<AccessListEntry> entries, final InetAddress ipv4,
        final InetAddress ipv6)
    {
        final List<AccessFilter.Entry> out = new ArrayList<>();
        for (final AccessListEntry entry : entries)
        {
            final AclAddress destination = entry.destination() == null ? entry.source() : entry.destination();
            if (entry.destination() != null && !entry.source().isAny()
                && !holds(entry.source(), ipv4) && !holds(entry.source(), ipv6))
            {
                continue;
            }
            if (destination.isAny())
            {
                if (destination.family() != 6)
                {
                    out.add(new AccessFilter.Entry(entry.permit(), new SplitFilter.Network(ANY4, 0)));
                }
                if (destination.family() != 4)
                {
                    out.add(new AccessFilter.Entry(entry.permit(), new SplitFilter.Network(ANY6, 0)));
                }
                continue;
            }
            out.add(new AccessFilter.Entry(entry.permit(), new SplitFilter.Network(destination.network().getAddress(),
                destination.prefixLength())));
        }
        return new AccessFilter(out);
    }

    private static boolean holds(final AclAddress network, final InetAddress address)
    {
        if (address == null || network.network().getAddress().length != address.getAddress().length)
        {
            return false;
        }
        final byte[] n = network.network().getAddress();
        final byte[] a = address.getAddress();
        for (int i = 0; i < n.length; i++)
        {
            final int keep = Math.max(0, Math.min(8, network.prefixLength() - 8 * i));
            final int mask = 0xFF00 >>> keep & 0xFF;
            if ((a[i] & mask) != (n[i] & mask))
            {
                return false;
            }
        }
        return true;
    }
}
