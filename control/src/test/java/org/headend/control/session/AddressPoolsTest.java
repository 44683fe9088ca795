package org.headend.control.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.headend.control.config.IpLocalPool;
import org.junit.jupiter.api.Test;

class AddressPoolsTest
{
    private static final int INSIDE = ip("192.168.100.1");

    @Test
    void shouldLeaseFromTheFirstAddressAndNeverTwice() throws Exception
    {
        final AddressPools pools = pools(pool("P", "192.168.100.10", "192.168.100.12"));
        final AddressPools.Lease a = pools.allocate(List.of("P"));
        final AddressPools.Lease b = pools.allocate(List.of("P"));
        assertEquals(ip("192.168.100.10"), a.address());
        assertEquals(ip("192.168.100.11"), b.address());
        assertNotEquals(a.address(), b.address());
        assertEquals(ip("255.255.255.0"), a.mask());
    }

    @Test
    void shouldGiveTheReleasedAddressBack() throws Exception
    {
        final AddressPools pools = pools(pool("P", "192.168.100.10", "192.168.100.11"));
        final AddressPools.Lease a = pools.allocate(List.of("P"));
        pools.allocate(List.of("P"));
        assertNull(pools.allocate(List.of("P")));
        pools.release(a);
        assertEquals(a.address(), pools.allocate(List.of("P")).address());
    }

    @Test
    void shouldSkipNetworkBroadcastAndTheHeadendsOwnAddress() throws Exception
    {
        final AddressPools pools = pools(pool("P", "192.168.100.0", "192.168.100.2"),
            pool("Q", "192.168.100.254", "192.168.100.255"));
        assertEquals(ip("192.168.100.2"), pools.allocate(List.of("P")).address());
        assertNull(pools.allocate(List.of("P")));
        assertEquals(ip("192.168.100.254"), pools.allocate(List.of("Q")).address());
        assertNull(pools.allocate(List.of("Q")));
    }

    @Test
    void shouldFallThroughToTheNextPoolWhenOneIsExhausted() throws Exception
    {
        final AddressPools pools = pools(pool("A", "10.0.0.5", "10.0.0.5"), pool("B", "10.0.1.5", "10.0.1.6"));
        assertEquals(ip("10.0.0.5"), pools.allocate(List.of("A", "B")).address());
        assertEquals(ip("10.0.1.5"), pools.allocate(List.of("A", "B")).address());
        assertNull(pools.allocate(List.of("missing")));
    }

    private static AddressPools pools(final IpLocalPool... configured)
    {
        final AddressPools pools = new AddressPools(Set.of(INSIDE));
        final java.util.LinkedHashMap<String, IpLocalPool> map = new java.util.LinkedHashMap<>();
        for (final IpLocalPool pool : configured)
        {
            map.put(pool.name(), pool);
        }
        pools.configure(Map.copyOf(map));
        return pools;
    }

    private static IpLocalPool pool(final String name, final String first, final String last) throws Exception
    {
        return new IpLocalPool(name, (Inet4Address)InetAddress.getByName(first), (Inet4Address)InetAddress.getByName(last),
            (Inet4Address)InetAddress.getByName("255.255.255.0"));
    }

    private static int ip(final String text)
    {
        try
        {
            return AddressPools.toInt((Inet4Address)InetAddress.getByName(text));
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
