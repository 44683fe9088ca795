package org.headend.control.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.headend.control.config.IpLocalPool;
import org.headend.control.config.Ipv6LocalPool;
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

    @Test
    void shouldLeaseIpv6AddressesFromThePoolsFirstAddressSkippingTheHeadendsOwn() throws Exception
    {
        final Inet6Address headend = (Inet6Address)InetAddress.getByName("2001:db8:1:1::6");
        final AddressPools pools = new AddressPools(Set.of(), Set.of(headend));
        pools.configure6(Map.of("v6", new Ipv6LocalPool("v6", (Inet6Address)InetAddress.getByName("2001:db8:1:1::5"),
            64, 3)));
        final AddressPools.Lease6 a = pools.allocate6(List.of("missing", "v6"));
        final AddressPools.Lease6 b = pools.allocate6(List.of("v6"));
        assertEquals(InetAddress.getByName("2001:db8:1:1::5"), a.address());
        assertEquals(64, a.prefixLength());
        assertEquals(InetAddress.getByName("2001:db8:1:1::7"), b.address());
        assertNull(pools.allocate6(List.of("v6")), "3 addresses, one of them the headend's");
        assertEquals(2, pools.leased6("v6"));
        pools.release6(a);
        assertEquals(a.address(), pools.allocate6(List.of("v6")).address());
    }

    @Test
    void shouldCarryIpv6LeasesAcrossAByteBoundaryAndStopAtTheEndOfTheSpace() throws Exception
    {
        final AddressPools pools = new AddressPools(Set.of(), Set.of());
        pools.configure6(Map.of("edge", new Ipv6LocalPool("edge",
            (Inet6Address)InetAddress.getByName("2001:db8::ff"), 64, 2),
            "top", new Ipv6LocalPool("top", (Inet6Address)InetAddress.getByName("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            64, 5)));
        pools.allocate6(List.of("edge"));
        assertEquals(InetAddress.getByName("2001:db8::100"), pools.allocate6(List.of("edge")).address());
        assertEquals(InetAddress.getByName("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            pools.allocate6(List.of("top")).address());
        assertNull(pools.allocate6(List.of("top")));
    }

    @Test
    void shouldLeaseAFixedAddressOutsideThePoolsOnceAtATime() throws Exception
    {
        final AddressPools pools = pools(pool("P", "192.168.100.10", "192.168.100.12"));
        final AddressPools.Lease fixed = pools.allocateFixed(ip("192.168.101.7"), ip("255.255.255.0"));
        assertEquals(AddressPools.FIXED, fixed.pool());
        assertEquals(ip("192.168.101.7"), fixed.address());
        assertEquals(ip("255.255.255.0"), fixed.mask());
        assertNull(pools.allocateFixed(ip("192.168.101.7"), ip("255.255.255.0")), "in use: refused");
        assertEquals("the address is leased to another session", pools.reserve(fixed));
        pools.release(fixed);
        assertEquals(ip("192.168.101.7"), pools.allocateFixed(ip("192.168.101.7"), ip("255.255.255.0")).address());
        assertNull(pools.allocateFixed(INSIDE, ip("255.255.255.0")), "never the headend's own address");
    }

    @Test
    void shouldKeepAFixedAddressInsideAPoolAwayFromThePool() throws Exception
    {
        final AddressPools pools = pools(pool("P", "192.168.100.10", "192.168.100.11"));
        final AddressPools.Lease fixed = pools.allocateFixed(ip("192.168.100.10"), ip("255.255.255.0"));
        assertEquals(ip("192.168.100.11"), pools.allocate(List.of("P")).address());
        assertNull(pools.allocate(List.of("P")), "the fixed address is not the pool's to give");
        pools.release(fixed);
        assertEquals(ip("192.168.100.10"), pools.allocate(List.of("P")).address());
        assertNull(pools.allocateFixed(ip("192.168.100.10"), ip("255.255.255.0")), "leased from the pool: refused");
    }

    @Test
    void shouldTakeAFixedLeaseBackAtRestart() throws Exception
    {
        final AddressPools pools = pools(pool("P", "192.168.100.10", "192.168.100.10"));
        final AddressPools.Lease kept = new AddressPools.Lease(AddressPools.FIXED, ip("192.168.100.10"),
            ip("255.255.255.255"));
        assertNull(pools.reserve(kept));
        assertNull(pools.allocate(List.of("P")));
    }

    private static AddressPools pools(final IpLocalPool... configured)
    {
        final AddressPools pools = new AddressPools(Set.of(INSIDE), Set.of());
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
