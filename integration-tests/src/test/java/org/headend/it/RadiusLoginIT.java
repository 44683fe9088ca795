package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Logins through a real FreeRADIUS (issue 12) with the real openconnect and OpenSSH clients: PAP, a wrong password,
 * an Access-Challenge answered by {@code openconnect --token-mode=totp}, {@code Class} selecting the group-policy,
 * {@code Framed-IP-Address} as the tunnel address, failover from a dead server to a live one, a server holding
 * another secret, SSH to the CLI through RADIUS and its LOCAL fallback, and a slow server that holds nobody else
 * up (neither a local user nor a user of the same server group). Accounting Start, Interim-Update and Stop carry
 * the session's counters under the Acct-Session-Id of its Access-Request. FreeRADIUS runs inside the appliance's namespace on 127.0.0.1; the tests run in order (the last stops it).
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RadiusLoginIT
{
    private static final int RADIUS_PORT = 18812;
    private static final String SECRET = "radius-s3cret";
    private static final String LOCAL_ADMIN_PASSWORD = "local-admin-secret";

    private static Testbed bed;
    private static FreeRadiusServer radius;
    private static Path knownHosts;

    @BeforeAll
    static void start()
    {
        FreeRadiusServer.prerequisites();
        SshCli.prerequisites();
        knownHosts = Harness.tempDir("ssh-").resolve("known_hosts");
        bed = Testbed.start(4, c -> c
            .tunnelGroupLine(" authentication-server-group RAD")
            .tunnelGroupLine(" accounting-server-group RAD")
            .extraLine("aaa-server RAD protocol radius")
            .extraLine(" interim-accounting-update")
            .extraLine("aaa-server RAD (outside) host 127.0.0.1")
            .extraLine(" key " + SECRET)
            .extraLine(" authentication-port " + RADIUS_PORT)
            .extraLine(" accounting-port " + (RADIUS_PORT + 1))
            // longer than the slow user's delay: that server is slow, not dead
            .extraLine(" timeout " + (FreeRadiusServer.SLOW_SECONDS + 4))
            .extraLine(" retry-interval 3")
            // 127.0.0.2 has no server: requests there time out and the group moves on to 127.0.0.1
            .extraLine("aaa-server FO protocol radius")
            .extraLine(" max-failed-attempts 1")
            .extraLine("aaa-server FO (outside) host 127.0.0.2")
            .extraLine(" key " + SECRET)
            .extraLine(" authentication-port " + RADIUS_PORT)
            .extraLine(" timeout 2")
            .extraLine(" retry-interval 1")
            .extraLine("aaa-server FO (outside) host 127.0.0.1")
            .extraLine(" key " + SECRET)
            .extraLine(" authentication-port " + RADIUS_PORT)
            .extraLine("aaa-server MSCHAP protocol radius")
            .extraLine("aaa-server MSCHAP (outside) host 127.0.0.1")
            .extraLine(" key " + SECRET)
            .extraLine(" authentication-port " + RADIUS_PORT)
            .extraLine(" authentication-protocol mschapv2")
            .extraLine("aaa-server BADKEY protocol radius")
            .extraLine("aaa-server BADKEY (outside) host 127.0.0.1")
            .extraLine(" key not-the-secret")
            .extraLine(" authentication-port " + RADIUS_PORT)
            .extraLine(" timeout 2")
            .extraLine(" retry-interval 1")
            .extraLine("group-policy STAFF internal")
            .extraLine("group-policy STAFF attributes")
            .extraLine(" vpn-tunnel-protocol ssl-client")
            .extraLine(" banner value Welcome, staff.")
            .extraLine("group-policy MFA internal")
            .extraLine("group-policy MFA attributes")
            .extraLine(" vpn-tunnel-protocol ssl-client")
            .extraLine(" banner value Second factor checked.")
            .extraLine(tunnelGroup("LOCALTG", "local", null))
            .extraLine(tunnelGroup("FOTG", "fo", "FO"))
            .extraLine(tunnelGroup("BADTG", "badkey", "BADKEY"))
            .extraLine(tunnelGroup("MSTG", "mschap", "MSCHAP"))
            .extraLine("username localadmin password " + LOCAL_ADMIN_PASSWORD + " privilege 15")
            .extraLine("aaa authentication ssh console RAD LOCAL")
            .extraLine("ssh 10.77.0.0 255.255.255.0 outside"));
        radius = bed.own(FreeRadiusServer.start(bed.net().server(), RADIUS_PORT, SECRET));
    }

    /** A tunnel-group reached by the URL path {@code /path}, checked by {@code serverGroup} (LOCAL when null). */
    private static String tunnelGroup(final String name, final String path, final String serverGroup)
    {
        return "tunnel-group " + name + " type remote-access\n"
            + "tunnel-group " + name + " general-attributes\n"
            + " address-pool POOL\n"
            + " default-group-policy GP\n"
            + (serverGroup == null ? "" : " authentication-server-group " + serverGroup + "\n")
            + "tunnel-group " + name + " webvpn-attributes\n"
            + " group-url https://" + Netns.SERVER_ADDRESS + "/" + path + " enable";
    }

    /** Clients made here (group-url paths), closed after each test like the test bed's own. */
    private final List<OpenconnectClient> pathClients = new java.util.ArrayList<>();

    @AfterEach
    void stopClients()
    {
        pathClients.forEach(OpenconnectClient::close);
        bed.closeClients();
    }

    @AfterAll
    static void tearDown()
    {
        if (bed != null)
        {
            bed.close();
        }
    }

    private OpenconnectClient client(final int n, final String path, final String user, final String... extra)
    {
        final OpenconnectClient client = new OpenconnectClient(bed.net().client(n), bed.headend().url() + path,
            bed.headend().pin(), user, false, List.of(extra));
        pathClients.add(client);
        return client;
    }

    @Test
    @Order(1)
    void shouldLogInWithPapAndApplyTheClassGroupPolicyAndFramedAddress()
    {
        final OpenconnectClient alice = bed.client(1, "alice").startWithPassword("alicepw");
        alice.awaitConfigured(Duration.ofSeconds(30));
        final Map<String, String> env = alice.awaitScriptCall("connect", 1, Duration.ofSeconds(10));
        assertEquals(FreeRadiusServer.ALICE_ADDRESS, env.get("INTERNAL_IP4_ADDRESS"), env.toString());
        assertEquals("Welcome, staff.", env.get("CISCO_BANNER"), "Class OU=STAFF; picks group-policy STAFF");
        assertTrue(NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 5).allAnswered());
        final String sessions = bed.headend().console("show vpn-sessiondb anyconnect");
        assertTrue(sessions.contains("STAFF"), sessions);
        assertTrue(radius.log().contains("Acct-Status-Type = Start"), "accounting Start at login");

        final int mark = radius.process().out().mark();
        final java.util.regex.Matcher shown = java.util.regex.Pattern.compile("Bytes Tx\\s*:\\s*(\\d+)")
            .matcher(bed.headend().console("show vpn-sessiondb anyconnect"));
        assertTrue(shown.find());
        final long bytesTx = Long.parseLong(shown.group(1));
        bed.headend().console("vpn-sessiondb logoff name alice noconfirm");
        final java.util.regex.Matcher stop = radius.process().out().await("Acct-Output-Octets = (\\d+)", mark,
            Duration.ofSeconds(10));
        final long octets = Long.parseLong(stop.group(1));
        assertTrue(octets >= bytesTx && octets - bytesTx < 2_000,
            "Stop carries the session's counters: " + octets + " octets, show vpn-sessiondb said " + bytesTx);
    }

    @Test
    @Order(2)
    void shouldSendInterimUpdatesWithTheSessionsCountersUnderTheLoginsAcctSessionId()
    {
        final int login = radius.process().out().mark();
        final OpenconnectClient alice = bed.client(1, "alice").startWithPassword("alicepw");
        alice.awaitConfigured(Duration.ofSeconds(30));
        final String id = radius.process().out().await("Acct-Session-Id = \"([0-9A-F]{16})\"", login,
            Duration.ofSeconds(10)).group(1);
        final String afterLogin = radius.process().out().textFrom(login);
        assertTrue(afterLogin.indexOf("Acct-Session-Id = \"" + id + "\"") < afterLogin.indexOf("Acct-Status-Type"),
            "the Access-Request carries the Acct-Session-Id first");
        radius.process().out().await("Acct-Status-Type = Interim-Update", login, Duration.ofSeconds(10));
        final NetTools.PingResult ping = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 20);
        assertTrue(ping.allAnswered(), ping.output());

        final String shown = bed.headend().console("show vpn-sessiondb anyconnect");
        final long bytesTx = number(shown, "Bytes Tx\\s*:\\s*(\\d+)");
        final long bytesRx = number(shown, "Bytes Rx\\s*:\\s*(\\d+)");
        final int reconnect = radius.process().out().mark();
        alice.signal("USR2"); // openconnect reconnects its tunnel: a tunnel joins the session again
        radius.process().out().await("Acct-Status-Type = Interim-Update", reconnect, Duration.ofSeconds(30));
        final long octetsOut = Long.parseLong(radius.process().out().await("Acct-Output-Octets = (\\d+)",
            reconnect, Duration.ofSeconds(10)).group(1));
        final long octetsIn = Long.parseLong(radius.process().out().await("Acct-Input-Octets = (\\d+)",
            reconnect, Duration.ofSeconds(10)).group(1));
        assertTrue(octetsOut >= bytesTx && octetsOut - bytesTx < 2_000 && octetsIn >= bytesRx
            && octetsIn - bytesRx < 2_000, "Interim-Update carries the session's counters: out " + octetsOut
            + " in " + octetsIn + ", show vpn-sessiondb said Tx " + bytesTx + " Rx " + bytesRx);
        assertTrue(bytesTx > 20 * 84, "twenty pings went through: " + bytesTx);
        radius.process().out().await("Acct-Output-Gigawords = 0", reconnect, Duration.ofSeconds(1));
        final String records = radius.process().out().textFrom(reconnect);
        assertTrue(records.contains("Acct-Session-Id = \"" + id + "\""), "one Acct-Session-Id from login to Stop");
    }

    private static long number(final String text, final String regex)
    {
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), text);
        return Long.parseLong(m.group(1));
    }

    @Test
    @Order(3)
    void shouldRefuseAWrongPasswordAndCountIt()
    {
        final OpenconnectClient alice = bed.client(1, "alice").startWithPassword("not-her-password");
        final Integer code = alice.waitForExit(Duration.ofSeconds(30));
        assertNotNull(code, "openconnect should give up\n" + alice.process().tails(40));
        assertNotEquals(0, code.intValue());
        assertTrue(alice.scriptCalls().stream().noneMatch(c -> "connect".equals(c.get("reason"))));
        final String shown = bed.headend().console("show aaa-server RAD");
        assertTrue(shown.matches("(?s).*Number of rejects\\s+[1-9].*"), shown);
        assertTrue(bed.headend().process().err().text().contains("login failed for user alice"),
            "the failure is logged and counted");
    }

    @Test
    @Order(4)
    void shouldAnswerTheChallengeWithATotpCodeAndLandTheTunnel()
    {
        final OpenconnectClient carol = bed.client(2, "carol", "--token-mode=totp",
            "--token-secret=base32:" + FreeRadiusServer.TOTP_SECRET).startWithPassword("carolpw");
        carol.awaitConfigured(Duration.ofSeconds(40));
        final Map<String, String> env = carol.awaitScriptCall("connect", 1, Duration.ofSeconds(10));
        assertEquals("Second factor checked.", env.get("CISCO_BANNER"), "Class OU=MFA; after the code");
        assertTrue(NetTools.ping(bed.net().client(2), ApplianceConfig.GATEWAY, 5).allAnswered());
        assertTrue(radius.log().contains("Access-Challenge"), "FreeRADIUS asked for the second step");
    }

    @Test
    @Order(5)
    void shouldFailOverFromADeadServerToTheNextOne()
    {
        final long started = System.nanoTime();
        final OpenconnectClient alice = client(1, "fo", "alice").startWithPassword("alicepw");
        alice.awaitConfigured(Duration.ofSeconds(40));
        final String shown = bed.headend().console("show aaa-server FO");
        assertTrue(shown.contains("Server Address:  127.0.0.2") && shown.contains("FAILED"), shown);
        assertTrue(System.nanoTime() - started > Duration.ofSeconds(2).toNanos(),
            "the first server was given its timeout");
    }

    @Test
    @Order(6)
    void shouldRefuseWhenTheServerHoldsAnotherSecret()
    {
        final OpenconnectClient alice = client(1, "badkey", "alice").startWithPassword("alicepw");
        final Integer code = alice.waitForExit(Duration.ofSeconds(40));
        assertNotNull(code, "openconnect should give up\n" + alice.process().tails(40));
        assertNotEquals(0, code.intValue());
        assertTrue(alice.scriptCalls().stream().noneMatch(c -> "connect".equals(c.get("reason"))));
    }

    @Test
    @Order(7)
    void shouldKeepLocalLoginsAndTunnelsGoingWhileTheServerIsSlow()
    {
        final OpenconnectClient tunnel = client(1, "local", "demo").startWithPassword("demo-secret");
        tunnel.awaitConfigured(Duration.ofSeconds(30));
        final int mark = radius.process().out().mark();
        final OpenconnectClient slow = bed.client(2, "slow").startWithPassword("slowpw");
        radius.process().out().await("User-Name = \"slow\"", mark, Duration.ofSeconds(20));
        final long started = System.nanoTime();
        // one user of the local database, one of the same RADIUS server group as the slow user, at once
        final OpenconnectClient local = client(3, "local", "bob").startWithPassword("bob-secret");
        final OpenconnectClient radiusUser = bed.client(4, "alice").startWithPassword("alicepw");
        local.awaitConfigured(Duration.ofSeconds(30));
        radiusUser.awaitConfigured(Duration.ofSeconds(30));
        final long bothNanos = System.nanoTime() - started;
        assertTrue(slow.scriptCalls().stream().noneMatch(c -> "connect".equals(c.get("reason"))),
            "the slow user is still waiting for the server while bob and alice logged in (" + bothNanos / 1_000_000
                + " ms)");
        final NetTools.PingResult ping = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 5);
        assertTrue(ping.allAnswered(), ping.output());
        slow.awaitConfigured(Duration.ofSeconds(FreeRadiusServer.SLOW_SECONDS + 30));
    }

    @Test
    @Order(9)
    void shouldLogInByMsChapV2WithoutSendingThePasswordAndRefuseAWrongOne()
    {
        final int mark = radius.process().out().mark();
        final OpenconnectClient alice = client(1, "mschap", "alice").startWithPassword("alicepw");
        alice.awaitConfigured(Duration.ofSeconds(30));
        final Map<String, String> env = alice.awaitScriptCall("connect", 1, Duration.ofSeconds(10));
        assertEquals("Welcome, staff.", env.get("CISCO_BANNER"), "Class still picks the group-policy");
        final String requests = radius.process().out().textFrom(mark);
        assertTrue(requests.contains("MS-CHAP2-Response") && requests.contains("MS-CHAP-Challenge"), requests);
        assertFalse(requests.contains("User-Password"), "no password crosses the network");
        alice.close();

        final OpenconnectClient wrong = client(2, "mschap", "alice").startWithPassword("not-her-password");
        final Integer code = wrong.waitForExit(Duration.ofSeconds(30));
        assertNotNull(code, "openconnect should give up\n" + wrong.process().tails(40));
        assertNotEquals(0, code.intValue());
        assertTrue(wrong.scriptCalls().stream().noneMatch(c -> "connect".equals(c.get("reason"))));
    }

    @Test
    @Order(10)
    void shouldGiveTheFramedAddressToANewLoginWhenTheUsersEarlierClientVanished()
    {
        final OpenconnectClient first = bed.client(1, "alice").startWithPassword("alicepw");
        first.awaitConfigured(Duration.ofSeconds(30));
        final int mark = bed.headend().process().err().mark();
        first.signal("KILL"); // no BYE: the session stays, waiting for a client that never comes back
        first.waitForExit(Duration.ofSeconds(10));
        bed.headend().process().err().await("session (\\d+): tunnel \\d+ closed .*the session waits for its client",
            mark, Duration.ofSeconds(10));

        final OpenconnectClient again = bed.client(2, "alice").startWithPassword("alicepw");
        again.awaitConfigured(Duration.ofSeconds(30));
        assertEquals(FreeRadiusServer.ALICE_ADDRESS, again.awaitScriptCall("connect", 1, Duration.ofSeconds(10))
            .get("INTERNAL_IP4_ADDRESS"), "the RADIUS-assigned address follows the user to the new login");
        final String shown = bed.headend().console("show vpn-sessiondb anyconnect");
        assertEquals(1, shown.split("Username\\s*:\\s*alice", -1).length - 1, shown);
        assertTrue(NetTools.ping(bed.net().client(2), ApplianceConfig.GATEWAY, 3).allAnswered());
    }

    @Test
    @Order(8)
    void shouldGiveAFramedAddressOutsideThePoolsAsAHostAddressWithItsRoute()
    {
        final OpenconnectClient erin = bed.client(3, "erin").startWithPassword("erinpw");
        erin.awaitConfigured(Duration.ofSeconds(30));
        final Map<String, String> env = erin.awaitScriptCall("connect", 1, Duration.ofSeconds(10));
        assertEquals(FreeRadiusServer.ERIN_ADDRESS, env.get("INTERNAL_IP4_ADDRESS"), env.toString());
        assertEquals("255.255.255.255", env.get("INTERNAL_IP4_NETMASK"), "a host address: no pool gives it a mask");
        assertTrue(route(FreeRadiusServer.ERIN_ADDRESS).contains("headend0"), "host route to the TUN");
        // the harness's script routes only the client's own subnet, a /32 here (vpnc-script would add the default
        // route of a tunnel-all policy): the headend's inside address is routed into the tunnel by hand
        Netns.exec(erin.namespace(), "ip", "route", "replace", ApplianceConfig.POOL_PREFIX + "0/24", "dev",
            OpenconnectClient.TUN).check();
        assertTrue(NetTools.ping(bed.net().client(3), ApplianceConfig.GATEWAY, 5).allAnswered(),
            "replies find their way back to the address outside the pools");

        bed.headend().console("vpn-sessiondb logoff name erin noconfirm");
        erin.waitForExit(Duration.ofSeconds(20));
        assertFalse(route(FreeRadiusServer.ERIN_ADDRESS).contains("headend0"), "the route goes with the session");
    }

    private static String route(final String address)
    {
        return Netns.exec(bed.net().server(), "ip", "route", "show", address + "/32").output();
    }

    @Test
    @Order(11)
    void shouldLogInOverSshThroughRadiusThenFallBackToLocalWhenItIsDown()
    {
        try (SshCli admin = SshCli.login(bed.net().client(1), Netns.SERVER_ADDRESS, "admin", "adminpw",
            knownHosts, false))
        {
            assertTrue(admin.prompt().endsWith(">") || admin.prompt().endsWith("#"), admin.prompt());
        }
        assertNotEquals(0, SshCli.failedLogin(bed.net().client(1), Netns.SERVER_ADDRESS, "localadmin",
            LOCAL_ADMIN_PASSWORD, knownHosts), "LOCAL answers only while the servers are down");
        radius.close();
        try (SshCli local = SshCli.login(bed.net().client(1), Netns.SERVER_ADDRESS, "localadmin",
            LOCAL_ADMIN_PASSWORD, knownHosts, false))
        {
            assertEquals("headend#", local.prompt());
            final String running = local.command("show running-config aaa-server");
            assertTrue(running.contains(" key *****") && !running.contains(SECRET), running);
        }
        assertFalse(bed.headend().process().err().text().contains(SECRET), "the key never reaches the log");
    }
}
