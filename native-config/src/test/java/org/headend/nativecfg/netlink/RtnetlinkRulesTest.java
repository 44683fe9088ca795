package org.headend.nativecfg.netlink;

import org.headend.nativecfg.Commands;
import org.headend.nativecfg.NativeCallException;
import org.headend.nativecfg.TestNamespace;
import org.headend.nativecfg.netns.NetworkNamespace;
import org.headend.nativecfg.sysctl.Sysctl;
import org.headend.nativecfg.tun.TunDevice;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Policy routing in a throwaway namespace: the wg-quick pattern (main table without its default route, then a table
 * of our own) steers what arrives on one interface, and nothing else; adds are idempotent, deletes tolerate absence.
 * iproute2 reads back what the kernel made of our requests.
 */
@Timeout(60)
class RtnetlinkRulesTest
{
    private static final String TUN = "hdtun0";
    private static final int TABLE = 32001;

    @BeforeEach
    void requireNetworkPrivileges()
    {
        assumeTrue(Commands.canConfigureNetwork(), "needs root, /dev/net/tun and iproute2");
    }

    @Test
    void shouldSendOnlyPacketsFromTheInterfaceToTheTablesDefaultRouteWhenRulesAreInstalled() throws Exception
    {
        final InetAddress any = InetAddress.getByName("::");
        final FibRule mainWithoutDefault = new FibRule(true, 32000, TUN, StaticRoute.MAIN_TABLE, 0);
        final FibRule tunneled = new FibRule(true, 32001, TUN, TABLE, FibRule.NO_SUPPRESSION);
        final StaticRoute tunneledDefault =
            new StaticRoute(any, 0, InetAddress.getByName("2001:db8:5::2"), "hdv0", TABLE, 0);

        try (TestNamespace ns = TestNamespace.create("rules");
            NetworkNamespace _ = ns.enter();
            TunDevice tun = TunDevice.open(TUN, 1);
            Rtnetlink rtnl = Rtnetlink.open())
        {
            tun.setUp();
            Sysctl.set("net.ipv6.conf.all.forwarding", "1");
            ns.ip("link", "add", "hdv0", "type", "veth", "peer", "name", "hdv1");
            ns.ip("link", "set", "hdv0", "up");
            ns.ip("link", "set", "hdv1", "up");
            ns.ip("-6", "addr", "add", "2001:db8:5::1/64", "dev", "hdv0", "nodad");
            // the main table has a default route of its own and one more specific route
            ns.ip("-6", "route", "add", "default", "via", "2001:db8:5::4", "dev", "hdv0");
            ns.ip("-6", "route", "add", "2001:db8:7::/64", "via", "2001:db8:5::3", "dev", "hdv0");

            final StaticRoute anyDefaultInTable = new StaticRoute(any, 0, null, null, TABLE, 0);
            assertFalse(rtnl.deleteRoute(anyDefaultInTable), "a table the namespace has never had");
            rtnl.addRoute(tunneledDefault);
            rtnl.addRoute(tunneledDefault);
            rtnl.addRule(mainWithoutDefault);
            rtnl.addRule(tunneled);
            rtnl.addRule(mainWithoutDefault);
            rtnl.addRule(tunneled);

            final String table = ns.ip("-6", "route", "show", "table", Integer.toString(TABLE));
            assertEquals(1, table.lines().count(), table);
            assertTrue(table.startsWith("default via 2001:db8:5::2 dev hdv0 proto static"), table);
            final String rules = ns.ip("-6", "rule", "show");
            assertEquals(2, rules.lines().filter((l) -> l.contains("iif " + TUN)).count(),
                "added once each:\n" + rules);
            assertTrue(rules.contains("32000:\tfrom all iif " + TUN + " lookup main suppress_prefixlength 0"), rules);
            assertTrue(rules.contains("32001:\tfrom all iif " + TUN + " lookup " + TABLE), rules);

            assertTrue(routeGet(ns, "2001:db8:9::1", true).contains("via 2001:db8:5::2 dev hdv0 table " + TABLE),
                "what arrives on the interface leaves by the table's default route");
            assertTrue(routeGet(ns, "2001:db8:7::1", true).contains("via 2001:db8:5::3 dev hdv0"),
                "a more specific route of the main table still wins");
            assertTrue(routeGet(ns, "2001:db8:9::1", false).contains("via 2001:db8:5::4 dev hdv0"),
                "the host's own traffic keeps the main default route");

            assertTrue(rtnl.deleteRule(tunneled));
            assertTrue(rtnl.deleteRule(mainWithoutDefault));
            assertTrue(rtnl.deleteRoute(tunneledDefault));
            assertFalse(rtnl.deleteRule(tunneled));
            assertFalse(rtnl.deleteRule(mainWithoutDefault));
            assertFalse(rtnl.deleteRoute(tunneledDefault));
            assertFalse(rtnl.deleteRoute(anyDefaultInTable));
            assertFalse(ns.ip("-6", "rule", "show").contains(TUN));
            assertEquals("", ns.ip("-6", "route", "show", "table", Integer.toString(TABLE)).strip());
            assertTrue(routeGet(ns, "2001:db8:9::1", true).contains("via 2001:db8:5::4 dev hdv0"));
        }
    }

    @Test
    void shouldReplaceGatewayAndKeepRoutesOfOtherMetricsWhenRoutingIpv4InMainTable() throws Exception
    {
        final InetAddress network = InetAddress.getByName("10.91.0.0");
        try (TestNamespace ns = TestNamespace.create("gw4");
            NetworkNamespace _ = ns.enter();
            Rtnetlink rtnl = Rtnetlink.open())
        {
            ns.ip("link", "add", "hdv0", "type", "veth", "peer", "name", "hdv1");
            ns.ip("link", "set", "hdv0", "up");
            ns.ip("link", "set", "hdv1", "up");
            ns.ip("addr", "add", "10.90.0.1/24", "dev", "hdv0");
            ns.ip("route", "add", "10.91.0.0/16", "via", "10.90.0.7", "metric", "5");

            rtnl.addRoute(new StaticRoute(network, 16, InetAddress.getByName("10.90.0.2"), "hdv0",
                StaticRoute.MAIN_TABLE, 1000));
            rtnl.addRoute(new StaticRoute(network, 16, InetAddress.getByName("10.90.0.3"), null,
                StaticRoute.MAIN_TABLE, 1000));
            final String routes = ns.ip("-4", "route", "show", "10.91.0.0/16");
            assertEquals(2, routes.lines().count(), routes);
            assertTrue(routes.contains("10.91.0.0/16 via 10.90.0.3 dev hdv0 proto static metric 1000"), routes);
            assertTrue(routes.contains("via 10.90.0.7 dev hdv0 metric 5"), "another metric is another route");

            assertTrue(rtnl.deleteRoute(new StaticRoute(network, 16, null, null, StaticRoute.MAIN_TABLE, 1000)));
            assertFalse(rtnl.deleteRoute(new StaticRoute(network, 16, null, null, StaticRoute.MAIN_TABLE, 1000)));
            assertTrue(ns.ip("-4", "route", "show", "10.91.0.0/16").contains("via 10.90.0.7"));
            assertFalse(rtnl.deleteRoute(new StaticRoute(network, 16, null, "nosuch0", StaticRoute.MAIN_TABLE, 0)),
                "the routes of a device that is gone went with it");
        }
    }

    @Test
    void shouldCarryKernelReasonWhenGatewayIsNotOnTheDevicesLink() throws Exception
    {
        try (TestNamespace ns = TestNamespace.create("badgw");
            NetworkNamespace _ = ns.enter();
            Rtnetlink rtnl = Rtnetlink.open())
        {
            ns.ip("link", "add", "hdv0", "type", "veth", "peer", "name", "hdv1");
            ns.ip("link", "set", "hdv0", "up");
            ns.ip("link", "set", "hdv1", "up");
            final NativeCallException ex = assertThrows(NativeCallException.class, () -> rtnl.addRoute(
                new StaticRoute(InetAddress.getByName("::"), 0, InetAddress.getByName("2001:db8:6::2"), "hdv0",
                    TABLE, 0)));
            assertTrue(ex.getMessage().startsWith("RTM_NEWROUTE ::/0 via 2001:db8:6::2 dev hdv0 table 32001"),
                ex.getMessage());
            // the kernel finds no route to the gateway through the device
            assertTrue(ex.getMessage().contains("No route to host"), ex.getMessage());
            assertThrows(IllegalArgumentException.class, () -> rtnl.addRoute(
                new StaticRoute(InetAddress.getByName("::"), 0, null, null, TABLE, 0)));
        }
    }

    /**
     * @param fromTunnel look up as if the packet arrived on the TUN (forwarded), else as the host's own packet.
     */
    private static String routeGet(final TestNamespace ns, final String destination, final boolean fromTunnel)
    {
        return fromTunnel ?
            ns.ip("-6", "route", "get", destination, "from", "2001:db8:100::10", "iif", TUN) :
            ns.ip("-6", "route", "get", destination);
    }
}
