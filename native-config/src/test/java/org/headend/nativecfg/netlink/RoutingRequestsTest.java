package org.headend.nativecfg.netlink;

import org.headend.nativecfg.AddressText;
import org.headend.nativecfg.libc.Libc;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bytes of rule and table-route requests, read back field by field against linux/fib_rules.h and
 * linux/rtnetlink.h; no socket, no privileges.
 */
class RoutingRequestsTest
{
    private static final int ADD_FLAGS = NetlinkProtocol.NLM_F_REQUEST | NetlinkProtocol.NLM_F_ACK |
        NetlinkProtocol.NLM_F_CREATE | NetlinkProtocol.NLM_F_EXCL;

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment buffer = arena.allocate(512, 8);
    private final NetlinkMessageWriter writer = new NetlinkMessageWriter(buffer);
    private final NetlinkMessageCursor cursor = new NetlinkMessageCursor();

    @Test
    void shouldEncodeRuleWithLargeTableInAttributeOnlyWhenTableExceedsHeaderByte()
    {
        RoutingRequests.putRule(
            writer, NetlinkProtocol.RTM_NEWRULE, ADD_FLAGS, 9, new FibRule(true, 32001, "headend0", 32001, -1));
        final int length = writer.finish();

        // header 16 + fib_rule_hdr 12 + priority 8 + "headend0\0" 4+9 padded to 16 + table 8
        assertEquals(60, length);
        cursor.wrap(buffer, length);
        assertTrue(cursor.nextMessage());
        assertEquals(NetlinkProtocol.RTM_NEWRULE, cursor.type());
        assertEquals(ADD_FLAGS, cursor.flags());
        assertEquals(9, cursor.sequence());
        // family AF_INET6, dst_len, src_len, tos, table UNSPEC (32001 does not fit), res1, res2, FR_ACT_TO_TBL, flags
        assertArrayEquals(new byte[]{ 10, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 },
            payload(NetlinkProtocol.FIB_RULE_HDR_SIZE));
        final Map<Integer, byte[]> attributes = attributes(NetlinkProtocol.FIB_RULE_HDR_SIZE);
        assertEquals(List.of(NetlinkProtocol.FRA_PRIORITY, NetlinkProtocol.FRA_IIFNAME, NetlinkProtocol.FRA_TABLE),
            new ArrayList<>(attributes.keySet()));
        assertArrayEquals(u32(32001), attributes.get(NetlinkProtocol.FRA_PRIORITY));
        assertArrayEquals("headend0\0".getBytes(StandardCharsets.US_ASCII),
            attributes.get(NetlinkProtocol.FRA_IIFNAME));
        assertArrayEquals(u32(32001), attributes.get(NetlinkProtocol.FRA_TABLE));
    }

    @Test
    void shouldEncodeSuppressPrefixLengthAndSmallTableInHeaderWhenRuleSuppressesDefaultRoute()
    {
        RoutingRequests.putRule(writer, NetlinkProtocol.RTM_DELRULE, NetlinkProtocol.NLM_F_REQUEST, 3,
            new FibRule(false, 32000, "tun0", StaticRoute.MAIN_TABLE, 0));
        final int length = writer.finish();

        cursor.wrap(buffer, length);
        assertTrue(cursor.nextMessage());
        assertEquals(NetlinkProtocol.RTM_DELRULE, cursor.type());
        assertArrayEquals(new byte[]{ (byte)Libc.AF_INET, 0, 0, 0, (byte)254, 0, 0, 1, 0, 0, 0, 0 },
            payload(NetlinkProtocol.FIB_RULE_HDR_SIZE));
        final Map<Integer, byte[]> attributes = attributes(NetlinkProtocol.FIB_RULE_HDR_SIZE);
        assertArrayEquals(u32(254), attributes.get(NetlinkProtocol.FRA_TABLE));
        assertArrayEquals(u32(0), attributes.get(NetlinkProtocol.FRA_SUPPRESS_PREFIXLEN),
            "0 is a real value here: ignore only routes of length 0, the default route");
    }

    @Test
    void shouldEncodeDefaultRouteViaGatewayInTableWithoutDestinationAttribute() throws Exception
    {
        final InetAddress gateway = InetAddress.getByName("2001:db8:200::2");
        RoutingRequests.putRoute(writer, NetlinkProtocol.RTM_NEWROUTE, ADD_FLAGS, 5,
            new StaticRoute(InetAddress.getByName("::"), 0, gateway, "veth-in", 32001, 0), 7);
        final int length = writer.finish();

        cursor.wrap(buffer, length);
        assertTrue(cursor.nextMessage());
        assertEquals(NetlinkProtocol.RTM_NEWROUTE, cursor.type());
        // family, dst_len 0, src_len, tos, table UNSPEC, RTPROT_STATIC, RT_SCOPE_UNIVERSE, RTN_UNICAST, flags
        assertArrayEquals(new byte[]{ 10, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0, 0 }, payload(NetlinkProtocol.RTMSG_SIZE));
        final Map<Integer, byte[]> attributes = attributes(NetlinkProtocol.RTMSG_SIZE);
        assertEquals(List.of(NetlinkProtocol.RTA_GATEWAY, NetlinkProtocol.RTA_OIF, NetlinkProtocol.RTA_TABLE),
            new ArrayList<>(attributes.keySet()), "no RTA_DST for a default route, no RTA_PRIORITY without metric");
        assertArrayEquals(gateway.getAddress(), attributes.get(NetlinkProtocol.RTA_GATEWAY));
        assertArrayEquals(u32(7), attributes.get(NetlinkProtocol.RTA_OIF));
        assertArrayEquals(u32(32001), attributes.get(NetlinkProtocol.RTA_TABLE));
    }

    @Test
    void shouldEncodeWildcardsWhenDeletingIpv4RouteWithMetricButNoDevice() throws Exception
    {
        RoutingRequests.putRoute(writer, NetlinkProtocol.RTM_DELROUTE, NetlinkProtocol.NLM_F_REQUEST, 6,
            new StaticRoute(InetAddress.getByName("10.20.0.0"), 16, InetAddress.getByName("10.0.0.9"), null,
                StaticRoute.MAIN_TABLE, 1000), 0);
        final int length = writer.finish();

        cursor.wrap(buffer, length);
        assertTrue(cursor.nextMessage());
        // protocol 0 and type 0 match any, scope RT_SCOPE_NOWHERE is IPv4's "any scope"
        assertArrayEquals(new byte[]{ 2, 16, 0, 0, (byte)254, 0, (byte)255, 0, 0, 0, 0, 0 },
            payload(NetlinkProtocol.RTMSG_SIZE));
        final Map<Integer, byte[]> attributes = attributes(NetlinkProtocol.RTMSG_SIZE);
        assertEquals(List.of(NetlinkProtocol.RTA_DST, NetlinkProtocol.RTA_GATEWAY, NetlinkProtocol.RTA_PRIORITY,
            NetlinkProtocol.RTA_TABLE), new ArrayList<>(attributes.keySet()));
        assertArrayEquals(new byte[]{ 10, 20, 0, 0 }, attributes.get(NetlinkProtocol.RTA_DST));
        assertArrayEquals(u32(1000), attributes.get(NetlinkProtocol.RTA_PRIORITY));
        assertFalse(attributes.containsKey(NetlinkProtocol.RTA_OIF));
    }

    @Test
    void shouldRefuseRulesAndRoutesThatTheKernelWouldMisread() throws Exception
    {
        final InetAddress any6 = InetAddress.getByName("::");
        assertThrows(IllegalArgumentException.class, () -> new FibRule(true, 0, "tun0", 100, -1),
            "priority 0 belongs to the local table's rule");
        assertThrows(IllegalArgumentException.class, () -> new FibRule(true, 10, "tun0", 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new FibRule(false, 10, "tun0", 100, 33));
        assertThrows(IllegalArgumentException.class, () -> new FibRule(true, 10, "bad/name", 100, -1));
        assertThrows(IllegalArgumentException.class,
            () -> new StaticRoute(InetAddress.getByName("2001:db8::1"), 64, null, "tun0", 100, 0));
        assertThrows(IllegalArgumentException.class,
            () -> new StaticRoute(any6, 0, InetAddress.getByName("10.0.0.1"), null, 100, 0));
        assertThrows(IllegalArgumentException.class, () -> new StaticRoute(any6, 0, null, "tun0", 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new StaticRoute(any6, 0, null, "tun0", 100, -1));
        assertEquals("-6 pref 5 iif tun0 lookup 254 suppress_prefixlength 0",
            new FibRule(true, 5, "tun0", 254, 0).toString());
    }

    @Test
    void shouldWriteIpv6AddressesInTheirShortFormWhenNamingRoutesInMessages() throws Exception
    {
        assertEquals("::", AddressText.format(InetAddress.getByName("::")));
        assertEquals("::1", AddressText.format(InetAddress.getByName("::1")));
        assertEquals("2001:db8::", AddressText.format(InetAddress.getByName("2001:db8::")));
        assertEquals("2001:0:0:1::1", AddressText.format(InetAddress.getByName("2001:0:0:1:0:0:0:1")),
            "the longest run of zeros is the one shortened");
        assertEquals("2001:db8::1:0:0:1", AddressText.format(InetAddress.getByName("2001:db8:0:0:1:0:0:1")),
            "the first of two equal runs");
        assertEquals("2001:db8:0:1:1:1:1:1", AddressText.format(InetAddress.getByName("2001:db8:0:1:1:1:1:1")),
            "a single zero group stays");
        assertEquals("10.0.0.0/8 via 10.0.0.1 table 254",
            new StaticRoute(InetAddress.getByName("10.0.0.0"), 8, InetAddress.getByName("10.0.0.1"), null, 254, 0)
                .toString());
    }

    private byte[] payload(final int length)
    {
        cursor.requirePayload(length);
        return buffer.asSlice(cursor.payloadOffset(), length).toArray(JAVA_BYTE);
    }

    private Map<Integer, byte[]> attributes(final int familyHeaderSize)
    {
        final Map<Integer, byte[]> attributes = new LinkedHashMap<>();
        cursor.startAttributes(familyHeaderSize);
        while (cursor.nextAttribute())
        {
            attributes.put(cursor.attributeType(), cursor.attributeBytes());
        }
        return attributes;
    }

    private static byte[] u32(final int value)
    {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    }
}
