package org.headend.dataplane.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.headend.dataplane.tunnel.EgressQueue;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.tunnel.TunnelPath;
import org.junit.jupiter.api.Test;

class Ipv6RouteTableTest
{
    private static final long PREFIX = 0x2001_0db8_0001_0000L;
    private final EgressQueue egress = new EgressQueue(io.netty.util.concurrent.ImmediateEventExecutor.INSTANCE, 4096);

    @Test
    void shouldAgreeWithAMapThroughGrowthAndRandomRemovals()
    {
        final Ipv6RouteTable table = new Ipv6RouteTable();
        final Map<Long, TunnelPath> expected = new HashMap<>();
        final Random random = new Random(7);
        for (int step = 0; step < 20_000; step++)
        {
            final long lo = random.nextInt(3000);
            if (random.nextInt(3) == 0)
            {
                final TunnelPath current = expected.get(lo);
                if (current != null)
                {
                    table.remove(PREFIX, lo, current.tunnelId());
                    expected.remove(lo);
                }
            }
            else
            {
                final TunnelPath path = path(step + 1);
                table.put(PREFIX, lo, path);
                expected.put(lo, path);
            }
        }
        assertEquals(expected.size(), table.size());
        for (long lo = 0; lo < 3000; lo++)
        {
            assertSame(expected.get(lo), table.get(PREFIX, lo), "address ::" + Long.toHexString(lo));
        }
        assertNull(table.get(PREFIX + 1, 1));
    }

    @Test
    void shouldKeepANewerTunnelsRouteWhenAnOlderOneRemovesItsOwnLate()
    {
        final Ipv6RouteTable table = new Ipv6RouteTable();
        final TunnelPath old = path(5);
        final TunnelPath current = path(6);
        table.put(PREFIX, 16, old);
        table.put(PREFIX, 16, current);
        table.remove(PREFIX, 16, 5);
        assertSame(current, table.get(PREFIX, 16));
        table.remove(PREFIX, 16, 6);
        assertNull(table.get(PREFIX, 16));
    }

    private TunnelPath path(final int tunnelId)
    {
        return new TunnelPath(tunnelId, egress, new TunnelAccess(0, null, null));
    }
}
