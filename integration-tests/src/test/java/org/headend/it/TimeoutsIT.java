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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The session timers with one-minute settings, each scenario its own user and client, all at once on one
 * appliance: an idle session ends with its cookie while a busy one lives on; a session ends at its session timeout
 * whatever its traffic; a parent session without a tunnel takes its client back until the idle timer, then dies
 * with its cookie; a second login of a one-login user logs the first off. The user-level keepalive and DPD reach
 * the client, and show vpn-sessiondb detail names the level each value comes from.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TimeoutsIT
{
    private static final String SERVER_DISCONNECT = "(?i)server disconnect|terminated by server";
    /** One thread per scenario: they mostly wait. */
    private static final ExecutorService SCENARIOS = Executors.newCachedThreadPool();

    private static Testbed bed;
    private static Future<Void> idle;
    private static Future<Void> busy;
    private static Future<Void> sessionTimeout;
    private static Future<Void> parent;
    private static Future<Void> oneLogin;

    @BeforeAll
    static void start()
    {
        bed = Testbed.start(6, c ->
        {
            user(c, "idler", " vpn-idle-timeout 1");
            user(c, "busy", " vpn-idle-timeout 1", " webvpn", "  anyconnect ssl keepalive 25",
                "  anyconnect dpd-interval client 40");
            user(c, "brief", " vpn-session-timeout 1");
            user(c, "parent", " vpn-idle-timeout 1");
            user(c, "single", " vpn-simultaneous-logins 1");
        });
        idle = SCENARIOS.submit(TimeoutsIT::idle);
        busy = SCENARIOS.submit(TimeoutsIT::busy);
        sessionTimeout = SCENARIOS.submit(TimeoutsIT::sessionTimeout);
        parent = SCENARIOS.submit(TimeoutsIT::parent);
        oneLogin = SCENARIOS.submit(TimeoutsIT::oneLogin);
    }

    private static void user(final ApplianceConfig config, final String name, final String... attributes)
    {
        config.user(name, name + "-secret").extraLine("username " + name + " attributes");
        for (final String line : attributes)
        {
            config.extraLine(line);
        }
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

    private static void await(final Future<Void> scenario) throws Throwable
    {
        try
        {
            scenario.get(3, TimeUnit.MINUTES);
        }
        catch (final ExecutionException ex)
        {
            // the scenario's own failure, with its message
            throw ex.getCause();
        }
    }

    /** Waits for openconnect to end; returns how long it ran after start, in seconds. */
    private static double awaitServerDisconnect(final OpenconnectClient client, final long startNanos)
    {
        assertNotNull(client.waitForExit(Duration.ofSeconds(150)), client.user() + " still connected\n"
            + client.process().tails(40));
        client.process().waitFor(SERVER_DISCONNECT, Duration.ofSeconds(2));
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** A reconnect with the cookie is refused (401): openconnect gives up and no tunnel comes up. */
    private static void assertCookieRefused(final int n, final String user, final String cookie)
    {
        final OpenconnectClient again = bed.client(n, user).startWithCookie(cookie);
        final Integer code = again.waitForExit(Duration.ofSeconds(30));
        assertNotNull(code, user + ": a dead cookie must be refused\n" + again.process().tails(40));
        assertNotEquals(0, code.intValue());
        assertTrue(again.scriptCalls().stream().noneMatch(c -> "connect".equals(c.get("reason"))), again.scriptLog());
    }

    private static List<HeadendProcess.Session> sessionsOf(final String user)
    {
        return bed.headend().sessions().stream().filter(s -> s.username().equals(user)).toList();
    }

    private static Void idle()
    {
        final OpenconnectClient client = bed.client(1, "idler");
        final String cookie = client.authenticate("idler-secret");
        final long start = System.nanoTime();
        client.startWithCookie(cookie).awaitConfigured(Duration.ofSeconds(30));
        assertEquals("60", client.awaitScriptCall("connect", 1, Duration.ofSeconds(5)).get("IDLE_TIMEOUT"),
            "X-CSTP-Idle-Timeout");
        final String detail = bed.headend().console("show vpn-sessiondb detail anyconnect filter name idler");
        assertTrue(detail.matches("(?s).*\n  vpn-idle-timeout +: 1 +from username idler\n.*"), detail);
        final double seconds = awaitServerDisconnect(client, start);
        System.out.printf("idle session ended %.1f s after connecting (vpn-idle-timeout 1)%n", seconds);
        assertTrue(seconds >= 50 && seconds <= 110, "ended after " + seconds + " s");
        assertTrue(sessionsOf("idler").isEmpty());
        assertCookieRefused(1, "idler", cookie);
        return null;
    }

    private static Void busy()
    {
        final OpenconnectClient client = bed.connect(2, "busy", "busy-secret");
        client.process().waitFor("CSTP connected\\. DPD 40, Keepalive 25", Duration.ofSeconds(5));
        // a ping every 2 s for 96 s: well past the idle minute
        final Cmd.Result ping = Cmd.run(Duration.ofSeconds(150), Netns.in(client.namespace(), "ping", "-n", "-q",
            "-c", "48", "-i", "2", "-W", "5", ApplianceConfig.GATEWAY));
        assertTrue(ping.output().contains("48 packets transmitted, 48 received"), ping.output());
        assertTrue(client.process().isAlive(), "a session with traffic survives\n" + client.process().tails(40));
        assertEquals(1, sessionsOf("busy").size());
        return null;
    }

    private static Void sessionTimeout()
    {
        final OpenconnectClient client = bed.client(3, "brief");
        final String cookie = client.authenticate("brief-secret");
        final long login = System.nanoTime();
        client.startWithCookie(cookie).awaitConfigured(Duration.ofSeconds(30));
        try (ManagedProcess traffic = ManagedProcess.start("ping@brief", Netns.in(client.namespace(), "ping", "-n",
            "-i", "1", ApplianceConfig.GATEWAY), null, null))
        {
            final double seconds = awaitServerDisconnect(client, login);
            System.out.printf("session ended %.1f s after login (vpn-session-timeout 1)%n", seconds);
            assertTrue(seconds >= 55 && seconds <= 110, "ended after " + seconds + " s");
            assertTrue(traffic.out().text().contains("bytes from"), "the session had traffic all along");
        }
        assertTrue(sessionsOf("brief").isEmpty());
        assertCookieRefused(3, "brief", cookie);
        return null;
    }

    private static Void parent()
    {
        final OpenconnectClient first = bed.client(4, "parent");
        final String cookie = first.authenticate("parent-secret");
        final String address = first.startWithCookie(cookie).awaitConfigured(Duration.ofSeconds(30));
        first.signal("KILL");
        assertNotNull(first.waitForExit(Duration.ofSeconds(5)));
        NetTools.sleep(5000);
        assertEquals(1, sessionsOf("parent").size(), "the parent session outlives its tunnel");

        final OpenconnectClient second = bed.client(4, "parent");
        assertEquals(address, second.startWithCookie(cookie).awaitConfigured(Duration.ofSeconds(30)));
        final NetTools.PingResult ping = NetTools.ping(second.namespace(), ApplianceConfig.GATEWAY, 5);
        assertEquals(5, ping.received(), ping.output());
        second.signal("KILL");
        assertNotNull(second.waitForExit(Duration.ofSeconds(5)));
        final long killed = System.nanoTime();
        final long deadline = killed + TimeUnit.SECONDS.toNanos(100);
        while (!sessionsOf("parent").isEmpty())
        {
            assertTrue(System.nanoTime() < deadline, "the parent session outlived its idle minute");
            NetTools.sleep(1000);
        }
        final double seconds = (System.nanoTime() - killed) / 1e9;
        System.out.printf("parent session without a tunnel removed %.1f s after its last traffic%n", seconds);
        assertTrue(seconds >= 45, "removed after " + seconds + " s: before the idle timer");
        assertCookieRefused(4, "parent", cookie);
        return null;
    }

    private static Void oneLogin()
    {
        final OpenconnectClient first = bed.connect(5, "single", "single-secret");
        final OpenconnectClient second = bed.client(6, "single").startWithPassword("single-secret");
        final String address = second.awaitConfigured(Duration.ofSeconds(30));
        assertNotNull(first.waitForExit(Duration.ofSeconds(15)), "the first login is logged off\n"
            + first.process().tails(40));
        first.process().waitFor(SERVER_DISCONNECT, Duration.ofSeconds(2));
        final List<HeadendProcess.Session> sessions = sessionsOf("single");
        assertEquals(1, sessions.size(), sessions.toString());
        assertEquals(address, sessions.get(0).assignedIp());
        final NetTools.PingResult ping = NetTools.ping(second.namespace(), ApplianceConfig.GATEWAY, 10);
        assertEquals(10, ping.received(), ping.output());
        return null;
    }

    @Test
    void shouldEndAnIdleSessionAndItsCookieAfterTheIdleTimeout() throws Throwable
    {
        await(idle);
    }

    @Test
    void shouldKeepASessionWithTrafficAndApplyTheUsersKeepaliveAndDpd() throws Throwable
    {
        await(busy);
    }

    @Test
    void shouldEndASessionWithTrafficAtItsSessionTimeoutAndKillItsCookie() throws Throwable
    {
        await(sessionTimeout);
    }

    @Test
    void shouldKeepAParentSessionWithoutTunnelUntilTheIdleTimerThenDropItsCookie() throws Throwable
    {
        await(parent);
    }

    @Test
    void shouldLogOffTheFirstSessionWhenAOneLoginUserLogsInAgain() throws Throwable
    {
        await(oneLogin);
    }
}
