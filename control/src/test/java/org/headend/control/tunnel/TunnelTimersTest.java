package org.headend.control.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.headend.control.config.ConfigException;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.EffectivePolicy;
import org.junit.jupiter.api.Test;

/** The timer lines of the CONNECT answer for each policy, and when the headend renews TLS keys itself. */
class TunnelTimersTest
{
    private static EffectivePolicy policy(final String groupPolicyLines) throws ConfigException
    {
        final ConfigStore store = ConfigStore.embeddedDefault("unused-password");
        store.replace("""
            group-policy GP internal
            group-policy GP attributes
            LINES
            tunnel-group DefaultWEBVPNGroup general-attributes
             default-group-policy GP
            """.replace("LINES", groupPolicyLines), "test");
        return store.current().effectivePolicy(null, "demo");
    }

    private static Map<String, String> headers(final TunnelTimers timers)
    {
        final Map<String, String> map = new LinkedHashMap<>();
        timers.headers().forEach(h -> map.put(h.getKey(), h.getValue()));
        return map;
    }

    @Test
    void shouldAnnounceTheConfiguredTimersInSeconds() throws ConfigException
    {
        final TunnelTimers timers = TunnelTimers.of(policy("""
             vpn-idle-timeout 1
             vpn-session-timeout 2
             webvpn
              anyconnect ssl rekey method new-tunnel
              anyconnect ssl rekey time 3
            """), 95);
        assertEquals(Map.of(
            "X-CSTP-Idle-Timeout", "60",
            "X-CSTP-Disconnected-Timeout", "60",
            "X-CSTP-Session-Timeout", "120",
            "X-CSTP-Session-Timeout-Remaining", "95",
            "X-CSTP-Rekey-Time", "180",
            "X-CSTP-Rekey-Method", "new-tunnel"), headers(timers));
        assertEquals(0, timers.serverKeyUpdateSeconds("TLSv1.3"), "new-tunnel is the client's job");
    }

    @Test
    void shouldSayNoneForUnsetTimersAndKeepTheParentSessionForTheAsaDefault() throws ConfigException
    {
        final Map<String, String> headers = headers(TunnelTimers.of(policy("""
             vpn-idle-timeout none
             vpn-session-timeout none
            """), -1));
        assertEquals("none", headers.get("X-CSTP-Idle-Timeout"));
        assertEquals("1800", headers.get("X-CSTP-Disconnected-Timeout"));
        assertEquals("none", headers.get("X-CSTP-Session-Timeout"));
        assertEquals("none", headers.get("X-CSTP-Session-Timeout-Remaining"));
    }

    @Test
    void shouldAnnounceTheAsaDefaultsWhenNothingIsConfigured() throws ConfigException
    {
        final Map<String, String> headers = headers(TunnelTimers.of(policy(" vpn-tunnel-protocol ssl-client"), -1));
        assertEquals("1800", headers.get("X-CSTP-Idle-Timeout"));
        assertEquals("1800", headers.get("X-CSTP-Disconnected-Timeout"));
        assertEquals("none", headers.get("X-CSTP-Rekey-Method"), "the ASA does not rekey unless told to");
        assertEquals(Long.toString(TunnelTimers.REKEY_OFF_SECONDS), headers.get("X-CSTP-Rekey-Time"));
    }

    @Test
    void shouldTurnRekeyOffWhenTheMethodHasNoTimeOrTheMethodIsNone() throws ConfigException
    {
        for (final String lines : List.of(" webvpn\n  anyconnect ssl rekey method ssl",
            " webvpn\n  anyconnect ssl rekey method none\n  anyconnect ssl rekey time 5"))
        {
            final TunnelTimers timers = TunnelTimers.of(policy(lines), -1);
            assertEquals("none", headers(timers).get("X-CSTP-Rekey-Method"), lines);
            assertEquals(0, timers.serverKeyUpdateSeconds("TLSv1.3"), lines);
        }
    }

    @Test
    void shouldRenewTlsKeysItselfOnlyForSslRekeyOverTls13() throws ConfigException
    {
        final TunnelTimers timers = TunnelTimers.of(policy("""
             webvpn
              anyconnect ssl rekey method ssl
              anyconnect ssl rekey time 30
            """), -1);
        assertEquals("ssl", headers(timers).get("X-CSTP-Rekey-Method"));
        assertEquals("1800", headers(timers).get("X-CSTP-Rekey-Time"));
        assertEquals(1800, timers.serverKeyUpdateSeconds("TLSv1.3"));
        assertEquals(0, timers.serverKeyUpdateSeconds("TLSv1.2"), "TLS 1.2: the client renegotiates, we do not");
    }
}
