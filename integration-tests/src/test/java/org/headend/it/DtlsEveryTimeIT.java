package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DTLS comes up on every connect: the real openconnect logs in, connects and must print "Established DTLS
 * connection", again and again. tcpdump records the DTLS port meanwhile, so that a failure shows the client's UDP flow.
 * The number of connects is {@code -Dit.dtls.connects} (30 in the suite; perf/scripts/dtls-connect-loop.sh runs 500).
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class DtlsEveryTimeIT
{
    private static final String OUTCOME = "Established DTLS connection|DTLS handshake failed|DTLS handshake timed out"
        + "|Failed to|DTLS disabled";
    private static final int CONNECTS = Integer.getInteger("it.dtls.connects", 30);
    private static final int CLIENTS = 3;

    private static Testbed bed;
    private static DtlsCapture capture;

    @BeforeAll
    static void start()
    {
        bed = Testbed.start(CLIENTS);
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
    void shouldBringUpDtlsOnEveryConnect() throws Exception
    {
        // one thread per client namespace, each connecting again and again: the connects overlap as real users' do
        final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Long> millis = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Thread> threads = new ArrayList<>();
        for (int c = 1; c <= CLIENTS; c++)
        {
            final int client = c;
            threads.add(Thread.ofPlatform().name("dtls-loop-" + c).start(() ->
            {
                for (int i = client - 1; i < CONNECTS; i += CLIENTS)
                {
                    final String failure = connectOnce(client, i, millis);
                    if (failure != null)
                    {
                        failures.add(failure);
                    }
                }
            }));
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        final long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("DTLS connects: %d, failures: %d, time to DTLS p50 %d ms, max %d ms%n", CONNECTS,
            failures.size(), sorted.length == 0 ? -1 : sorted[sorted.length / 2],
            sorted.length == 0 ? -1 : sorted[sorted.length - 1]);
        assertEquals(List.of(), failures, failures.size() + " of " + CONNECTS + " connects without DTLS");
    }

    /** One login and CONNECT; null when DTLS came up, else what went wrong with the client's UDP flow. */
    private static String connectOnce(final int n, final int attempt, final List<Long> millis)
    {
        final long started = System.nanoTime();
        final OpenconnectClient client = bed.dtlsClient(n, n == 2 ? "bob" : "demo")
            .startWithPassword(n == 2 ? "bob-secret" : "demo-secret");
        try
        {
            final String outcome;
            try
            {
                outcome = client.process().waitFor(OUTCOME, Duration.ofSeconds(30)).group();
            }
            catch (final AssertionError ex)
            {
                return "connect " + attempt + ": " + ex.getMessage();
            }
            if (outcome.startsWith("Established"))
            {
                millis.add((System.nanoTime() - started) / 1_000_000);
                return null;
            }
            return "connect " + attempt + " (client " + n + "): " + outcome + "\n" + client.process().tails(40)
                + "\n---- last datagrams to and from " + Netns.clientAddress(n) + " ----\n"
                + capture.flows(Netns.clientAddress(n));
        }
        finally
        {
            client.close();
        }
    }
}
