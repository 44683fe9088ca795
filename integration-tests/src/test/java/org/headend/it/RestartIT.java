package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A restart under a live session (SIGTERM, then the appliance started again on the same startup-config and state
 * directory): openconnect, left alone, reconnects with its cookie (it retries for {@code --reconnect-timeout},
 * 300 s by default) and gets its tunnel back, TLS and DTLS, with the same address; a session logged off before
 * the restart stays gone. A crash (SIGKILL) loses no more than the store's last second.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RestartIT
{
    private static final String DTLS_UP = "Established DTLS connection";
    /** openconnect retries at once, then after 10, 20, 30 … s: the second or third try meets the new process. */
    private static final Duration COME_BACK = Duration.ofSeconds(150);

    private static Testbed bed;

    @BeforeAll
    static void start()
    {
        bed = Testbed.start(2, c -> { });
    }

    @AfterEach
    void stopClients()
    {
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

    @Test
    void shouldBringTheClientBackWithItsAddressAndKeepALoggedOffSessionGone()
    {
        final OpenconnectClient live = bed.dtlsClient(1, "demo").startWithPassword("demo-secret");
        final String address = live.awaitConfigured(Duration.ofSeconds(30));
        live.process().waitFor(DTLS_UP, Duration.ofSeconds(30));
        assertEquals(5, NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 5).received());

        final OpenconnectClient bob = bed.client(2, "bob");
        final String bobCookie = bob.authenticate("bob-secret");
        bob.startWithCookie(bobCookie).awaitConfigured(Duration.ofSeconds(30));
        final int demoIndex = sessionOf("demo").index();
        final String answer = bed.headend().console("vpn-sessiondb logoff name bob noconfirm");
        assertTrue(answer.contains("logged off : 1"), answer);
        assertNotNull(bob.waitForExit(Duration.ofSeconds(10)), "a logged-off client is told to go");

        final int outMark = live.process().out().mark();
        final int errMark = live.process().err().mark();
        final Integer code = bed.headend().terminate(Duration.ofSeconds(30));
        assertNotNull(code, "the appliance did not stop within 30 s of SIGTERM");
        assertTrue(Set.of(0, 143).contains(code), "exit code after SIGTERM: " + code);
        live.process().waitFor("sleep \\d+s, remaining timeout \\d+s", outMark, errMark, Duration.ofSeconds(15));
        assertTrue(live.process().isAlive(), "openconnect quit at the restart instead of reconnecting");

        final long restartedAt = System.nanoTime();
        bed.startHeadendAgain();
        live.awaitCstpConnected(2, COME_BACK);
        final var reconnect = live.awaitScriptCall("reconnect", 1, Duration.ofSeconds(10));
        System.out.printf("client back %.1f s after the appliance was started again%n",
            (System.nanoTime() - restartedAt) / 1e9);
        assertEquals(address, reconnect.get("INTERNAL_IP4_ADDRESS"), "same address after the restart");
        live.process().waitFor(DTLS_UP, outMark, errMark, Duration.ofSeconds(60));

        final HeadendProcess.Session demo = sessionOf("demo");
        assertEquals(address, demo.assignedIp());
        assertEquals(demoIndex, demo.index(), "the same session, not a new login");
        final long dtlsBefore = bed.headend().counter("DTLS data packets received");
        final NetTools.PingResult r = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 20);
        assertEquals(20, r.received(), r.output());
        assertTrue(bed.headend().counter("DTLS data packets received") - dtlsBefore >= 20,
            "the pings did not go over DTLS");

        final OpenconnectClient bobAgain = bed.client(2, "bob").startWithCookie(bobCookie);
        final Integer refused = bobAgain.waitForExit(Duration.ofSeconds(30));
        assertNotNull(refused, "a cookie logged off before the restart must be refused\n" + bobAgain.process().tails(40));
        assertNotEquals(0, refused.intValue());
        assertTrue(bobAgain.scriptCalls().stream().noneMatch(c -> "connect".equals(c.get("reason"))),
            "no tunnel may come up with the logged-off cookie: " + bobAgain.scriptLog());
    }

    @Test
    void shouldBringTheClientBackAfterTheApplianceWasKilled()
    {
        final OpenconnectClient live = bed.client(1, "demo").startWithPassword("demo-secret");
        final String address = live.awaitConfigured(Duration.ofSeconds(30));
        // the store writes within a second of the login; a crash after that loses nothing the client needs
        NetTools.sleep(2000);

        final int outMark = live.process().out().mark();
        final int errMark = live.process().err().mark();
        bed.headend().process().signal("KILL");
        assertNotNull(bed.headend().process().waitForExit(Duration.ofSeconds(15)), "the appliance survived SIGKILL");
        live.process().waitFor("sleep \\d+s, remaining timeout \\d+s", outMark, errMark, Duration.ofSeconds(30));

        bed.startHeadendAgain();
        live.awaitCstpConnected(2, COME_BACK);
        assertEquals(address, live.awaitScriptCall("reconnect", 1, Duration.ofSeconds(10)).get("INTERNAL_IP4_ADDRESS"),
            "same address after a crash");
        final NetTools.PingResult r = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 20);
        assertEquals(20, r.received(), r.output());
    }

    private static HeadendProcess.Session sessionOf(final String user)
    {
        final List<HeadendProcess.Session> sessions = bed.headend().sessions();
        return sessions.stream().filter(s -> s.username().equals(user)).findFirst()
            .orElseThrow(() -> new AssertionError("no session of " + user + ": " + sessions));
    }
}
