package org.headend.control.inside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.headend.control.config.ConfigException;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.HeadendConfig;
import org.headend.nativecfg.NativeCallException;
import org.headend.nativecfg.netlink.FibRule;
import org.headend.nativecfg.netlink.StaticRoute;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which rules and routes the {@code ipv6 route} lines put into the kernel as the configuration changes, against a
 * kernel that only records; the real kernel's part is in native-config's RtnetlinkRulesTest and in TunneledRouteIT.
 */
class Ipv6StaticRoutesTest
{
    private static final String INSIDE = """
        interface veth-in
         nameif inside
         ipv6 address 2001:db8:200::1/64
        """;
    private static final String TUNNELED = "ipv6 route inside ::/0 2001:db8:200::2 tunneled\n";

    @TempDir
    Path dir;

    private final RecordingKernel kernel = new RecordingKernel();
    private final Ipv6StaticRoutes routes = new Ipv6StaticRoutes(kernel);

    @Test
    void shouldSendTunnelTrafficWithoutSpecificRouteToTheGatewayOnTheNamedInterface() throws Exception
    {
        routes.apply(config(INSIDE + TUNNELED));

        assertEquals(Set.of(tableDefault("2001:db8:200::2")), kernel.routes);
        assertEquals(Set.of(
            new FibRule(true, 32000, "headend0", StaticRoute.MAIN_TABLE, 0),
            new FibRule(true, 32001, "headend0", 32001, FibRule.NO_SUPPRESSION)), kernel.rules,
            "tunnel traffic: the main table without its default route, then the tunneled table");
    }

    @Test
    void shouldTakeRulesAndTableRouteAwayWhenTheLineIsRemovedOrTheApplianceStops() throws Exception
    {
        routes.apply(config(INSIDE + TUNNELED));
        routes.apply(config(INSIDE));
        assertEquals(Set.of(), kernel.rules);
        assertEquals(Set.of(), kernel.routes);

        routes.apply(config(INSIDE + TUNNELED));
        routes.close();
        assertEquals(Set.of(), kernel.rules);
        assertEquals(Set.of(), kernel.routes);
        routes.apply(config(INSIDE + TUNNELED));
        assertEquals(Set.of(), kernel.rules, "a configuration change racing the stop installs nothing");
    }

    @Test
    void shouldMoveToTheNewGatewayWhenTheLineChanges() throws Exception
    {
        routes.apply(config(INSIDE + TUNNELED));
        routes.apply(config(INSIDE + "ipv6 route inside ::/0 2001:db8:200::3 tunneled\n"));

        assertEquals(Set.of(tableDefault("2001:db8:200::3")), kernel.routes);
        assertEquals(2, kernel.rules.size());
    }

    @Test
    void shouldInstallNothingAndSayWhyWhenTheLineCannotBeFollowed() throws Exception
    {
        final HeadendConfig noInterface = config(TUNNELED);
        routes.apply(noInterface);
        assertEquals(Set.of(), kernel.rules);
        assertEquals(Set.of(), kernel.routes);
        assertEquals(List.of("ipv6 route inside ::/0 2001:db8:200::2 tunneled: no interface has nameif inside; "
            + "route not installed"), Ipv6StaticRoutes.plan(noInterface).problems());

        final HeadendConfig notDefault = config(INSIDE
            + "ipv6 route inside 2001:db8:300::/48 2001:db8:200::2 tunneled\n"
            + TUNNELED
            + "ipv6 route inside ::/0 2001:db8:200::9 tunneled\n");
        final Ipv6StaticRoutes.Plan plan = Ipv6StaticRoutes.plan(notDefault);
        assertEquals(tableDefault("2001:db8:200::2"), plan.tunneled(), "the first tunneled default route is used");
        assertEquals(2, plan.problems().size(), plan.problems().toString());
        assertTrue(plan.problems().get(0).contains("only the default route ::/0 can be tunneled"), plan.problems()
            .toString());
        assertTrue(plan.problems().get(1).contains("ipv6 route inside ::/0 2001:db8:200::9 tunneled: a tunneled "
            + "default route via 2001:db8:200::2 comes first"), plan.problems().toString());
    }

    @Test
    void shouldKeepRunningAndTryAgainAtTheNextChangeWhenTheKernelRefusesTheGateway() throws Exception
    {
        kernel.refuseRoutes = true;
        routes.apply(config(INSIDE + TUNNELED));
        assertEquals(Set.of(), kernel.rules, "no rule without its table route");
        assertEquals(Set.of(), kernel.routes);

        kernel.refuseRoutes = false;
        routes.apply(config(INSIDE + TUNNELED + "hostname other\n"));
        assertEquals(Set.of(tableDefault("2001:db8:200::2")), kernel.routes);
        assertEquals(2, kernel.rules.size());
    }

    @Test
    void shouldInstallPlainLinesInTheMainTableWithHostBitsClearedAlongsideTheTunneledOne() throws Exception
    {
        routes.apply(config(INSIDE + TUNNELED + "ipv6 route inside 2001:db8:300::1/48 2001:db8:200::2\n"));
        final StaticRoute plain = new StaticRoute(InetAddress.getByName("2001:db8:300::"), 48,
            InetAddress.getByName("2001:db8:200::2"), "veth-in", StaticRoute.MAIN_TABLE,
            Ipv6StaticRoutes.STATIC_METRIC);
        assertEquals(Set.of(tableDefault("2001:db8:200::2"), plain), kernel.routes);

        routes.apply(config(INSIDE + TUNNELED));
        assertEquals(Set.of(tableDefault("2001:db8:200::2")), kernel.routes, "the plain route went with its line");
        assertEquals(2, kernel.rules.size());
    }

    @Test
    void shouldRemoveWhatAKilledRunLeftBehindBeforeApplying() throws Exception
    {
        kernel.rules.add(new FibRule(true, 32001, "headend0", 32001, FibRule.NO_SUPPRESSION));
        kernel.rules.add(new FibRule(true, 32000, "headend0", StaticRoute.MAIN_TABLE, 0));
        kernel.routes.add(tableDefault("2001:db8:200::7"));
        final FibRule someoneElses = new FibRule(true, 100, "eth9", 100, FibRule.NO_SUPPRESSION);
        kernel.rules.add(someoneElses);

        routes.removeLeftovers();
        routes.apply(config(INSIDE));

        assertEquals(Set.of(someoneElses), kernel.rules);
        assertEquals(Set.of(), kernel.routes);
    }

    private HeadendConfig config(final String text) throws IOException, ConfigException
    {
        final Path file = Files.writeString(dir.resolve("startup-config"), text);
        return ConfigStore.load(file).current();
    }

    private static StaticRoute tableDefault(final String gateway) throws IOException
    {
        return new StaticRoute(InetAddress.getByName("::"), 0, InetAddress.getByName(gateway), "veth-in",
            Ipv6StaticRoutes.TUNNELED_TABLE, 0);
    }

    /** Keeps rules and routes in sets, with the kernel's matching for deletes (null and 0 match any). */
    private static final class RecordingKernel implements Ipv6StaticRoutes.Kernel
    {
        final Set<FibRule> rules = new LinkedHashSet<>();
        final Set<StaticRoute> routes = new LinkedHashSet<>();
        boolean refuseRoutes;

        @Override
        public void addRule(final FibRule rule)
        {
            rules.add(rule);
        }

        @Override
        public boolean deleteRule(final FibRule rule)
        {
            return rules.remove(rule);
        }

        @Override
        public void addRoute(final StaticRoute route)
        {
            if (refuseRoutes)
            {
                throw new NativeCallException("RTM_NEWROUTE " + route, 113, "No route to host");
            }
            // replace: one route per destination, table and metric
            routes.removeIf(r -> r.destination().equals(route.destination()) && r.prefixLength() == route
                .prefixLength() && r.table() == route.table() && r.metric() == route.metric());
            routes.add(route);
        }

        @Override
        public boolean deleteRoute(final StaticRoute route)
        {
            for (final StaticRoute r : new ArrayList<>(routes))
            {
                if (r.destination().equals(route.destination()) && r.prefixLength() == route.prefixLength()
                    && r.table() == route.table()
                    && (route.gateway() == null || route.gateway().equals(r.gateway()))
                    && (route.ifname() == null || route.ifname().equals(r.ifname()))
                    && (route.metric() == 0 || route.metric() == r.metric()))
                {
                    return routes.remove(r);
                }
            }
            return false;
        }

        @Override
        public boolean forwardsIpv6()
        {
            return true;
        }
    }
}
