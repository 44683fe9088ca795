package org.headend.dataplane.tun;

import org.headend.dataplane.tunnel.TunnelPath;

/**
 * Inner IPv6 address → tunnel, for the owner of a TUN queue. Open addressing over parallel arrays keyed by the
 * address's two longs, so a lookup neither boxes nor allocates; it grows (allocating) only when control adds routes.
 * Single-threaded.
 */
final class Ipv6RouteTable
{
    private static final int INITIAL_CAPACITY = 64;

    private long[] his = new long[INITIAL_CAPACITY];
    private long[] los = new long[INITIAL_CAPACITY];
    private TunnelPath[] paths = new TunnelPath[INITIAL_CAPACITY];
    private int size;

    /** The tunnel of {@code hi:lo}, or null. */
    TunnelPath get(final long hi, final long lo)
    {
        final int mask = paths.length - 1;
        for (int i = slot(hi, lo, mask); paths[i] != null; i = (i + 1) & mask)
        {
            if (his[i] == hi && los[i] == lo)
            {
                return paths[i];
            }
        }
        return null;
    }

    /** Routes {@code hi:lo} to {@code path}, replacing an older route. */
    void put(final long hi, final long lo, final TunnelPath path)
    {
        if ((size + 1) * 2 > paths.length)
        {
            grow();
        }
        final int mask = paths.length - 1;
        int i = slot(hi, lo, mask);
        while (paths[i] != null)
        {
            if (his[i] == hi && los[i] == lo)
            {
                paths[i] = path;
                return;
            }
            i = (i + 1) & mask;
        }
        his[i] = hi;
        los[i] = lo;
        paths[i] = path;
        size++;
    }

    /** Removes the route of {@code hi:lo} if it belongs to {@code tunnelId}. */
    void remove(final long hi, final long lo, final int tunnelId)
    {
        final int mask = paths.length - 1;
        int i = slot(hi, lo, mask);
        while (paths[i] != null && !(his[i] == hi && los[i] == lo))
        {
            i = (i + 1) & mask;
        }
        if (paths[i] == null || paths[i].tunnelId() != tunnelId)
        {
            return;
        }
        paths[i] = null;
        size--;
        // backward-shift deletion: re-seat the rest of the cluster so that no lookup stops early at the hole
        for (int j = (i + 1) & mask; paths[j] != null; j = (j + 1) & mask)
        {
            final TunnelPath path = paths[j];
            final long hi2 = his[j];
            final long lo2 = los[j];
            paths[j] = null;
            size--;
            put(hi2, lo2, path);
        }
    }

    int size()
    {
        return size;
    }

    private void grow()
    {
        final long[] oldHis = his;
        final long[] oldLos = los;
        final TunnelPath[] oldPaths = paths;
        his = new long[oldPaths.length * 2];
        los = new long[oldPaths.length * 2];
        paths = new TunnelPath[oldPaths.length * 2];
        size = 0;
        for (int i = 0; i < oldPaths.length; i++)
        {
            if (oldPaths[i] != null)
            {
                put(oldHis[i], oldLos[i], oldPaths[i]);
            }
        }
    }

    private static int slot(final long hi, final long lo, final int mask)
    {
        final long h = (hi * 0x9E37_79B9_7F4A_7C15L) ^ (lo * 0xC2B2_AE3D_27D4_EB4FL);
        return (int)(h ^ (h >>> 32)) & mask;
    }
}
