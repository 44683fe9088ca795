package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
 * Two clients at once, each in its own namespace behind a bridge: different addresses, and client A cannot send
 * with client B's address (the packets are dropped and counted; B sees nothing and keeps working).
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TwoClientsIT
{
    private static final int SPOOFED = 20;

    private static Testbed bed;
    private static OpenconnectClient a;
    private static OpenconnectClient b;
    private static String addressA;
    private static String addressB;

    @BeforeAll
    static void connectBoth()
    {
        bed = Testbed.start(2);
        a = bed.connect(1, "demo", "demo-secret");
        addressA = a.tunAddress();
        b = bed.connect(2, "bob", "bob-secret");
        addressB = b.tunAddress();
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
    void shouldGiveEachClientItsOwnAddressFromThePool()
    {
        assertEquals(ApplianceConfig.POOL_FIRST, addressA);
        assertEquals(ApplianceConfig.POOL_SECOND, addressB);
        assertNotEquals(addressA, addressB);

        final List<HeadendProcess.Session> sessions = bed.headend().awaitSessionCount(2, Duration.ofSeconds(5));
        assertTrue(sessions.stream().anyMatch(s -> s.username().equals("demo") && addressA.equals(s.assignedIp())),
            sessions.toString());
        assertTrue(sessions.stream().anyMatch(s -> s.username().equals("bob") && addressB.equals(s.assignedIp())),
            sessions.toString());
        assertEquals(20, NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 20).received());
        assertEquals(20, NetTools.ping(bed.net().client(2), ApplianceConfig.GATEWAY, 20).received());
    }

    @Test
    void shouldDropAndCountPacketsThatUseAnotherSessionsSourceAddress()
    {
        final long spoofBefore = bed.headend().counter("spoof");
        assertTrue(spoofBefore >= 0, "show counters has no counter matching /spoof/i:\n" +
            bed.headend().console("show counters"));
        final long bReceivedBefore = b.tunRxPackets();

        Netns.exec(bed.net().client(1), "ip", "addr", "add", addressB + "/32", "dev", OpenconnectClient.TUN).check();
        final NetTools.PingResult spoofed;
        try
        {
            spoofed = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, SPOOFED, addressB);
        }
        finally
        {
            Netns.exec(bed.net().client(1), "ip", "addr", "del", addressB + "/32", "dev", OpenconnectClient.TUN);
        }
        assertEquals(SPOOFED, spoofed.transmitted(), spoofed.output());
        assertEquals(0, spoofed.received(), "A got answers for B's address:\n" + spoofed.output());

        final long spoofAfter = bed.headend().counter("spoof");
        assertTrue(spoofAfter - spoofBefore >= SPOOFED,
            "spoof counter rose by " + (spoofAfter - spoofBefore) + ", expected >= " + SPOOFED);
        final long bReceived = b.tunRxPackets() - bReceivedBefore;
        assertTrue(bReceived < SPOOFED / 2, "B received " + bReceived + " packet(s) while A spoofed its address");

        final NetTools.PingResult bStillWorks = NetTools.ping(bed.net().client(2), ApplianceConfig.GATEWAY, 20);
        assertEquals(20, bStillWorks.received(), bStillWorks.output());
        final NetTools.PingResult aStillWorks = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 20);
        assertEquals(20, aStillWorks.received(), aStillWorks.output());
    }
}
