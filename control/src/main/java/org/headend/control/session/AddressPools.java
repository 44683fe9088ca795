package org.headend.control.session;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.headend.control.config.IpLocalPool;
import org.headend.control.config.Ipv6LocalPool;

/**
 * Address leases from the {@code ip local pool}s and {@code ipv6 local pool}s. The network and broadcast addresses
 * of an IPv4 pool's mask and the headend's own inside addresses are never leased. A user's fixed address
 * ({@code vpn-framed-ip-address}) is leased by {@link #allocateFixed}, in or outside a pool, and never twice.
 * Control thread only.
 */
public final class AddressPools
{
    private final Map<String, PoolState> pools = new HashMap<>();
    private final Map<String, Pool6State> pools6 = new HashMap<>();
    private final Set<Integer> reserved;
    private final Set<Inet6Address> reserved6;
    /** Fixed addresses out on a lease, whether or not a pool covers them. */
    private final Set<Integer> fixed = new HashSet<>();

    /** The pool name of a fixed lease ({@link #allocateFixed}): no {@code ip local pool} has an empty name. */
    public static final String FIXED = "";

    /**
     * The pool name of an address a DHCP server leased ({@link #allocateDhcp}); like {@link #FIXED} it is routed to the
     * inside device on its own, and no {@code ip local pool} can be so named.
     */
    public static final String DHCP = "*dhcp";

    /** A leased address. */
    public record Lease(String pool, int address, int mask)
    {
    }

    /** A leased IPv6 address and the prefix length the client is told. */
    public record Lease6(String pool, Inet6Address address, int prefixLength)
    {
    }

    private record Pool6State(BigInteger first, int count, int prefixLength, BitSet used)
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
     * @param reserved  IPv4 addresses never leased (the headend's own inside addresses)
     * @param reserved6 IPv6 addresses never leased
     */
    public AddressPools(final Set<Integer> reserved, final Set<Inet6Address> reserved6)
    {
        this.reserved = Set.copyOf(reserved);
        this.reserved6 = Set.copyOf(reserved6);
    }

    /** Brings the IPv6 pools in line with the configuration; a pool with leases keeps its old shape until empty. */
    public void configure6(final Map<String, Ipv6LocalPool> configured)
    {
        pools6.keySet().removeIf(name -> !configured.containsKey(name) && pools6.get(name).used().isEmpty());
        for (final Ipv6LocalPool pool : configured.values())
        {
            final Pool6State existing = pools6.get(pool.name());
            final BigInteger first = new BigInteger(1, pool.first().getAddress());
            if (existing == null || existing.used().isEmpty() && (!existing.first().equals(first)
                || existing.count() != pool.count() || existing.prefixLength() != pool.prefixLength()))
            {
                pools6.put(pool.name(), new Pool6State(first, pool.count(), pool.prefixLength(),
                    new BitSet(pool.count())));
            }
        }
    }

    /**
     * Leases the lowest free address of the first IPv6 pool in {@code poolNames} that has one.
     *
     * @return the lease, or null when every pool is exhausted or none exists
     */
    public Lease6 allocate6(final List<String> poolNames)
    {
        for (final String name : poolNames)
        {
            final Pool6State pool = pools6.get(name);
            if (pool == null)
            {
                continue;
            }
            for (int i = pool.used().nextClearBit(0); i < pool.count(); i = pool.used().nextClearBit(i + 1))
            {
                final Inet6Address address = toInet6(pool.first().add(BigInteger.valueOf(i)));
                if (address != null && !reserved6.contains(address))
                {
                    pool.used().set(i);
                    return new Lease6(name, address, pool.prefixLength());
                }
            }
        }
        return null;
    }

    /** Returns an IPv6 lease to its pool. */
    public void release6(final Lease6 lease)
    {
        final Pool6State pool = pools6.get(lease.pool());
        if (pool != null)
        {
            final BigInteger offset = new BigInteger(1, lease.address().getAddress()).subtract(pool.first());
            if (offset.signum() >= 0 && offset.compareTo(BigInteger.valueOf(pool.count())) < 0)
            {
                pool.used().clear(offset.intValue());
            }
        }
    }

    /** How many addresses of the IPv6 pool {@code pool} are leased. */
    public int leased6(final String pool)
    {
        final Pool6State state = pools6.get(pool);
        return state == null ? 0 : state.used().cardinality();
    }

    /** The IPv6 pools known, configured or still holding leases. */
    public Set<String> names6()
    {
        return Set.copyOf(pools6.keySet());
    }

    /** The address {@code value} as 16 bytes, or null when it is past the end of the IPv6 space. */
    public static Inet6Address toInet6(final BigInteger value)
    {
        final byte[] raw = value.toByteArray();
        if (value.signum() < 0 || raw.length > 17 || raw.length == 17 && raw[0] != 0)
        {
            return null;
        }
        final byte[] bytes = new byte[16];
        final int copy = Math.min(16, raw.length);
        System.arraycopy(raw, raw.length - copy, bytes, 16 - copy, copy);
        try
        {
            return Inet6Address.getByAddress(null, bytes, -1);
        }
        catch (final java.net.UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
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

    /**
     * Takes back a lease an earlier run handed out (restart): only into the pool of that name, with the same mask,
     * at an address the pool still covers, leases and does not already have out.
     *
     * @return null when taken, else why it no longer fits
     */
    public String reserve(final Lease lease)
    {
        if (DHCP.equals(lease.pool()))
        {
            return "its address came from a DHCP server, and a DHCP lease is not taken over from an earlier run";
        }
        if (FIXED.equals(lease.pool()))
        {
            return allocateFixed(lease.address(), lease.mask()) == null ? "the address is leased to another session"
                : null;
        }
        final PoolState pool = pools.get(lease.pool());
        if (pool == null)
        {
            return "pool " + lease.pool() + " no longer exists";
        }
        if (pool.mask != lease.mask() || lease.address() < pool.first || lease.address() > pool.last
            || !isUsable(lease.address(), pool.mask))
        {
            return "pool " + lease.pool() + " no longer covers the address";
        }
        if (pool.used.get(lease.address() - pool.first))
        {
            return "the address is leased to another session";
        }
        pool.used.set(lease.address() - pool.first);
        return null;
    }

    /** As {@link #reserve}, for an IPv6 lease (same pool name and prefix length). */
    public String reserve6(final Lease6 lease)
    {
        final Pool6State pool = pools6.get(lease.pool());
        if (pool == null)
        {
            return "ipv6 pool " + lease.pool() + " no longer exists";
        }
        final BigInteger offset = new BigInteger(1, lease.address().getAddress()).subtract(pool.first());
        if (pool.prefixLength() != lease.prefixLength() || offset.signum() < 0
            || offset.compareTo(BigInteger.valueOf(pool.count())) >= 0 || reserved6.contains(lease.address()))
        {
            return "ipv6 pool " + lease.pool() + " no longer covers the address";
        }
        if (pool.used().get(offset.intValue()))
        {
            return "the IPv6 address is leased to another session";
        }
        pool.used().set(offset.intValue());
        return null;
    }

    /** The mask of an AAA server's address outside every pool: a host address, routed to the TUN on its own. */
    public static final int HOST_MASK = 0xFFFF_FFFF;

    /**
     * Leases exactly {@code address} (an AAA server's Framed-IP-Address) from the pool that holds it; an address no
     * pool's range holds is leased as a fixed host address ({@link #allocateFixed} with {@link #HOST_MASK}), as a
     * user's {@code vpn-framed-ip-address} outside the pools is.
     *
     * @return the lease, or null when it is in use or is the headend's own
     */
    public Lease allocateAddress(final int address)
    {
        if (poolCovering(address) == null)
        {
            return allocateFixed(address, HOST_MASK);
        }
        for (final Map.Entry<String, PoolState> entry : pools.entrySet())
        {
            final PoolState pool = entry.getValue();
            final long offset = Integer.toUnsignedLong(address) - Integer.toUnsignedLong(pool.first);
            if (offset >= 0 && offset <= pool.last - pool.first && !pool.used.get((int)offset)
                && isUsable(address, pool.mask))
            {
                pool.used.set((int)offset);
                return new Lease(entry.getKey(), address, pool.mask);
            }
        }
        return null;
    }

    /**
     * Leases exactly {@code address} with {@code mask} (a user's {@code vpn-framed-ip-address}), whether or not a pool
     * covers it; a pool that does cannot lease it meanwhile.
     *
     * @return the lease (pool {@link #FIXED}), or null when the address is in use or is the headend's own
     */
    /**
     * Takes {@code address} with {@code mask}, which a DHCP server leased to a session: held as a fixed address is
     * (never twice, no pool leases it meanwhile, a host route to the inside device), under pool {@link #DHCP}.
     *
     * @return the lease, or null when the address is in use or is the headend's own
     */
    public Lease allocateDhcp(final int address, final int mask)
    {
        return allocateFixed(address, mask) == null ? null : new Lease(DHCP, address, mask);
    }

    /** Whether the lease is a host address of its own ({@link #FIXED} or {@link #DHCP}), outside the pool bitmaps. */
    public static boolean isHostLease(final Lease lease)
    {
        return FIXED.equals(lease.pool()) || DHCP.equals(lease.pool());
    }

    public Lease allocateFixed(final int address, final int mask)
    {
        if (reserved.contains(address) || fixed.contains(address))
        {
            return null;
        }
        final PoolState pool = poolCovering(address);
        if (pool != null)
        {
            if (pool.used.get(address - pool.first))
            {
                return null;
            }
            pool.used.set(address - pool.first);
        }
        fixed.add(address);
        return new Lease(FIXED, address, mask);
    }

    private PoolState poolCovering(final int address)
    {
        for (final PoolState pool : pools.values())
        {
            final long offset = Integer.toUnsignedLong(address) - Integer.toUnsignedLong(pool.first);
            if (offset >= 0 && offset <= pool.last - pool.first)
            {
                return pool;
            }
        }
        return null;
    }

    /** The fixed addresses out on a lease ({@link #allocateFixed}). */
    public Set<Integer> fixedLeased()
    {
        return Set.copyOf(fixed);
    }

    /** Returns a lease to its pool. */
    public void release(final Lease lease)
    {
        if (isHostLease(lease))
        {
            if (fixed.remove(lease.address()))
            {
                final PoolState pool = poolCovering(lease.address());
                if (pool != null)
                {
                    pool.used.clear(lease.address() - pool.first);
                }
            }
            return;
        }
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
        return host != 0 && host != ~mask && !reserved.contains(address) && !fixed.contains(address);
    }

    /** The big-endian int of an IPv4 address. */
    public static int toInt(final java.net.Inet4Address address)
    {
        final byte[] b = address.getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }
}
