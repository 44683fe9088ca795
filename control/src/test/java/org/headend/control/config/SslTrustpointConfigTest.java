package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ssl trust-point NAME [NAMEIF]}: one line per interface (and one for all), a new one replacing the old as the
 * ASA does, the {@code no} form removing the line it names; the trustpoint's {@code identity-certificate}.
 */
class SslTrustpointConfigTest
{
    @Test
    void shouldKeepOneTrustpointPerInterfaceAndOneForAll() throws Exception
    {
        final ConfigStore store = ConfigStore.embeddedDefault("unused-password");
        store.replace("""
            crypto ca trustpoint VPN2
             identity-certificate disk0:/tp/vpn2.pem
            ssl trust-point OLD
            ssl trust-point VPN2
            ssl trust-point OLD outside
            ssl trust-point DMZ dmz
            ssl trust-point VPN2 outside
            """, "test");
        assertEquals(Map.of("", "VPN2", "outside", "VPN2", "dmz", "DMZ"),
            store.current().globals().sslTrustpoints(), "a later line for the same interface replaces the earlier");
        assertEquals("DMZ", store.current().globals().sslTrustpoint("dmz"));
        assertEquals("VPN2", store.current().globals().sslTrustpoint("inside"), "the line without interface");
        assertEquals("disk0:/tp/vpn2.pem", store.current().trustpoints().get("VPN2").identityCertificate());
        final String running = store.runningConfig();
        assertTrue(running.contains("\nssl trust-point VPN2\n") && running.contains("\nssl trust-point VPN2 outside\n")
            && running.contains("\nssl trust-point DMZ dmz\n") && !running.contains("OLD"), running);
        assertTrue(running.contains(" identity-certificate disk0:/tp/vpn2.pem\n"), running);

        ConfigCursor cursor = ConfigCursor.TOP;
        cursor = store.apply(cursor, "no ssl trust-point VPN2 outside", "console", 1);
        store.apply(cursor, "no ssl trust-point VPN2", "console", 2);
        assertEquals(Map.of("dmz", "DMZ"), store.current().globals().sslTrustpoints());
        assertFalse(store.runningConfig().contains("ssl trust-point VPN2"));
    }
}
