package org.headend.control.inside;

import java.net.Inet6Address;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.InterfaceConfig;
import org.headend.control.config.Ipv6Route;
import org.headend.control.config.grammar.Ipv6;
import org.headend.nativecfg.netlink.FibRule;
import org.headend.nativecfg.netlink.Rtnetlink;
import org.headend.nativecfg.netlink.StaticRoute;
import org.headend.nativecfg.sysctl.Sysctl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration's {@code ipv6 route NAMEIF PREFIX/LEN GATEWAY [tunneled]} lines, installed in the kernel of the
 * appliance's namespace, each through the Linux interface whose {@code nameif} the line names.
 * <p>
 * A plain line is a static route in the main table, for every packet the host routes. It gets metric
 * {@value #STATIC_METRIC}: above the 256 of connected prefixes, below the 1024 of routes added by hand or learned
 * from router advertisements, so that, as on the ASA, a connected network beats a static route and a static route
 * beats the rest; and a route the host had before, with its own metric, is never replaced or removed.
 * <p>
 * A {@code tunneled} line is the ASA's tunnel default gateway: the next hop for traffic that arrives from VPN
 * tunnels (on {@link InsideInterface#DEVICE}) and has no more specific route; the host's own traffic and what
 * arrives on other interfaces are not affected. Linux does this with policy routing, the pattern of wg-quick:
 * <pre>
 * pref 32000  iif headend0 lookup main suppress_prefixlength 0    main table, but not its default route
 * pref 32001  iif headend0 lookup 32001                           table 32001: default via GATEWAY dev IFNAME
 * </pre>
 * The priorities sit just before the kernel's rule for main (32766), leaving 1..31999 to an operator's own rules;
 * table {@value #TUNNELED_TABLE} is the appliance's alone. The rules exist only while a tunneled route is installed.
 * Only {@code ::/0} can be tunneled (the ASA's rule too), and only one such line is used.
 * <p>
 * Failures are logged and the appliance keeps running: a line whose nameif has no interface, or whose gateway the
 * kernel refuses (not on the interface's link, interface down), is not installed and is tried again at the next
 * configuration change. Forwarding ({@code net.ipv6.conf.all.forwarding}) is left to the operator, as for IPv4:
 * turning it on makes every interface a router, which stops it from taking router advertisements; a warning says
 * when it is off.
 * <p>
 * Threading: any thread, one call at a time (the methods are synchronized); control path.
 */
final class Ipv6StaticRoutes implements AutoCloseable
{
    /** The routing table of the tunneled default route. */
    static final int TUNNELED_TABLE = 32001;
    /** The rule that lets tunnel traffic use the main table for everything but its default route. */
    static final int MAIN_RULE_PRIORITY = 32000;
    /** The rule that sends the rest of tunnel traffic to {@link #TUNNELED_TABLE}. */
    static final int TUNNELED_RULE_PRIORITY = 32001;
    /** Metric of plain static routes in the main table. */
    static final int STATIC_METRIC = 1000;
    /** Bounds the removal of duplicates an operator or an older run may have left. */
    private static final int MAX_LEFTOVERS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(Ipv6StaticRoutes.class);
    private static final Inet6Address ANY = any();

    /** What this class needs of rtnetlink; an interface so that the tests can record instead. */
    interface Kernel
    {
        void addRule(FibRule rule);

        boolean deleteRule(FibRule rule);

        void addRoute(StaticRoute route);

        boolean deleteRoute(StaticRoute route);

        /** Whether the namespace forwards IPv6 between interfaces. */
        boolean forwardsIpv6();

        static Kernel of(final Rtnetlink netlink)
        {
            return new Kernel()
            {
                @Override
                public void addRule(final FibRule rule)
                {
                    netlink.addRule(rule);
                }

                @Override
                public boolean deleteRule(final FibRule rule)
                {
                    return netlink.deleteRule(rule);
                }

                @Override
                public void addRoute(final StaticRoute route)
                {
                    netlink.addRoute(route);
                }

                @Override
                public boolean deleteRoute(final StaticRoute route)
                {
                    return netlink.deleteRoute(route);
                }

                @Override
                public boolean forwardsIpv6()
                {
                    return !"0".equals(Sysctl.get("net.ipv6.conf.all.forwarding"));
                }
            };
        }
    }

    /**
     * What the configuration asks for.
     *
     * @param tunneled the tunneled default route, in {@link #TUNNELED_TABLE}, or null
     * @param plain    the plain routes, for the main table
     * @param problems one sentence per line that cannot be installed, naming the line
     */
    record Plan(StaticRoute tunneled, Set<StaticRoute> plain, List<String> problems)
    {
    }

    private final Kernel kernel;
    private final FibRule mainRule;
    private final FibRule tunneledRule;
    private StaticRoute tunneled;
    private final Set<StaticRoute> plain = new LinkedHashSet<>();
    /** The problems already logged, so that an unrelated configuration change does not repeat them. */
    private Set<String> reported = Set.of();
    /** Whether the warning about IPv6 forwarding has been logged; once is enough. */
    private boolean warnedForwarding;
    /** Set by close: a configuration change that races the appliance's stop must not install anything again. */
    private boolean closed;

    Ipv6StaticRoutes(final Kernel kernel)
    {
        this.kernel = kernel;
        mainRule = new FibRule(true, MAIN_RULE_PRIORITY, InsideInterface.DEVICE, StaticRoute.MAIN_TABLE, 0);
        tunneledRule = new FibRule(true, TUNNELED_RULE_PRIORITY, InsideInterface.DEVICE, TUNNELED_TABLE,
            FibRule.NO_SUPPRESSION);
    }

    /**
     * Removes the rules and the tunneled table route a run that was killed left behind, so that what follows starts
     * from the configuration alone.
     */
    synchronized void removeLeftovers()
    {
        int removed = 0;
        try
        {
            for (final FibRule rule : List.of(tunneledRule, mainRule))
            {
                for (int i = 0; i < MAX_LEFTOVERS && kernel.deleteRule(rule); i++)
                {
                    removed++;
                }
            }
            final StaticRoute anyInTable = new StaticRoute(ANY, 0, null, null, TUNNELED_TABLE, 0);
            for (int i = 0; i < MAX_LEFTOVERS && kernel.deleteRoute(anyInTable); i++)
            {
                removed++;
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("could not check for IPv6 policy routing left by an earlier run: {}", ex.getMessage());
        }
        if (removed > 0)
        {
            LOG.info("removed {} IPv6 policy rule(s) and route(s) an earlier run left behind", removed);
        }
    }

    /** Installs what {@code config} asks for and removes what it no longer does. Never throws. */
    synchronized void apply(final HeadendConfig config)
    {
        if (closed)
        {
            return;
        }
        final Plan plan = plan(config);
        final Set<String> problems = new HashSet<>(plan.problems());
        for (final String problem : plan.problems())
        {
            if (!reported.contains(problem))
            {
                LOG.warn("{}", problem);
            }
        }
        reported = problems;

        if (!Objects.equals(plan.tunneled(), tunneled))
        {
            removeTunneled();
            if (plan.tunneled() != null)
            {
                addTunneled(plan.tunneled());
            }
        }
        for (final StaticRoute route : new ArrayList<>(plain))
        {
            if (!plan.plain().contains(route) && delete(route))
            {
                plain.remove(route);
            }
        }
        for (final StaticRoute route : plan.plain())
        {
            if (!plain.contains(route) && add(route))
            {
                plain.add(route);
            }
        }
        final boolean needsForwarding = tunneled != null || !plain.isEmpty();
        if (needsForwarding && !warnedForwarding && !forwards())
        {
            warnedForwarding = true;
            LOG.warn("IPv6 forwarding is off (net.ipv6.conf.all.forwarding = 0): traffic from VPN tunnels is not "
                + "routed beyond the headend, whatever the ipv6 route lines say; the appliance leaves this host "
                + "setting to the operator");
        }
    }

    /** Removes everything this object installed. Never throws. */
    @Override
    public synchronized void close()
    {
        closed = true;
        removeTunneled();
        for (final StaticRoute route : new ArrayList<>(plain))
        {
            delete(route);
        }
        plain.clear();
    }

    /** The routes {@code config} asks for, and why any line cannot be installed. */
    static Plan plan(final HeadendConfig config)
    {
        StaticRoute tunneled = null;
        final Set<StaticRoute> plain = new LinkedHashSet<>();
        final List<String> problems = new ArrayList<>();
        for (final Ipv6Route line : config.ipv6Routes())
        {
            final Optional<InterfaceConfig> iface = config.interfaceByNameif(line.nameif());
            if (iface.isEmpty())
            {
                problems.add(text(line) + ": no interface has nameif " + line.nameif() + "; route not installed");
                continue;
            }
            if (!line.tunneled())
            {
                plain.add(new StaticRoute(network(line.prefix(), line.prefixLength()), line.prefixLength(),
                    line.gateway(), iface.get().ifname(), StaticRoute.MAIN_TABLE, STATIC_METRIC));
            }
            else if (line.prefixLength() != 0)
            {
                problems.add(text(line) + ": only the default route ::/0 can be tunneled; route not installed");
            }
            else if (tunneled != null)
            {
                problems.add(text(line) + ": a tunneled default route via " + Ipv6.format(
                    (Inet6Address)tunneled.gateway()) + " comes first in the configuration; this one is not used");
            }
            else
            {
                tunneled = new StaticRoute(ANY, 0, line.gateway(), iface.get().ifname(), TUNNELED_TABLE, 0);
            }
        }
        return new Plan(tunneled, plain, problems);
    }

    private void addTunneled(final StaticRoute route)
    {
        try
        {
            // the route before the rules: when the kernel refuses the gateway, there is no rule to take back
            kernel.addRoute(route);
            kernel.addRule(mainRule);
            kernel.addRule(tunneledRule);
            tunneled = route;
            LOG.info("tunneled default route: IPv6 traffic from VPN tunnels without a more specific route goes via "
                + "{} on {} (rules {} and {}, table {})", Ipv6.format((Inet6Address)route.gateway()), route.ifname(),
                MAIN_RULE_PRIORITY, TUNNELED_RULE_PRIORITY, TUNNELED_TABLE);
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("tunneled default route via {} on {} not installed: {}",
                Ipv6.format((Inet6Address)route.gateway()), route.ifname(), ex.getMessage());
            removeQuietly(route);
        }
    }

    private void removeTunneled()
    {
        if (tunneled != null)
        {
            removeQuietly(tunneled);
            LOG.info("tunneled default route via {} removed", Ipv6.format((Inet6Address)tunneled.gateway()));
            tunneled = null;
        }
    }

    /** Takes the rules and the table route away, logging what the kernel refuses. */
    private void removeQuietly(final StaticRoute route)
    {
        // rules first: without them no packet reaches the table, so none sees a half-removed state
        for (final FibRule rule : List.of(tunneledRule, mainRule))
        {
            try
            {
                kernel.deleteRule(rule);
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("could not remove IPv6 policy rule {}: {}", rule, ex.getMessage());
            }
        }
        delete(route);
    }

    private boolean add(final StaticRoute route)
    {
        try
        {
            kernel.addRoute(route);
            LOG.info("IPv6 static route {}/{} via {} on {} installed", Ipv6.format((Inet6Address)route.destination()),
                route.prefixLength(), Ipv6.format((Inet6Address)route.gateway()), route.ifname());
            return true;
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("IPv6 static route not installed: {}", ex.getMessage());
            return false;
        }
    }

    /** @return true when the route is gone (also when it was already). */
    private boolean delete(final StaticRoute route)
    {
        try
        {
            kernel.deleteRoute(route);
            return true;
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("could not remove IPv6 route: {}", ex.getMessage());
            return false;
        }
    }

    private boolean forwards()
    {
        try
        {
            return kernel.forwardsIpv6();
        }
        catch (final RuntimeException ex)
        {
            // no IPv6 in this kernel: nothing the routes could do either
            return false;
        }
    }

    private static String text(final Ipv6Route line)
    {
        return "ipv6 route " + line.nameif() + " " + Ipv6.format(line.prefix()) + "/" + line.prefixLength() + " "
            + Ipv6.format(line.gateway()) + (line.tunneled() ? " tunneled" : "");
    }

    /** The prefix with its host bits cleared: the kernel refuses a destination that has any. */
    static Inet6Address network(final Inet6Address prefix, final int length)
    {
        final byte[] bytes = prefix.getAddress();
        for (int bit = length; bit < bytes.length * 8; bit++)
        {
            bytes[bit >>> 3] &= (byte)~(0x80 >>> (bit & 7));
        }
        return toInet6(bytes);
    }

    private static Inet6Address any()
    {
        return toInet6(new byte[16]);
    }

    private static Inet6Address toInet6(final byte[] bytes)
    {
        try
        {
            return Inet6Address.getByAddress(null, bytes, -1);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
