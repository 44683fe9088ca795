package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who gets DTLS is policy: {@code anyconnect ssl dtls none} on a user (inherited over the group-policy that allows
 * it) and {@code enable outside tls-only} typed live on the console both keep clients on TLS.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DtlsPolicyIT
{
    private static Testbed bed;

    @BeforeAll
    static void start()
    {
        bed = Testbed.start(3, config -> config
            .extraLine("username bob attributes")
            .extraLine(" webvpn")
            .extraLine("  anyconnect ssl dtls none"));
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
    void shouldKeepAUserOnTlsWhenItsOwnAttributesSayDtlsNone()
    {
        final OpenconnectClient demo = bed.dtlsClient(1, "demo").startWithPassword("demo-secret");
        demo.awaitConfigured(Duration.ofSeconds(30));
        demo.process().waitFor("Established DTLS connection", Duration.ofSeconds(20));
        final OpenconnectClient bob = bed.dtlsClient(2, "bob").startWithPassword("bob-secret");
        bob.awaitConfigured(Duration.ofSeconds(30));
        final String sessions = bed.headend().console("show vpn-sessiondb anyconnect");
        assertTrue(sessions.contains("DTLS-Tunnel"), "demo has DTLS:\n" + sessions);
        assertTrue(bob.process().out().text().contains("DTLS disabled"), "bob was offered DTLS:\n"
            + bob.process().out().text());
        assertTrue(NetTools.ping(bed.net().client(2), ApplianceConfig.GATEWAY, 10).received() == 10);
        bed.closeClients();
    }

    @Test
    void shouldOfferNoDtlsOnATlsOnlyInterfaceFromTheNextConnectOn()
    {
        bed.headend().console("configure terminal");
        bed.headend().console("webvpn");
        bed.headend().console("enable outside tls-only");
        bed.headend().console("end");
        assertTrue(bed.headend().console("show running-config webvpn").contains("enable outside tls-only"));
        final OpenconnectClient demo = bed.dtlsClient(3, "demo").startWithPassword("demo-secret");
        demo.awaitConfigured(Duration.ofSeconds(30));
        assertTrue(demo.process().out().text().contains("DTLS disabled"), demo.process().out().text());
        assertFalse(bed.headend().console("show vpn-sessiondb anyconnect").contains("DTLS-Tunnel"));
        bed.closeClients();
    }
}
