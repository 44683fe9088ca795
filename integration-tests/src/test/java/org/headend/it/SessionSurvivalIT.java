package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The parent session and its TLS connection: a client that goes silent is removed after the gateway DPD time,
 * and a client that comes back with its cookie (SIGUSR2 reconnect, or killed and restarted with -C) gets the
 * same address.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SessionSurvivalIT
{
    /** dpd-interval gateway 30 (the seed's minimum): dead after 2x the interval of silence, gone well within this. */
    private static final Duration DPD_REMOVAL = Duration.ofSeconds(100);

    private static Testbed bed;

    @BeforeAll
    static void start()
    {
        bed = Testbed.start(1, c -> c.dpdGateway("30").dpdClient("30"));
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
    void stopClients()
    {
        bed.closeClients();
    }

    @Test
    void shouldRemoveASilentClientAfterTheDpdTime()
    {
        final OpenconnectClient client = bed.connect(1, "demo", "demo-secret");
        bed.headend().awaitSessionCount(1, Duration.ofSeconds(5));

        client.signal("STOP");
        final long stoppedAt = System.nanoTime();
        assertEquals(1, bed.headend().sessions().size(), "the session must not vanish the moment the client stops");
        bed.headend().awaitSessionCount(0, DPD_REMOVAL);
        final double seconds = (System.nanoTime() - stoppedAt) / 1e9;
        System.out.printf("silent session removed after %.1f s (dpd-interval gateway 30)%n", seconds);
        assertTrue(seconds >= 29, "removed after " + seconds + " s: sooner than the DPD interval");
    }

    @Test
    void shouldKeepTheAddressWhenTheClientReconnectsOnSigusr2()
    {
        final OpenconnectClient client = bed.connect(1, "demo", "demo-secret");
        final String address = client.tunAddress();
        client.signal("USR2");
        client.awaitCstpConnected(2, Duration.ofSeconds(30));
        assertEquals(address, client.awaitScriptCall("reconnect", 1, Duration.ofSeconds(10)).get("INTERNAL_IP4_ADDRESS"));

        final List<HeadendProcess.Session> sessions = bed.headend().awaitSessionCount(1, Duration.ofSeconds(5));
        assertEquals(address, sessions.get(0).assignedIp());
        final NetTools.PingResult r = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 20);
        assertEquals(20, r.received(), r.output());
    }

    @Test
    void shouldKeepTheAddressWhenAKilledClientComesBackWithItsCookie()
    {
        final OpenconnectClient first = bed.client(1, "demo");
        final String cookie = first.authenticate("demo-secret");
        first.startWithCookie(cookie);
        final String address = first.awaitConfigured(Duration.ofSeconds(30));

        first.signal("KILL");
        assertNotNull(first.waitForExit(Duration.ofSeconds(5)));
        NetTools.sleep(1000);

        final OpenconnectClient second = bed.client(1, "demo").startWithCookie(cookie);
        assertEquals(address, second.awaitConfigured(Duration.ofSeconds(30)));
        final List<HeadendProcess.Session> sessions = bed.headend().awaitSessionCount(1, Duration.ofSeconds(5));
        assertEquals(address, sessions.get(0).assignedIp());
        final NetTools.PingResult r = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 20);
        assertEquals(20, r.received(), r.output());
    }
}
