package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that stops reading its tunnel (a zero TCP window) but keeps sending loses the tunnel after the send
 * timeout, as a dead peer does, and comes back with its cookie; meanwhile another client's tunnel carries its pings.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SendTimeoutIT
{
    /** The data plane's send timeout (CstpTunnelHandler.SEND_TIMEOUT_NANOS), s. */
    private static final int SEND_TIMEOUT_SECONDS = 30;
    /**
     * When the tunnel must be gone, counted from the client's first echo request: its 5 s of requests fill the
     * buffers, then the timeout, the timer's 5 s period, and 20 s for a loaded machine and the client to notice.
     */
    private static final int CLOSED_WITHIN_SECONDS = 5 + SEND_TIMEOUT_SECONDS + 5 + 20;

    private static Testbed bed;

    @BeforeAll
    static void start()
    {
        bed = Testbed.start(2);
        bed.connect(1, "demo", "demo-secret");
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
    void shouldCloseTheTunnelOfAClientThatStopsReadingButKeepTheSession() throws Exception
    {
        final CompletableFuture<NetTools.BadClientResult> stalled = CompletableFuture.supplyAsync(
            () -> NetTools.badClient(Duration.ofSeconds(150), bed.net().client(2), Netns.SERVER_ADDRESS,
                bed.config().port(), "stop-reading", "--user", "bob", "--password", "bob-secret", "--target",
                ApplianceConfig.GATEWAY, "--seconds", Integer.toString(CLOSED_WITHIN_SECONDS + 30)),
            r -> Thread.ofPlatform().daemon().start(r));
        // the live tunnel, every 10 ms for 30 s, while the other client's answers pile up and are dropped
        final NetTools.PingTimes live = NetTools.pingTimes(bed.net().client(1), ApplianceConfig.GATEWAY, 3000);
        System.out.printf("SEND TIMEOUT: live tunnel meanwhile p50 %.3f ms p99 %.3f ms, lost %d of %d%n",
            live.percentile(50), live.percentile(99), live.transmitted() - live.received(), live.transmitted());
        final NetTools.BadClientResult result = stalled.get(180, TimeUnit.SECONDS);
        System.out.println("stop-reading -> " + result.outcome() + "\n" + result.output());

        final Matcher closed = Pattern.compile("CLOSED_AFTER_(\\d+)_RECONNECTED").matcher(result.outcome());
        assertTrue(closed.matches(), "the tunnel of a client that reads nothing is ended, and its cookie still"
            + " works:\n" + result.output());
        final int after = Integer.parseInt(closed.group(1));
        assertTrue(after >= SEND_TIMEOUT_SECONDS && after <= CLOSED_WITHIN_SECONDS,
            "ended " + after + " s after its first request (send timeout " + SEND_TIMEOUT_SECONDS + " s)");
        assertEquals(1, bed.headend().counter("CSTP tunnels closed: the client read nothing"));
        assertTrue(bed.headend().counter("inside packets dropped: client not reading") > 0,
            "its answers were dropped and counted before");
        assertTrue(bed.headend().process().err().text().contains("closed (SEND_TIMEOUT: the client read nothing it was sent for"),
            "the log says why");
        assertEquals(3000, live.transmitted(), live.summary());
        assertEquals(live.transmitted(), live.received(), "the live tunnel meanwhile:\n" + live.summary());
    }
}
