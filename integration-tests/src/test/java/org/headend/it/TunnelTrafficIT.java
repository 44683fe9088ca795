package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The walking skeleton end to end: the real openconnect connects over TLS only to ./headend --config, gets the
 * pool's first address, and the tunnel carries pings both ways and 100 MB each way intact.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TunnelTrafficIT
{
    private static final long TRANSFER_BYTES = 100L * 1000 * 1000;

    private static Testbed bed;
    private static OpenconnectClient client;
    private static String address;

    @BeforeAll
    static void connect()
    {
        bed = Testbed.start(1);
        client = bed.client(1, "demo").startWithPassword("demo-secret");
        address = client.awaitConfigured(Duration.ofSeconds(30));
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
    void shouldGiveTheFirstClientThePoolsFirstAddress()
    {
        assertEquals(ApplianceConfig.POOL_FIRST, address);
        assertEquals(ApplianceConfig.POOL_FIRST, client.tunAddress(), "address on the client's tun");
        assertEquals(ApplianceConfig.POOL_FIRST, client.scriptCalls().stream()
            .filter(c -> "connect".equals(c.get("reason"))).findFirst().orElseThrow().get("INTERNAL_IP4_ADDRESS"));
    }

    @Test
    void shouldListTheSessionOnTheConsole()
    {
        final List<HeadendProcess.Session> sessions = bed.headend().sessions();
        assertEquals(1, sessions.size(), "show vpn-sessiondb anyconnect: " + sessions);
        final HeadendProcess.Session s = sessions.get(0);
        assertEquals("demo", s.username());
        assertEquals(ApplianceConfig.POOL_FIRST, s.assignedIp());
        assertEquals(Netns.clientAddress(1), s.publicIp());
        assertTrue(bed.headend().console("show vpn-sessiondb anyconnect").contains("AnyConnect-Parent"));
    }

    @Test
    void shouldShowTheRunningConfig()
    {
        final String running = bed.headend().console("show running-config");
        assertTrue(running.contains("hostname headend"), running);
        assertTrue(running.contains("ip local pool POOL"), running);
        assertTrue(running.contains("tunnel-group DefaultWEBVPNGroup"), running);
    }

    @Test
    void shouldAnswer100PingsFromTheClientToTheAppliance()
    {
        final NetTools.PingResult r = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 100);
        assertEquals(100, r.received(), r.output());
    }

    @Test
    void shouldAnswer100PingsFromTheServerSideToTheClient()
    {
        final NetTools.PingResult r = NetTools.ping(bed.net().server(), address, 100);
        assertEquals(100, r.received(), r.output());
    }

    @Test
    void shouldCarry100MegabytesIntactFromClientToServer()
    {
        final NetTools.TransferResult t = NetTools.transfer(bed.net().client(1), bed.net().server(),
            ApplianceConfig.GATEWAY, 5001, TRANSFER_BYTES, Duration.ofSeconds(150));
        assertEquals(TRANSFER_BYTES, t.receivedBytes());
        assertEquals(t.sentSha256(), t.receivedSha256(), "SHA-256 sent vs received");
        System.out.printf("headend TLS client->server: %.0f Mbit/s%n", t.megabitsPerSecond());
    }

    @Test
    void shouldCarry100MegabytesIntactFromServerToClient()
    {
        final NetTools.TransferResult t = NetTools.transfer(bed.net().server(), bed.net().client(1), address, 5002,
            TRANSFER_BYTES, Duration.ofSeconds(150));
        assertEquals(TRANSFER_BYTES, t.receivedBytes());
        assertEquals(t.sentSha256(), t.receivedSha256(), "SHA-256 sent vs received");
        System.out.printf("headend TLS server->client: %.0f Mbit/s%n", t.megabitsPerSecond());
    }
}
