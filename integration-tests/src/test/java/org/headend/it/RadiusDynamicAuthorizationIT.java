package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * RADIUS dynamic authorization (RFC 5176, issue 18) driven by FreeRADIUS's own {@code radclient} against live
 * openconnect sessions: a Disconnect-Request ends the session (the client is told and exits, FreeRADIUS gets the
 * accounting Stop with Admin-Reset), a CoA-Request's Filter-Id holds the live tunnel to an access list (a ping that
 * passed is blocked, then passes again), a CoA naming another group-policy moves the live session to it when only
 * its timers differ (and is refused with Unsupported-Attribute when the client would have to reconnect for its DNS
 * servers), a Filter-Id naming no access list is refused with its Error-Cause, and
 * requests from an address that is not a configured server or signed with another key get no answer and change
 * nothing. FreeRADIUS and radclient run in the appliance's namespace on 127.0.0.1.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RadiusDynamicAuthorizationIT
{
    private static final int RADIUS_PORT = 18822;
    private static final int COA_PORT = 3799;
    private static final String SECRET = "coa-s3cret";

    private static Testbed bed;
    private static FreeRadiusServer radius;

    @BeforeAll
    static void start()
    {
        FreeRadiusServer.prerequisites();
        bed = Testbed.start(3, c -> c
            .tunnelGroupLine(" authentication-server-group RAD")
            .tunnelGroupLine(" accounting-server-group RAD")
            .extraLine("aaa-server RAD protocol radius")
            .extraLine(" dynamic-authorization")
            .extraLine("aaa-server RAD (outside) host 127.0.0.1")
            .extraLine(" key " + SECRET)
            .extraLine(" authentication-port " + RADIUS_PORT)
            .extraLine(" accounting-port " + (RADIUS_PORT + 1))
            .extraLine("access-list NOGATEWAY extended deny ip any host " + ApplianceConfig.GATEWAY)
            .extraLine("access-list NOGATEWAY extended permit ip any any")
            .extraLine("access-list OPEN extended permit ip any any")
            .extraLine("group-policy STAFF internal")
            .extraLine("group-policy STAFF attributes")
            .extraLine(" vpn-tunnel-protocol ssl-client")
            .extraLine(" banner value Welcome, staff.")
            .extraLine("group-policy SHORT internal")
            .extraLine("group-policy SHORT attributes")
            .extraLine(" vpn-tunnel-protocol ssl-client")
            .extraLine(" vpn-session-timeout 1")
            .extraLine("group-policy OTHERDNS internal")
            .extraLine("group-policy OTHERDNS attributes")
            .extraLine(" vpn-tunnel-protocol ssl-client")
            .extraLine(" dns-server value 192.0.2.53"));
        radius = bed.own(FreeRadiusServer.start(bed.net().server(), RADIUS_PORT, SECRET));
    }

    @AfterEach
    void stopClients()
    {
        bed.closeClients();
        // the parent sessions would keep alice's fixed address from her next login
        bed.headend().console("vpn-sessiondb logoff all noconfirm");
    }

    @AfterAll
    static void tearDown()
    {
        if (bed != null)
        {
            bed.close();
        }
    }

    /** radclient's output for one request of {@code type} (disconnect, coa) from namespace {@code ns}. */
    private static String radclient(final String ns, final String target, final String type, final String secret,
        final String attributes)
    {
        final Path file = Harness.tempDir("radclient-").resolve("request");
        try
        {
            Files.writeString(file, attributes + ",Message-Authenticator=0x00\n");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return Cmd.run(Duration.ofSeconds(20), Netns.in(ns, "radclient", "-x", "-t", "2", "-r", "1", "-f",
            file.toString(), target + ":" + COA_PORT, type, secret)).output();
    }

    /**
     * FreeRADIUS's number for a request received now (it numbers requests as they arrive): a probe Access-Request
     * is sent and its number read back. Its transcript can show an earlier session's records late (the previous
     * test's alice, handled by another of its threads), so records are told apart by number, not by position.
     */
    private static int radiusRequestNumberNow()
    {
        final String probe = "probe-" + System.nanoTime();
        final Path file = Harness.tempDir("radclient-").resolve("probe");
        try
        {
            // the client block requires a Message-Authenticator (radclient computes it)
            Files.writeString(file, "User-Name=" + probe + ",User-Password=x,Message-Authenticator=0x00\n");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        Cmd.run(Duration.ofSeconds(20), Netns.in(bed.net().server(), "radclient", "-t", "2", "-r", "1", "-f",
            file.toString(), "127.0.0.1:" + RADIUS_PORT, "auth", SECRET));
        return Integer.parseInt(radius.process().out().await("\\((\\d+)\\)\\s+User-Name = \"" + probe + "\"", 0,
            Duration.ofSeconds(10)).group(1));
    }

    /** The Acct-Session-Id of {@code user}'s accounting Start that FreeRADIUS received after request {@code after}. */
    private static String accountingSessionIdAfter(final String user, final int after)
    {
        final java.util.regex.Matcher request = awaitRadiusRecord(java.util.regex.Pattern.compile(
            "\\((\\d+)\\)\\s+Acct-Status-Type = Start"), List.of("User-Name = \"" + user + "\""), after,
            "accounting Start of " + user);
        final String text = radius.process().out().text();
        final java.util.regex.Matcher id = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(
            "(" + request.group(1) + ")") + "\\s+Acct-Session-Id = \"([0-9A-F]{16})\"").matcher(text);
        assertTrue(id.find(), text);
        return id.group(1);
    }

    private static java.util.regex.Matcher awaitRadiusRecord(final java.util.regex.Pattern line,
        final List<String> alsoInRequest, final String what)
    {
        return awaitRadiusRecord(line, alsoInRequest, 0, what);
    }

    /**
     * The first line of FreeRADIUS's transcript matching {@code line} (group 1: the request number) in a request
     * numbered above {@code after} that also logged each of {@code alsoInRequest}, waited for up to 10 s.
     */
    private static java.util.regex.Matcher awaitRadiusRecord(final java.util.regex.Pattern line,
        final List<String> alsoInRequest, final int after, final String what)
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true)
        {
            final String text = radius.process().out().text();
            final java.util.regex.Matcher m = line.matcher(text);
            while (m.find())
            {
                final String prefix = "(" + m.group(1) + ")   ";
                if (Integer.parseInt(m.group(1)) > after
                    && alsoInRequest.stream().allMatch(part -> text.contains(prefix + part)))
                {
                    return m;
                }
            }
            assertTrue(System.nanoTime() < deadline, "FreeRADIUS logged no " + what);
            try
            {
                Thread.sleep(100);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
        }
    }

    private static OpenconnectClient alice()
    {
        final OpenconnectClient alice = bed.client(1, "alice").startWithPassword("alicepw");
        alice.awaitConfigured(Duration.ofSeconds(30));
        assertTrue(NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 3).allAnswered());
        return alice;
    }

    @Test
    void shouldEndTheSessionNamedByItsAcctSessionIdWithAccountingStop()
    {
        final int before = radiusRequestNumberNow();
        final OpenconnectClient alice = alice();
        final String id = accountingSessionIdAfter("alice", before);

        final String answer = radclient(bed.net().server(), "127.0.0.1", "disconnect", SECRET,
            "Acct-Session-Id=\"" + id + "\"");
        assertTrue(answer.contains("Received Disconnect-ACK"), answer);
        assertNotNull(alice.waitForExit(Duration.ofSeconds(20)), "the client was told and gave up\n"
            + alice.process().tails(30));
        awaitRadiusRecord(java.util.regex.Pattern.compile("\\((\\d+)\\)\\s+Acct-Terminate-Cause = Admin-Reset"),
            List.of("Acct-Status-Type = Stop", "Acct-Session-Id = \"" + id + "\""), "accounting Stop of " + id);
        assertTrue(bed.headend().console("show vpn-sessiondb anyconnect").contains("INFO: There are presently no "
            + "active sessions"), "the session is gone");

        final String again = radclient(bed.net().server(), "127.0.0.1", "disconnect", SECRET,
            "Acct-Session-Id=\"" + id + "\"");
        assertTrue(again.contains("Received Disconnect-NAK") && again.contains("Session-Context-Not-Found"), again);
    }

    @Test
    void shouldEndTheSessionNamedByUserNameAndFramedAddress()
    {
        final OpenconnectClient alice = alice();
        final String answer = radclient(bed.net().server(), "127.0.0.1", "disconnect", SECRET,
            "User-Name=alice,Framed-IP-Address=" + FreeRadiusServer.ALICE_ADDRESS);
        assertTrue(answer.contains("Received Disconnect-ACK"), answer);
        assertNotNull(alice.waitForExit(Duration.ofSeconds(20)), alice.process().tails(30));
    }

    @Test
    void shouldChangeTheLiveTunnelsFilterWithoutAReconnect()
    {
        final OpenconnectClient alice = alice();
        final String blocked = radclient(bed.net().server(), "127.0.0.1", "coa", SECRET,
            "User-Name=alice,Filter-Id=NOGATEWAY");
        assertTrue(blocked.contains("Received CoA-ACK"), blocked);
        final NetTools.PingResult refused = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 3);
        assertEquals(0, refused.received(), "the filter holds the live tunnel: " + refused.output());
        assertTrue(bed.headend().console("show counters").matches("(?s).*or vpn-filter\\D*[1-9].*"),
            "the data plane counted the filtered packets");

        final String open = radclient(bed.net().server(), "127.0.0.1", "coa", SECRET, "User-Name=alice,Filter-Id=OPEN");
        assertTrue(open.contains("Received CoA-ACK"), open);
        final NetTools.PingResult passed = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 3);
        assertTrue(passed.allAnswered(), passed.output());
        assertEquals(1, alice.scriptCalls().stream().filter(c -> "connect".equals(c.get("reason"))).count(),
            "one tunnel all along: no reconnect");

        final String unknown = radclient(bed.net().server(), "127.0.0.1", "coa", SECRET,
            "User-Name=alice,Filter-Id=NO-SUCH-ACL");
        assertTrue(unknown.contains("Received CoA-NAK") && unknown.contains("Invalid-Attribute-Value"), unknown);
        final String unsupported = radclient(bed.net().server(), "127.0.0.1", "coa", SECRET,
            "User-Name=alice,Session-Timeout=60");
        assertTrue(unsupported.contains("Received CoA-NAK") && unsupported.contains("Unsupported-Attribute"),
            unsupported);
    }

    @Test
    void shouldMoveTheLiveSessionToAnotherGroupPolicyWhenNothingNeedsAReconnect()
    {
        final OpenconnectClient alice = alice();
        final String otherDns = radclient(bed.net().server(), "127.0.0.1", "coa", SECRET,
            "User-Name=alice,Class=0x" + java.util.HexFormat.of().formatHex("OU=OTHERDNS;".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII)));
        assertTrue(otherDns.contains("Received CoA-NAK") && otherDns.contains("Unsupported-Attribute"),
            "DNS servers are told at CONNECT: " + otherDns);
        assertTrue(bed.headend().process().err().text().contains("changes dns-server"), "the log says why");
        assertTrue(bed.headend().console("show vpn-sessiondb anyconnect")
            .matches("(?s).*Group Policy\\s*:\\s*STAFF.*"), "unchanged");

        final String shorter = radclient(bed.net().server(), "127.0.0.1", "coa", SECRET,
            "User-Name=alice,ASA-Group-Policy=SHORT");
        assertTrue(shorter.contains("Received CoA-ACK"), shorter);
        final String detail = bed.headend().console("show vpn-sessiondb anyconnect detail");
        assertTrue(detail.matches("(?s).*Group Policy\\s*:\\s*SHORT.*"), detail);
        assertTrue(detail.matches("(?s).*vpn-session-timeout\\s*:\\s*1\\s+from group-policy SHORT.*"), detail);
        assertTrue(NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 3).allAnswered(), "still up");
        // SHORT's one-minute session timeout runs from the login: the live session ends with it, no reconnect
        assertNotNull(alice.waitForExit(Duration.ofSeconds(100)), alice.process().tails(30));
        assertEquals(1, alice.scriptCalls().stream().filter(c -> "connect".equals(c.get("reason"))).count(),
            "one tunnel all along");
        assertTrue(bed.headend().process().err().text().contains("max connect time reached"),
            "ended by the new timer");
    }

    @Test
    void shouldApplyTheAsaGroupPolicyAttributeAndTheFilterIdOfTheAccessAccept()
    {
        final OpenconnectClient dave = bed.client(2, "dave").startWithPassword("davepw");
        dave.awaitConfigured(Duration.ofSeconds(30));
        final java.util.Map<String, String> env = dave.awaitScriptCall("connect", 1, Duration.ofSeconds(10));
        assertEquals("Welcome, staff.", env.get("CISCO_BANNER"), "vendor 3076 Group-Policy picks STAFF");
        final NetTools.PingResult refused = NetTools.ping(bed.net().client(2), ApplianceConfig.GATEWAY, 3);
        assertEquals(0, refused.received(), "Filter-Id NOGATEWAY holds the tunnel from the start: " + refused.output());
        final String open = radclient(bed.net().server(), "127.0.0.1", "coa", SECRET, "User-Name=dave,Filter-Id=OPEN");
        assertTrue(open.contains("Received CoA-ACK"), open);
        assertTrue(NetTools.ping(bed.net().client(2), ApplianceConfig.GATEWAY, 3).allAnswered());
    }

    @Test
    void shouldIgnoreRequestsFromOtherAddressesOrWithAnotherKey()
    {
        final OpenconnectClient alice = alice();
        // from the client's network: not a configured server, though it holds the key
        final String stranger = radclient(bed.net().client(2), Netns.SERVER_ADDRESS, "disconnect", SECRET,
            "User-Name=alice");
        assertFalse(stranger.contains("Received"), stranger);
        final String forged = radclient(bed.net().server(), "127.0.0.1", "disconnect", "not-the-secret",
            "User-Name=alice");
        assertFalse(forged.contains("Received"), forged);
        assertNull(alice.process().exitCodeOrNull(), "alice is still connected");
        assertTrue(NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 3).allAnswered());
        assertTrue(bed.headend().process().err().text().contains("dynamic authorization request from"),
            "the drops are logged");
    }
}
