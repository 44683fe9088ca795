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
 * The load generator ({@code ./loadgen}) at 200 sessions with PSK-NEGOTIATE DTLS and a ping a second each: against
 * the appliance, where the session database must agree with the generator's count, and against ocserv (where it is
 * installed), which proves the generator speaks the protocol rather than the appliance's dialect of it. ocserv may
 * negotiate TLS 1.3 there: the JDK exports the DTLS PSK only from TLS 1.3 or from TLS 1.2 with the extended master
 * secret, which ocserv's GnuTLS does not negotiate.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LoadgenIT
{
    private static final int SESSIONS = 200;
    private static final String PASSWORD = "load-secret";

    private static List<String> scenario(final String url, final String pin)
    {
        return List.of("--server", url, "--servercert", pin, "--sessions", Integer.toString(SESSIONS),
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
                scenario(bed.headend().url(), bed.headend().pin())))
        {
            final LoadgenProcess.Settled settled = gen.awaitSettled(Duration.ofSeconds(120));
            assertEquals(new LoadgenProcess.Settled(SESSIONS, SESSIONS, 0), settled, gen.process().tails(30));
            final String summary = bed.headend().console("show vpn-sessiondb summary");
            assertEquals(SESSIONS, count(summary, "AnyConnect Client"), summary);
            assertEquals(SESSIONS, count(summary, "DTLS-Tunnel"), summary);
            assertClean(gen);
        }
    }

    @Test
    void shouldCarryTheSameScenarioThroughOcserv()
    {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ocserv")), "ocserv is not installed");
        final Map<String, String> users = new LinkedHashMap<>();
        for (int i = 1; i <= SESSIONS; i++)
        {
            users.put("user" + i, PASSWORD);
        }
        try (Netns net = Netns.create(1, false, true);
            OcservServer ocserv = OcservServer.start(net, 90, users, SESSIONS + 20, true);
            LoadgenProcess gen = LoadgenProcess.start(net.client(), scenario(ocserv.url(), ocserv.pin())))
        {
            final LoadgenProcess.Settled settled = gen.awaitSettled(Duration.ofSeconds(120));
            assertEquals(new LoadgenProcess.Settled(SESSIONS, SESSIONS, 0), settled, gen.process().tails(30));
            assertClean(gen);
        }
    }

    /** Exit 0, every session set up once with no failure, and every ping answered. */
    private static void assertClean(final LoadgenProcess gen)
    {
        assertEquals(0, gen.awaitExit(Duration.ofSeconds(60)), gen.process().tails(40));
        assertEquals(SESSIONS, (int)gen.figure("established"), gen.summary());
        assertEquals(0, (int)gen.figure("failures"), gen.summary());
        final double sent = gen.figure("pings_sent");
        assertTrue(sent >= SESSIONS, "each session pinged at least once: " + gen.summary());
        assertEquals(sent, gen.figure("pings_received"), gen.summary());
    }

    private static int count(final String summary, final String row)
    {
        final Matcher m = Pattern.compile(Pattern.quote(row) + "\\s*:\\s*(\\d+)").matcher(summary);
        assertTrue(m.find(), row + " in\n" + summary);
        return Integer.parseInt(m.group(1));
    }
}
