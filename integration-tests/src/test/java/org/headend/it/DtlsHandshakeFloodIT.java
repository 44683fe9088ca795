package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DTLS setup cannot be blocked for everyone (issue 10): a live session's ClientHello replayed from 20 ports, each
 * answering the HelloVerifyRequest with its cookie and then leaving the handshake hanging, again and again, while a
 * new openconnect client from another address must still get DTLS within a few seconds, and the live tunnel keeps
 * carrying traffic over DTLS.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DtlsHandshakeFloodIT
{
    private static final String DTLS_UP = "Established DTLS connection";
    private static final int FLOOD_SECONDS = 25;

    private static Testbed bed;
    private static DtlsCapture capture;

    @BeforeAll
    static void start()
    {
        bed = Testbed.start(3);
        capture = DtlsCapture.start(bed.net().server(), bed.config().port());
    }

    @AfterAll
    static void tearDown()
    {
        if (capture != null)
        {
            capture.close();
        }
        if (bed != null)
        {
            bed.close();
        }
    }

    @Test
    void shouldBringUpDtlsForANewClientWhileHandshakesAreReplayedFromManyPorts()
    {
        final OpenconnectClient victim = bed.dtlsClient(1, "demo").startWithPassword("demo-secret");
        victim.awaitConfigured(Duration.ofSeconds(30));
        victim.process().waitFor(DTLS_UP, Duration.ofSeconds(20));
        final String sessionId = capture.firstSessionId(Netns.clientAddress(1));
        final long refusedBefore = bed.headend().counter("DTLS handshakes refused");

        try (ManagedProcess flood = ManagedProcess.start("DtlsHelloFlood", Harness.tool(bed.net().client(2),
            "DtlsHelloFlood", "--host", Netns.SERVER_ADDRESS, "--port", Integer.toString(bed.config().port()),
            "--session-id", sessionId, "--ports", "20", "--seconds", Integer.toString(FLOOD_SECONDS)), null, null))
        {
            // let the flood fill what it can first
            NetTools.sleep(6000);
            final long started = System.nanoTime();
            final OpenconnectClient newcomer = bed.dtlsClient(3, "bob").startWithPassword("bob-secret");
            newcomer.process().waitFor(DTLS_UP, Duration.ofSeconds(20));
            final long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.println("new client: DTLS up " + millis + " ms after openconnect started, during the flood");
            assertTrue(millis < 8000, "DTLS took " + millis + " ms during the flood");

            final long dtlsBefore = bed.headend().counter("DTLS data packets received");
            final NetTools.PingResult ping = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 20);
            assertEquals(20, ping.received(), "the live tunnel during the flood:\n" + ping.output());
            assertTrue(bed.headend().counter("DTLS data packets received") - dtlsBefore >= 20,
                "the live tunnel left DTLS");

            final Matcher result = flood.waitFor("HELLOS=(\\d+) VERIFY_REQUESTS=(\\d+) SERVER_FLIGHTS=(\\d+)",
                Duration.ofSeconds(FLOOD_SECONDS + 30));
            System.out.println("flood: " + result.group());
            assertTrue(Long.parseLong(result.group(2)) > 0, "the flood never got a cookie: " + result.group());
            assertTrue(Long.parseLong(result.group(3)) > 0, "the flood never started a handshake: "
                + result.group());
        }
        assertTrue(bed.headend().counter("DTLS handshakes refused") > refusedBefore,
            "20 ports of one address were not capped");
        assertTrue(bed.headend().counter("DTLS ClientHellos ignored: over their tunnel's rate") > 0,
            "the replays beyond the tunnel's hello rate were not spared their cookie work");
    }
}
