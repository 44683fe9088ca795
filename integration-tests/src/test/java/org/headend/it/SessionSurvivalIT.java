package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The parent session and its TLS connection. A client whose network goes dead (TCP and UDP dropped both ways by nft
 * in the test's namespaces) loses its tunnel to gateway DPD (3 probes at the 30 s interval, then the tunnel goes)
 * but not its session: once the network is back, openconnect reconnects with its cookie alone and gets the same
 * address; a client that never comes back is logged off by the idle timer, cookie and all. A client that comes back
 * with its cookie (SIGUSR2 reconnect, or killed and restarted with -C) gets the same address.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SessionSurvivalIT
{
    /** dpd-interval gateway 30 (the seed's minimum): the tunnel goes after 4 x 30 s of silence. */
    private static final Duration DPD_DROP = Duration.ofSeconds(170);
    /** One thread per long scenario: they mostly wait. */
    private static final ExecutorService SCENARIOS = Executors.newCachedThreadPool();

    private static Testbed bed;
    private static Future<Void> roamer;
    private static Future<Void> sleeper;
    /** The clients of the short tests (client 1, user demo), closed after each. */
    private static final List<OpenconnectClient> DEMO = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start()
    {
        bed = Testbed.start(3, c ->
        {
            c.dpdGateway("30").dpdClient("30");
            c.user("roamer", "roamer-secret").extraLine("username roamer attributes").extraLine(" vpn-idle-timeout 10");
            c.user("sleeper", "sleeper-secret").extraLine("username sleeper attributes")
                .extraLine(" vpn-idle-timeout 3");
        });
        roamer = SCENARIOS.submit(SessionSurvivalIT::roamer);
        sleeper = SCENARIOS.submit(SessionSurvivalIT::sleeper);
    }

    @AfterAll
    static void tearDown()
    {
        SCENARIOS.shutdownNow();
        if (bed != null)
        {
            bed.close();
        }
    }

    @AfterEach
    void stopClients()
    {
        demoClients().forEach(OpenconnectClient::close);
    }

    private static List<OpenconnectClient> demoClients()
    {
        final List<OpenconnectClient> all = List.copyOf(DEMO);
        DEMO.clear();
        return all;
    }

    private static List<HeadendProcess.Session> sessionsOf(final String user)
    {
        return bed.headend().sessions().stream().filter(s -> s.username().equals(user)).toList();
    }

    /**
     * Drops everything between client namespace n and the server, both ways, where it enters a namespace (netdev
     * ingress of the client's eth0 and of the server's port vcN): neither end's sends fail, the packets are just
     * lost, as on a dead network path.
     */
    private static void cut(final int n)
    {
        final String table = "hdit_cut" + n;
        Netns.exec(bed.net().client(n), "nft", "add", "table", "netdev", table).check();
        Netns.exec(bed.net().client(n), "nft", "add", "chain", "netdev", table, "in",
            "{ type filter hook ingress device eth0 priority 0; policy drop; }").check();
        Netns.exec(bed.net().server(), "nft", "add", "table", "netdev", table).check();
        Netns.exec(bed.net().server(), "nft", "add", "chain", "netdev", table, "in",
            "{ type filter hook ingress device vc" + n + " priority 0; policy drop; }").check();
    }

    private static void restore(final int n)
    {
        Netns.exec(bed.net().client(n), "nft", "delete", "table", "netdev", "hdit_cut" + n).check();
        Netns.exec(bed.net().server(), "nft", "delete", "table", "netdev", "hdit_cut" + n).check();
    }

    /** Waits for the headend to log that gateway DPD dropped the tunnel of session index; returns when, in ns. */
    private static long awaitDpdDrop(final int index)
    {
        bed.headend().process().waitFor("session " + index + ": tunnel \\d+ closed \\(DPD_TIMEOUT", DPD_DROP);
        return System.nanoTime();
    }

    /** Waits (10 s at most) for the user's Inactivity to count up from the loss; returns what was shown. */
    private static String awaitInactivity(final String user)
    {
        final java.util.regex.Pattern zero = java.util.regex.Pattern.compile("Inactivity\\s*:\\s*0h:00m:00s");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true)
        {
            final String shown = bed.headend().console("show vpn-sessiondb anyconnect filter name " + user);
            if (shown.contains("Inactivity") && !zero.matcher(shown).find())
            {
                return shown;
            }
            assertTrue(System.nanoTime() < deadline, "Inactivity does not count from the loss:\n" + shown);
            NetTools.sleep(500);
        }
    }

    private static Void roamer()
    {
        final OpenconnectClient client = bed.dtlsClient(2, "roamer");
        final String cookie = client.authenticate("roamer-secret");
        final String address = client.startWithCookie(cookie).awaitConfigured(Duration.ofSeconds(30));
        final int index = sessionsOf("roamer").get(0).index();
        cut(2);
        final long cutAt = System.nanoTime();
        final double silent;
        try
        {
            silent = (awaitDpdDrop(index) - cutAt) / 1e9;
            System.out.printf("roamer: tunnel dropped by gateway DPD %.1f s after the network went dead%n", silent);
            final String shown = awaitInactivity("roamer");
            assertTrue(shown.contains("AnyConnect-Parent") && !shown.contains("SSL-Tunnel"),
                "the parent session is listed without a tunnel:\n" + shown);
            assertEquals(address, sessionsOf("roamer").get(0).assignedIp(), "the address stays with the session");
        }
        finally
        {
            restore(2);
        }
        assertTrue(silent >= 100, "dropped after " + silent + " s: before 3 probes at 30 s had gone unanswered");
        final java.util.Map<String, String> back = client.awaitScriptCall("reconnect", 1, Duration.ofSeconds(240));
        assertEquals(address, back.get("INTERNAL_IP4_ADDRESS"), "the same address after the reconnect");
        System.out.printf("roamer: back with its cookie %.1f s after the network went dead%n",
            (System.nanoTime() - cutAt) / 1e9);
        assertTrue(client.process().isAlive(), client.process().tails(40));
        final List<HeadendProcess.Session> sessions = sessionsOf("roamer");
        assertEquals(1, sessions.size(), sessions.toString());
        assertEquals(index, sessions.get(0).index(), "the same session, not a new login");
        final NetTools.PingResult ping = NetTools.ping(client.namespace(), ApplianceConfig.GATEWAY, 10);
        assertEquals(10, ping.received(), ping.output());
        return null;
    }

    private static Void sleeper()
    {
        final OpenconnectClient client = bed.client(3, "sleeper");
        final String cookie = client.authenticate("sleeper-secret");
        client.startWithCookie(cookie).awaitConfigured(Duration.ofSeconds(30));
        final int index = sessionsOf("sleeper").get(0).index();
        cut(3);
        final long cutAt = System.nanoTime();
        try
        {
            awaitDpdDrop(index);
            assertEquals(1, sessionsOf("sleeper").size(), "DPD failure leaves the parent session");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            while (!sessionsOf("sleeper").isEmpty())
            {
                assertTrue(System.nanoTime() < deadline, "the parent session outlived its 3 idle minutes");
                NetTools.sleep(1000);
            }
            final double seconds = (System.nanoTime() - cutAt) / 1e9;
            System.out.printf("sleeper: parent session logged off %.1f s after the network went dead%n", seconds);
            assertTrue(seconds >= 150, "logged off after " + seconds + " s: before the idle timer");
            bed.headend().process().waitFor("session " + index + " ended: user sleeper: idle timeout",
                Duration.ofSeconds(5));
        }
        finally
        {
            restore(3);
        }
        client.close();
        final OpenconnectClient again = bed.client(3, "sleeper").startWithCookie(cookie);
        final Integer code = again.waitForExit(Duration.ofSeconds(30));
        assertNotNull(code, "a cookie of a logged-off session must be refused\n" + again.process().tails(40));
        assertNotEquals(0, code.intValue());
        return null;
    }

    private static void await(final Future<Void> scenario) throws Throwable
    {
        try
        {
            scenario.get(5, TimeUnit.MINUTES);
        }
        catch (final ExecutionException ex)
        {
            throw ex.getCause();
        }
    }

    @Test
    void shouldKeepTheSessionWhenDpdDropsTheTunnelAndTakeTheClientBackWithItsCookieAndAddress() throws Throwable
    {
        await(roamer);
    }

    @Test
    void shouldLogOffAParentSessionLeftByDpdAtTheIdleTimeout() throws Throwable
    {
        await(sleeper);
    }

    @Test
    void shouldKeepTheAddressWhenTheClientReconnectsOnSigusr2()
    {
        final OpenconnectClient client = bed.connect(1, "demo", "demo-secret");
        DEMO.add(client);
        final String address = client.tunAddress();
        client.signal("USR2");
        client.awaitCstpConnected(2, Duration.ofSeconds(30));
        assertEquals(address, client.awaitScriptCall("reconnect", 1, Duration.ofSeconds(10)).get("INTERNAL_IP4_ADDRESS"));

        final List<HeadendProcess.Session> sessions = sessionsOf("demo");
        assertEquals(1, sessions.size(), sessions.toString());
        assertEquals(address, sessions.get(0).assignedIp());
        final NetTools.PingResult r = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 20);
        assertEquals(20, r.received(), r.output());
        bed.headend().console("vpn-sessiondb logoff name demo noconfirm");
    }

    @Test
    void shouldKeepTheAddressWhenAKilledClientComesBackWithItsCookie()
    {
        final OpenconnectClient first = bed.client(1, "demo");
        DEMO.add(first);
        final String cookie = first.authenticate("demo-secret");
        first.startWithCookie(cookie);
        final String address = first.awaitConfigured(Duration.ofSeconds(30));

        first.signal("KILL");
        assertNotNull(first.waitForExit(Duration.ofSeconds(5)));
        NetTools.sleep(1000);

        final OpenconnectClient second = bed.client(1, "demo").startWithCookie(cookie);
        DEMO.add(second);
        assertEquals(address, second.awaitConfigured(Duration.ofSeconds(30)));
        final List<HeadendProcess.Session> sessions = sessionsOf("demo");
        assertEquals(1, sessions.size(), sessions.toString());
        assertEquals(address, sessions.get(0).assignedIp());
        final NetTools.PingResult r = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 20);
        assertEquals(20, r.received(), r.output());
        bed.headend().console("vpn-sessiondb logoff name demo noconfirm");
    }
}
