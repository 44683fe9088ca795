package org.headend.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.headend.control.config.ConfigException;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.PolicyAttribute;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code show vpn-sessiondb detail}: each session's effective policy, with the level every value comes from. */
class SessionPolicyViewTest
{
    private final FakeSessions sessions = new FakeSessions();
    private final ScriptedIo io = new ScriptedIo();
    private final ConfigStore store = ConfigStore.embeddedDefault("demo-pass");
    private CliSession session;

    @BeforeEach
    void setUp() throws ConfigException
    {
        store.replace("""
            group-policy DfltGrpPolicy attributes
             vpn-session-timeout 600
            group-policy EngPolicy internal
            group-policy EngPolicy attributes
             vpn-idle-timeout 20
             webvpn
              anyconnect ssl rekey method new-tunnel
              anyconnect ssl rekey time 60
            username lee password lee-secret
            username lee attributes
             vpn-group-policy EngPolicy
             vpn-simultaneous-logins 1
             webvpn
              anyconnect ssl keepalive none
            tunnel-group EngGroup type remote-access
            """, "test");
        sessions.sessions.add(FakeSessions.lee());
        final Instant now = Instant.parse("2024-01-01T12:00:00Z");
        final CliContext context = new CliContext(store, sessions, List::of, "0.1.0",
            Clock.fixed(now, ZoneOffset.UTC), now.minusSeconds(60));
        session = CliSession.console(context, io);
    }

    private String run(final String line) throws IOException
    {
        io.clear();
        session.execute(line);
        return io.output();
    }

    @Test
    void shouldShowEachEffectiveValueAndTheLevelItComesFrom() throws IOException
    {
        final String detail = run("show vpn-sessiondb detail anyconnect filter name lee");
        assertTrue(detail.contains("Effective Policy:\n"), detail);
        assertTrue(detail.contains(
            "  vpn-simultaneous-logins         : 1                    from username lee\n"), detail);
        assertTrue(detail.contains("  anyconnect ssl keepalive        : none                 from username lee\n"),
            detail);
        assertTrue(detail.contains("  vpn-idle-timeout                : 20                   "
            + "from group-policy EngPolicy (user's vpn-group-policy)\n"), detail);
        assertTrue(detail.contains("  anyconnect ssl rekey method     : new-tunnel           "
            + "from group-policy EngPolicy (user's vpn-group-policy)\n"), detail);
        assertTrue(detail.contains("  vpn-session-timeout             : 600                  "
            + "from group-policy DfltGrpPolicy\n"), detail);
        assertTrue(detail.contains("  anyconnect dpd-interval gateway : 30                   from built-in default\n"),
            detail);
        for (final PolicyAttribute<?> attribute : PolicyAttribute.all())
        {
            assertTrue(detail.contains("\n  " + attribute.name() + " "), attribute.name());
        }
        assertEquals(detail, run("show vpn-sessiondb anyconnect detail filter name lee"));
    }

    @Test
    void shouldGiveTheEffectivePolicyAsDataOnlyInTheDetailedView() throws IOException
    {
        final String json = run("show vpn-sessiondb detail | json");
        assertTrue(json.contains("\"effectivePolicy\""), json);
        assertTrue(json.contains("\"from\": \"username lee\""), json);
        assertFalse(run("show vpn-sessiondb anyconnect").contains("Effective Policy"));
        assertFalse(run("show vpn-sessiondb anyconnect | json").contains("effectivePolicy"));
    }
}
