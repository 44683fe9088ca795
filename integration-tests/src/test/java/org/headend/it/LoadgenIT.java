package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The load generator ({@code ./loadgen}) with PSK-NEGOTIATE DTLS and a ping a second per session: 200 sessions
 * against the appliance, where the session database must agree with the generator's count, and 100 against ocserv
 * (where it is installed), which proves the generator speaks the protocol rather than the appliance's dialect of it.
 * ocserv may negotiate TLS 1.3 there: the JDK exports the DTLS PSK only from TLS 1.3 or from TLS 1.2 with the
 * extended master secret, which ocserv's GnuTLS does not negotiate.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LoadgenIT
{
    private static final int SESSIONS = 200;
    /**
     * ocserv hands out addresses from a /24 derived from the user name (predictable-ips): at 200 users some hash
     * onto taken addresses, it gives up ("could not figure out a valid IPv4 IP") and answers the CONNECT with 401.
     * At 100 it finds a free one.
     */
    private static final int OCSERV_SESSIONS = 100;
    private static final String PASSWORD = "load-secret";

    private static List<String> scenario(final String url, final String pin, final int sessions)
    {
        return List.of("--server", url, "--servercert", pin, "--sessions", Integer.toString(sessions),
            "--user-pattern", "user%d", "--password", PASSWORD, "--rate", "40", "--max-inflight", "32",
            "--hold", "4", "--ping-interval", "1000", "--ping-target", ApplianceConfig.GATEWAY,
            "--loss-timeout", "5000", "--duration", "150");
    }

    @Test
    void shouldCarryTwoHundredDtlsSessionsThatTheSessionDatabaseCountsToo()
    {
        try (Testbed bed = Testbed.start(1, c ->
        {
            for (int i = 1; i <= SESSIONS; i++)
            {
                c.user("user" + i, PASSWORD);
            }
        });
            LoadgenProcess gen = LoadgenProcess.start(bed.net().client(1),
                scenario(bed.headend().url(), bed.headend().pin(), SESSIONS)))
        {
            final LoadgenProcess.Settled settled = gen.awaitSettled(Duration.ofSeconds(120));
            assertEquals(new LoadgenProcess.Settled(SESSIONS, SESSIONS, 0), settled, gen.process().tails(30));
            final String summary = bed.headend().console("show vpn-sessiondb summary");
            assertEquals(SESSIONS, count(summary, "AnyConnect Client"), summary);
            assertEquals(SESSIONS, count(summary, "DTLS-Tunnel"), summary);
            assertClean(gen, SESSIONS);
        }
    }

    @Test
    void shouldCarryTheSameScenarioThroughOcserv()
    {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ocserv")), "ocserv is not installed");
        final Map<String, String> users = new LinkedHashMap<>();
        for (int i = 1; i <= OCSERV_SESSIONS; i++)
        {
            users.put("user" + i, PASSWORD);
        }
        try (Netns net = Netns.create(1, false, true);
            OcservServer ocserv = OcservServer.start(net, 90, users, OCSERV_SESSIONS + 20, true);
            LoadgenProcess gen = LoadgenProcess.start(net.client(),
                scenario(ocserv.url(), ocserv.pin(), OCSERV_SESSIONS)))
        {
            final LoadgenProcess.Settled settled = gen.awaitSettled(Duration.ofSeconds(120));
            assertEquals(new LoadgenProcess.Settled(OCSERV_SESSIONS, OCSERV_SESSIONS, 0), settled,
                gen.process().tails(30));
            assertClean(gen, OCSERV_SESSIONS);
        }
    }

    /** Exit 0, every session set up once with no failure, and every ping answered. */
    private static void assertClean(final LoadgenProcess gen, final int sessions)
    {
        assertEquals(0, gen.awaitExit(Duration.ofSeconds(60)), gen.process().tails(40));
        assertEquals(sessions, (int)gen.figure("established"), gen.summary());
        assertEquals(0, (int)gen.figure("failures"), gen.summary());
        final double sent = gen.figure("pings_sent");
        assertTrue(sent >= sessions, "each session pinged at least once: " + gen.summary());
        assertEquals(sent, gen.figure("pings_received"), gen.summary());
    }

    private static int count(final String summary, final String row)
    {
        final Matcher m = Pattern.compile(Pattern.quote(row) + "\\s*:\\s*(\\d+)").matcher(summary);
        assertTrue(m.find(), row + " in\n" + summary);
        return Integer.parseInt(m.group(1));
    }
}
