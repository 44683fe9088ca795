package org.headend.control.ike.sa;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.codec.TrafficSelector;

/**
 * Traffic selector narrowing for a remote-access client (RFC 7296 §2.9): TSi becomes the client's pool address, TSr
 * the parts of what the client asked for that the group-policy lets it reach. Only IPv4 ranges are narrowed; IPv6
 * selectors are dropped (the pool is IPv4).
 */
final class TrafficSelection
{
    private TrafficSelection()
    {
    }

    /** TSi: the client's own address, all ports and protocols. */
    static List<TrafficSelector> initiator(final byte[] clientAddress)
    {
        return List.of(TrafficSelector.ipv4Host(clientAddress));
    }

    /** TSr: each requested range intersected with each allowed network; empty when nothing overlaps. */
    static List<TrafficSelector> responder(final List<TrafficSelector> requested, final List<TrafficSelector> allowed)
    {
        final List<TrafficSelector> out = new ArrayList<>();
        for (final TrafficSelector asked : requested)
        {
            if (asked.type() != Ike.TS_IPV4_ADDR_RANGE)
            {
                continue;
            }
            for (final TrafficSelector network : allowed)
            {
                final byte[] start = max(asked.start(), network.start());
                final byte[] end = min(asked.end(), network.end());
                if (Arrays.compareUnsigned(start, end) <= 0 && out.size() < Ike.MAX_SELECTORS)
                {
                    out.add(new TrafficSelector(Ike.TS_IPV4_ADDR_RANGE, asked.protocol(), asked.startPort(),
                        asked.endPort(), start, end));
                }
            }
        }
        return out;
    }

    private static byte[] max(final byte[] a, final byte[] b)
    {
        return Arrays.compareUnsigned(a, b) >= 0 ? a : b;
    }

    private static byte[] min(final byte[] a, final byte[] b)
    {
        return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
    }
}
