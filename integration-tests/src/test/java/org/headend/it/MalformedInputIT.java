package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input on the HTTPS port, sent by tools.BadClient from a second client namespace while a real openconnect
 * session runs from the first: each gets a clean close or an error (never a hang, never a login), and the other
 * session keeps passing traffic afterwards.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MalformedInputIT
{
    private static final Set<String> CLOSE_OR_HTTP_ERROR = Set.of("CLOSED", "HTTP_400", "HTTP_408", "HTTP_413",
        "HTTP_414", "HTTP_431");

    private static Testbed bed;
    private static OpenconnectClient victim;

    @BeforeAll
    static void connectTheOtherSession()
    {
        bed = Testbed.start(2);
        victim = bed.connect(1, "demo", "demo-secret");
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
    void theOtherSessionKeepsWorking()
    {
        assertTrue(bed.headend().process().isAlive(), "the appliance died");
        assertTrue(victim.process().isAlive(), "the other session's openconnect exited");
        final NetTools.PingResult r = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 20);
        assertEquals(20, r.received(), "the other session stopped passing traffic:\n" + r.output());
    }

    @Test
    void shouldCloseOnGarbageInsteadOfATlsHandshake()
    {
        final NetTools.BadClientResult r = bad("garbage-tcp");
        assertEquals("CLOSED", r.outcome(), r.output());
    }

    @Test
    void shouldCloseOrRejectGarbageInsteadOfAnHttpRequest()
    {
        final NetTools.BadClientResult r = bad("garbage-tls");
        assertTrue(CLOSE_OR_HTTP_ERROR.contains(r.outcome()), r.output());
    }

    @Test
    void shouldRefuseTooManyHeaderLinesAndControlCharactersInTheRequestLine()
    {
        assertEquals("HTTP_431", bad("many-headers").outcome(), "200 header lines (bad-inputs #5)");
        assertEquals("HTTP_400", bad("control-in-uri").outcome(), "a NUL in the path (bad-inputs #4)");
        assertEquals("HTTP_400", bad("connect-version-99").outcome(), "X-CSTP-Version: 99 (bad-inputs #28)");
    }

    @Test
    void shouldAnswerOnlyTheFirstOfTwoPipelinedRequests()
    {
        final NetTools.BadClientResult r = bad("pipelined");
        assertEquals("ANSWERED_1_THEN_CLOSED", r.outcome(), "bad-inputs #8: the second is never dispatched\n"
            + r.output());
    }

    @Test
    void shouldNotRefuseManyConnectionsFromOneAddressWhileTheFrontDoorIsQuiet()
    {
        final NetTools.BadClientResult r = bad("slowloris");
        assertEquals("OPEN_150", r.outcome(), "150 connections from one address (users behind one NAT) are far below"
            + " the pre-tunnel budget's pressure mark: none refused\n" + r.output());
        final NetTools.BadClientResult login = NetTools.badClient(bed.net().client(1), Netns.SERVER_ADDRESS,
            bed.config().port(), "login", "--user", "bob", "--password", "bob-secret");
        assertEquals("LOGGED_IN", login.outcome(), "another address still logs in\n" + login.output());
    }

    @Test
    void shouldCloseRequestsDribbledPastTheDeadline()
    {
        final NetTools.BadClientResult r = bad("dribble", "--count", "5", "--seconds", "25");
        assertEquals("CLOSED_5", r.outcome(), "bad-inputs #9: a request must be complete 15 s after its first byte\n"
            + r.output());
    }

    @Test
    void shouldCloseOrRejectAOneMebibyteHeader()
    {
        final NetTools.BadClientResult r = bad("big-header");
        assertTrue(CLOSE_OR_HTTP_ERROR.contains(r.outcome()), r.output());
    }

    @Test
    void shouldNeverResolveAnExternalEntityInTheAuthXml()
    {
        final NetTools.BadClientResult r = bad("xxe");
        assertTrue(r.has("XXE_LOGIN=no"), "the entity naming a file with the user name logged in:\n" + r.output());
        assertTrue(r.has("XXE_LEAK=no"), "the content of a local file came back:\n" + r.output());
        assertTrue(r.has("XXE_CALLBACK=no"), "the server fetched the external DTD:\n" + r.output());
        // an error, or the login form again (a DOCTYPE may be tolerated as long as nothing is resolved)
        assertTrue(CLOSE_OR_HTTP_ERROR.contains(r.outcome()) || r.outcome().equals("HTTP_200"), r.output());
    }

    @Test
    void shouldCloseTheTunnelOnACstpFrameWithABadMagic()
    {
        final NetTools.BadClientResult r = bad("cstp-bad-magic");
        assertEquals("CLOSED", r.outcome(), r.output());
    }

    @Test
    void shouldCloseTheTunnelOnACstpFrameLongerThanTheMtu()
    {
        final NetTools.BadClientResult r = bad("cstp-too-long");
        assertEquals("CLOSED", r.outcome(), r.output());
    }

    private static NetTools.BadClientResult bad(final String mode, final String... extra)
    {
        final java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--user", "bob", "--password",
            "bob-secret", "--mtu", Integer.toString(bed.config().mtu()), "--callback-address", Netns.clientAddress(2)));
        args.addAll(java.util.List.of(extra));
        final NetTools.BadClientResult r = NetTools.badClient(bed.net().client(2), Netns.SERVER_ADDRESS,
            bed.config().port(), mode, args.toArray(String[]::new));
        System.out.println("BadClient " + mode + " -> " + r.outcome() + "\n" + r.output());
        return r;
    }
}
