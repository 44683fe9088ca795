package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code ipv6 route inside ::/0 GATEWAY tunneled}, the ASA's tunnel default gateway: IPv6 traffic from VPN clients
 * that has no more specific route goes to the inside host, while the headend's own traffic does not; removing the
 * line over the console stops it; stopping the appliance, even after a run that was killed, leaves no policy
 * routing behind. Plain {@code ipv6 route} lines route the headend's own traffic.
 *
 * <pre>
 *  [cli1 hdtun0 2001:db8:100::10] ══tunnel══ [srv headend0 | veth-in 2001:db8:200::1]
 *                                                                   │
 *                                            [in eth0 2001:db8:200::2, lo 2001:db8:300::1]
 * </pre>
 * The server namespace has no route to 2001:db8:300::/64 of its own; only the inside host has that address.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TunneledRouteIT
{
    private static final String BEYOND = "2001:db8:300::1";
    private static final String BEYOND_NETWORK = "2001:db8:300::/64";
    private static final String TUNNELED_LINE = "ipv6 route inside ::/0 " + Netns.INSIDE_HOST_ADDRESS6 + " tunneled";
    private static final String TABLE = "32001";
    private static final Duration APPLIED = Duration.ofSeconds(10);
    private static Testbed bed;

    @BeforeAll
    static void start()
    {
        bed = Testbed.start(1, true, config -> config
            .extraLine("ipv6 local pool V6POOL 2001:db8:100::10/64 100")
            .tunnelGroupLine(" ipv6-address-pool V6POOL")
            .extraLine("interface " + Netns.INSIDE_INTERFACE)
            .extraLine(" nameif inside")
            .extraLine(" ipv6 address " + Netns.INSIDE_SERVER_ADDRESS6 + "/64")
            .extraLine(TUNNELED_LINE));
        Cmd.check("ip", "-n", bed.net().inside(), "-6", "addr", "add", BEYOND + "/128", "dev", "lo");
    }

    @AfterAll
    static void tearDown()
    {
        if (bed != null)
        {
            bed.close();
        }
    }

    @AfterEach
    void closeClients()
    {
        bed.closeClients();
    }

    @Test
    void shouldCarryTunnelTrafficToTheTunneledGatewayButNotTheHeadendsOwn()
    {
        final String client = connectRoutingBeyond();

        final NetTools.PingResult fromTunnel = NetTools.ping(client, BEYOND, 20);
        assertTrue(fromTunnel.allAnswered(), "client over the tunnel to the address only the inside host has:\n"
            + fromTunnel.output());
        final NetTools.PingResult fromServer = NetTools.ping(bed.net().server(), BEYOND, 5);
        assertEquals(0, fromServer.received(), "the headend's own traffic must not use the tunneled route:\n"
            + fromServer.output());
        assertTrue(server("ip", "-6", "route", "show", BEYOND_NETWORK).isBlank(), "no main-table route to it");
    }

    @Test
    void shouldStopAndResumeWhenTheLineIsRemovedAndAddedOverTheConsole()
    {
        final String client = connectRoutingBeyond();
        assertTrue(NetTools.ping(client, BEYOND, 10).allAnswered());
        try
        {
            configure("no " + TUNNELED_LINE);
            await(() -> policyRules() == 0 && server("ip", "-6", "route", "show", "table", TABLE).isBlank(),
                "the rules and the table route to go after the no form:\n" + server("ip", "-6", "rule", "show"));
            final NetTools.PingResult without = NetTools.ping(client, BEYOND, 10);
            assertEquals(0, without.received(), "no tunneled route, no way beyond the headend:\n" + without.output());

            configure(TUNNELED_LINE);
            await(() -> policyRules() == 2, "the rules to come back with the line");
            assertTrue(NetTools.ping(client, BEYOND, 10).allAnswered(), "the same session uses the route again");
        }
        finally
        {
            if (policyRules() != 2)
            {
                configure(TUNNELED_LINE);
            }
        }
    }

    @Test
    void shouldRouteTheHeadendsOwnTrafficByAPlainLine()
    {
        final String plainLine = "ipv6 route inside " + BEYOND_NETWORK + " " + Netns.INSIDE_HOST_ADDRESS6;
        try
        {
            configure(plainLine);
            await(() -> !server("ip", "-6", "route", "show", BEYOND_NETWORK).isBlank(), "the static route");
            final String route = server("ip", "-6", "route", "show", BEYOND_NETWORK);
            assertTrue(route.contains("via " + Netns.INSIDE_HOST_ADDRESS6 + " dev " + Netns.INSIDE_INTERFACE
                + " proto static metric 1000"), route);
            assertTrue(NetTools.ping(bed.net().server(), BEYOND, 10).allAnswered(),
                "the headend itself reaches the network by the plain line");
        }
        finally
        {
            configure("no " + plainLine);
        }
        await(() -> server("ip", "-6", "route", "show", BEYOND_NETWORK).isBlank(), "the static route to go");
        assertEquals(0, NetTools.ping(bed.net().server(), BEYOND, 5).received());
    }

    @Test
    void shouldLeaveNoPolicyRoutingBehindWhenStoppedEvenAfterARunThatWasKilled()
    {
        assertEquals(2, policyRules(), server("ip", "-6", "rule", "show"));
        final HeadendProcess killed = bed.headend();
        bed.closeClients();
        killed.process().signal("KILL");
        assertTrue(killed.process().waitForExit(Duration.ofSeconds(15)) != null, "the appliance survived SIGKILL");
        assertEquals(2, policyRules(), "a killed run cannot clean up; the next one must");

        bed.startHeadendAgain();
        final String rules = server("ip", "-6", "rule", "show");
        assertEquals(2, policyRules(), "one of each rule, not the old ones and new ones:\n" + rules);
        assertEquals(1, server("ip", "-6", "route", "show", "table", TABLE).lines().count());
        assertTrue(NetTools.ping(connectRoutingBeyond(), BEYOND, 10).allAnswered());

        final int code = bed.stopHeadend();
        assertTrue(code == 0 || code == 143, "exit code after SIGTERM: " + code);
        assertEquals(0, policyRules(), server("ip", "-6", "rule", "show"));
        assertFalse(server("ip", "-6", "rule", "show").contains("lookup " + TABLE));
        assertTrue(server("ip", "-6", "route", "show", "table", TABLE).isBlank(), "the tunneled table is empty");

        // for the tests that run after this one
        bed.startHeadendAgain();
    }

    /** Connects a dual-stack client and routes the network beyond the inside host into its tunnel; its namespace. */
    private static String connectRoutingBeyond()
    {
        final OpenconnectClient client = bed.connect(1, "demo", "demo-secret");
        final String address6 = client.awaitScriptCall("connect", 1, Duration.ofSeconds(10))
            .getOrDefault("INTERNAL_IP6_NETMASK", "");
        assertTrue(address6.startsWith("2001:db8:100::"), "the client has an address from the IPv6 pool: " + address6);
        final String ns = bed.net().client(1);
        Cmd.check("ip", "-n", ns, "-6", "route", "replace", BEYOND_NETWORK, "dev", OpenconnectClient.TUN);
        return ns;
    }

    private static void configure(final String line)
    {
        bed.headend().console("configure terminal");
        final String answer = bed.headend().console(line);
        bed.headend().console("end");
        assertTrue(answer.isBlank(), "'" + line + "' was refused: " + answer);
    }

    /** The appliance's rules: those on its TUN device. */
    private static long policyRules()
    {
        return server("ip", "-6", "rule", "show").lines().filter(l -> l.contains("iif headend0")).count();
    }

    private static String server(final String... argv)
    {
        return Netns.exec(bed.net().server(), argv).check().output();
    }

    /** The appliance applies a console change on its control thread, just after the prompt comes back. */
    private static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + APPLIED.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("waited " + APPLIED + " for " + what);
            }
            NetTools.sleep(100);
        }
    }
}
