package org.headend.control.session;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.headend.control.config.IpLocalPool;

/**
 * Address leases from the {@code ip local pool}s. The network and broadcast addresses of a pool's mask and the
 * headend's own inside address are never leased. Control thread only.
 */
public final class AddressPools
{
    private final Map<String, PoolState> pools = new HashMap<>();
    private final Set<Integer> reserved;

    /** A leased address. */
    public record Lease(String pool, int address, int mask)
    {
    }

    private static final class PoolState
    {
        private final int first;
        private final int last;
        private final int mask;
        private final BitSet used;

        PoolState(final int first, final int last, final int mask)
        {
            this.first = first;
            this.last = last;
            this.mask = mask;
            this.used = new BitSet(last - first + 1);
        }
    }

    /**
     * @param reserved addresses never leased (the headend's own inside addresses)
     */
    public AddressPools(final Set<Integer> reserved)
    {
        this.reserved = Set.copyOf(reserved);
    }

    /** Brings the pools in line with the configuration; existing leases stay where they are. */
    public void configure(final Map<String, IpLocalPool> configured)
    {
        pools.keySet().removeIf(name -> !configured.containsKey(name) && pools.get(name).used.isEmpty());
        for (final IpLocalPool pool : configured.values())
        {
            final PoolState existing = pools.get(pool.name());
            final int first = toInt(pool.first());
            final int last = toInt(pool.last());
            final int mask = toInt(pool.mask());
            if (existing == null || existing.first != first || existing.last != last || existing.mask != mask)
            {
                if (existing == null || existing.used.isEmpty())
                {
                    pools.put(pool.name(), new PoolState(first, last, mask));
                }
            }
        }
    }

    /**
     * Leases the lowest free address of the first pool in {@code poolNames} that has one.
     *
     * @return the lease, or null when every pool is exhausted or none exists
     */
    public Lease allocate(final List<String> poolNames)
    {
        for (final String name : poolNames)
        {
            final PoolState pool = pools.get(name);
            if (pool == null)
            {
                continue;
            }
            final int size = pool.last - pool.first + 1;
            for (int i = pool.used.nextClearBit(0); i < size; i = pool.used.nextClearBit(i + 1))
            {
                final int address = pool.first + i;
                if (isUsable(address, pool.mask))
                {
                    pool.used.set(i);
                    return new Lease(name, address, pool.mask);
                }
            }
        }
        return null;
    }

    /** Returns a lease to its pool. */
    public void release(final Lease lease)
    {
        final PoolState pool = pools.get(lease.pool());
        if (pool != null && lease.address() >= pool.first && lease.address() <= pool.last)
        {
            pool.used.clear(lease.address() - pool.first);
        }
    }

    /** The pools known, configured or still holding leases. */
    public Set<String> names()
    {
        return Set.copyOf(pools.keySet());
    }

    /** How many addresses of {@code pool} are leased. */
    public int leased(final String pool)
    {
        final PoolState state = pools.get(pool);
        return state == null ? 0 : state.used.cardinality();
    }

    private boolean isUsable(final int address, final int mask)
    {
        final int host = address & ~mask;
        return host != 0 && host != ~mask && !reserved.contains(address);
    }

    /** The big-endian int of an IPv4 address. */
    public static int toInt(final java.net.Inet4Address address)
    {
        final byte[] b = address.getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }
}
