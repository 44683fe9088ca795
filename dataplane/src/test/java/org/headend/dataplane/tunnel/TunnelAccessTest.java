package org.headend.dataplane.tunnel;

import static org.headend.dataplane.wire.Packets.address;
import static org.headend.dataplane.wire.Packets.address6;
import static org.headend.dataplane.wire.Packets.ipv4;
import static org.headend.dataplane.wire.Packets.ipv6;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.headend.dataplane.api.SplitFilter;
import org.headend.dataplane.api.TunnelAccess;

class TunnelAccessTest
{
    private static final int CLIENT = address(192, 168, 100, 10);
    private static final int OTHER = address(192, 168, 100, 11);
    private static final byte[] CLIENT6 = address6("2001:db8:1::10");
    private static final SplitFilter.Network CORP = new SplitFilter.Network(new byte[] {10, 0, 0, 0}, 8);
    private static final SplitFilter.Network CORP6 = new SplitFilter.Network(address6("2001:db8:2::"), 48);

    @Test
    void shouldAdmitTheSessionsOwnSourcesOfBothFamiliesAnywhereWithoutAFilter()
    {
        final TunnelAccess access = new TunnelAccess(CLIENT, CLIENT6, null);
        assertEquals(TunnelAccess.ADMIT, check(access, ipv4(CLIENT, address(8, 8, 8, 8), 60)));
        assertEquals(TunnelAccess.ADMIT, check(access, ipv6(CLIENT6, address6("2001:db8:99::1"), 80)));
    }

    @Test
    void shouldRefuseForeignSourcesAndTellLinkLocalChatterApart()
    {
        final TunnelAccess access = new TunnelAccess(CLIENT, CLIENT6, null);
        assertEquals(TunnelAccess.SPOOFED, check(access, ipv4(OTHER, address(10, 0, 0, 1), 60)));
        assertEquals(TunnelAccess.SPOOFED, check(access, ipv6(address6("2001:db8:1::11"), CLIENT6, 80)));
        assertEquals(TunnelAccess.LINK_LOCAL, check(access, ipv6(address6("fe80::1"), address6("ff02::2"), 80)));
        assertEquals(TunnelAccess.LINK_LOCAL, check(access, ipv6(address6("::"), address6("ff02::16"), 80)));
    }

    @Test
    void shouldRefuseAFamilyTheSessionHasNoAddressIn()
    {
        final TunnelAccess v4only = new TunnelAccess(CLIENT, null, null);
        assertEquals(TunnelAccess.NOT_IP, check(v4only, ipv6(CLIENT6, address6("2001:db8:2::1"), 80)));
        assertEquals(TunnelAccess.LINK_LOCAL, check(v4only, ipv6(address6("fe80::5"), address6("ff02::2"), 80)));
        final byte[] notIp = ipv4(CLIENT, CLIENT, 60);
        notIp[0] = 0x55;
        assertEquals(TunnelAccess.NOT_IP, check(v4only, notIp));
    }

    @Test
    void shouldLetTheVpnFilterDecideByItsFirstMatchingEntryAndDenyWhatNoEntryMatches()
    {
        final org.headend.dataplane.api.AccessFilter filter = new org.headend.dataplane.api.AccessFilter(List.of(
            new org.headend.dataplane.api.AccessFilter.Entry(false,
                new SplitFilter.Network(new byte[] {10, 1, 0, 0}, 16)),
            new org.headend.dataplane.api.AccessFilter.Entry(true, CORP),
            new org.headend.dataplane.api.AccessFilter.Entry(true, CORP6)));
        final TunnelAccess open = new TunnelAccess(CLIENT, CLIENT6, null);
        final TunnelAccess filtered = open.withFilter(filter);
        assertEquals(TunnelAccess.ADMIT, check(filtered, ipv4(CLIENT, address(10, 20, 30, 40), 60)));
        assertEquals(TunnelAccess.FILTERED, check(filtered, ipv4(CLIENT, address(10, 1, 2, 3), 60)));
        assertEquals(TunnelAccess.FILTERED, check(filtered, ipv4(CLIENT, address(8, 8, 8, 8), 60)));
        assertEquals(TunnelAccess.ADMIT, check(filtered, ipv6(CLIENT6, address6("2001:db8:2::1"), 80)));
        assertEquals(TunnelAccess.FILTERED, check(filtered, ipv6(CLIENT6, address6("2606:4700::1"), 80)));
        // the addresses stay: a spoofed source is still a spoofed source, and taking the filter away opens all
        assertEquals(TunnelAccess.SPOOFED, check(filtered, ipv4(OTHER, address(10, 20, 30, 40), 60)));
        assertEquals(TunnelAccess.ADMIT, check(filtered.withFilter(null), ipv4(CLIENT, address(8, 8, 8, 8), 60)));
    }

    @Test
    void shouldApplyTheVpnFilterOnTopOfTheSplitTunnelFilter()
    {
        final TunnelAccess access = new TunnelAccess(CLIENT, null, SplitFilter.onlyTo(List.of(CORP)),
            new org.headend.dataplane.api.AccessFilter(List.of(new org.headend.dataplane.api.AccessFilter.Entry(
                true, new SplitFilter.Network(new byte[] {0, 0, 0, 0}, 0)))));
        assertEquals(TunnelAccess.ADMIT, check(access, ipv4(CLIENT, address(10, 0, 0, 1), 60)));
        assertEquals(TunnelAccess.FILTERED, check(access, ipv4(CLIENT, address(11, 0, 0, 1), 60)));
    }

    @Test
    void shouldRefuseRunts()
    {
        final TunnelAccess access = new TunnelAccess(CLIENT, CLIENT6, null);
        assertEquals(TunnelAccess.RUNT, check(access, new byte[] {0x45, 0, 0, 19}));
        final byte[] shortV6 = new byte[39];
        shortV6[0] = 0x60;
        assertEquals(TunnelAccess.RUNT, check(access, shortV6));
        assertEquals(TunnelAccess.RUNT, check(access, new byte[0]));
    }

    @Test
    void shouldLetTunnelSpecifiedReachOnlyTheListedNetworksOfEachFamily()
    {
        final TunnelAccess access = new TunnelAccess(CLIENT, CLIENT6, SplitFilter.onlyTo(List.of(CORP, CORP6)));
        assertEquals(TunnelAccess.ADMIT, check(access, ipv4(CLIENT, address(10, 20, 30, 40), 60)));
        assertEquals(TunnelAccess.FILTERED, check(access, ipv4(CLIENT, address(11, 0, 0, 1), 60)));
        assertEquals(TunnelAccess.ADMIT, check(access, ipv6(CLIENT6, address6("2001:db8:2:ffff::1"), 80)));
        assertEquals(TunnelAccess.FILTERED, check(access, ipv6(CLIENT6, address6("2001:db8:3::1"), 80)));
    }

    @Test
    void shouldTunnelTheWholeFamilyThatTunnelSpecifiedListsNothingFor()
    {
        // the client got no IPv6 include route, so it sends all its IPv6 through the tunnel: that must arrive
        final TunnelAccess access = new TunnelAccess(CLIENT, CLIENT6, SplitFilter.onlyTo(List.of(CORP)));
        assertEquals(TunnelAccess.ADMIT, check(access, ipv6(CLIENT6, address6("2001:db8:2::1"), 80)));
        assertEquals(TunnelAccess.ADMIT, check(access, ipv6(CLIENT6, address6("2606:4700::1"), 443)));
        assertEquals(TunnelAccess.FILTERED, check(access, ipv4(CLIENT, address(11, 0, 0, 1), 60)));
        final TunnelAccess ipv6Only = new TunnelAccess(CLIENT, CLIENT6, SplitFilter.onlyTo(List.of(CORP6)));
        assertEquals(TunnelAccess.ADMIT, check(ipv6Only, ipv4(CLIENT, address(11, 0, 0, 1), 60)));
        assertEquals(TunnelAccess.FILTERED, check(ipv6Only, ipv6(CLIENT6, address6("2001:db8:3::1"), 80)));
    }

    @Test
    void shouldLetExcludeSpecifiedReachEverythingButTheListedNetworks()
    {
        final TunnelAccess access = new TunnelAccess(CLIENT, CLIENT6, SplitFilter.allBut(List.of(CORP, CORP6)));
        assertEquals(TunnelAccess.FILTERED, check(access, ipv4(CLIENT, address(10, 1, 1, 1), 60)));
        assertEquals(TunnelAccess.ADMIT, check(access, ipv4(CLIENT, address(172, 16, 0, 1), 60)));
        assertEquals(TunnelAccess.FILTERED, check(access, ipv6(CLIENT6, address6("2001:db8:2::1"), 80)));
        assertEquals(TunnelAccess.ADMIT, check(access, ipv6(CLIENT6, address6("2001:db8:1::1"), 80)));
    }

    @Test
    void shouldMatchHostRoutesAndPrefixesAcrossTheSixtyFourBitBoundary()
    {
        final SplitFilter filter = SplitFilter.onlyTo(List.of(
            new SplitFilter.Network(new byte[] {10, 1, 2, 3}, 32),
            new SplitFilter.Network(address6("2001:db8::8000:0:0:0"), 65),
            new SplitFilter.Network(new byte[] {0, 0, 0, 0}, 0)));
        assertEquals(true, filter.admitsIpv4(address(1, 2, 3, 4)));
        assertEquals(true, filter.admitsIpv6(0x2001_0db8_0000_0000L, 0x8000_0000_0000_0001L));
        assertEquals(false, filter.admitsIpv6(0x2001_0db8_0000_0000L, 0x7fff_ffff_ffff_ffffL));
        assertEquals(false, filter.admitsIpv6(0x2001_0db8_0000_0001L, 0x8000_0000_0000_0001L));
    }

    private static int check(final TunnelAccess access, final byte[] packet)
    {
        final byte[] padded = new byte[packet.length + 8];
        System.arraycopy(packet, 0, padded, 4, packet.length);
        return access.check(new UnsafeBuffer(padded), 4, packet.length);
    }
}
