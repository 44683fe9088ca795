package org.headend.control.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.headend.control.http.ClientInfo;
import org.junit.jupiter.api.Test;

/** Seed G7: a portal login is a clientless session until the client started from the portal opens a tunnel. */
class SessionClientlessTest
{
    private static final ClientInfo BROWSER = new ClientInfo("198.51.100.4", 50000, 443, "Mozilla/5.0", "", "");
    private static final ClientInfo CLIENT = new ClientInfo("198.51.100.4", 50001, 443, "AnyConnect Linux 5.1", "",
        "");

    @Test
    void shouldCountAPortalLoginAsClientlessUntilATunnelComesUpUnderIt()
    {
        final Session session = new Session(3, "ann", "DefaultWEBVPNGroup", "DfltGrpPolicy", "k", BROWSER,
            Instant.EPOCH, 0);
        session.openedByPortal();
        assertTrue(session.clientless());
        session.tunnelUp(new Session.Tunnel(null, CLIENT));
        assertFalse(session.clientless(), "the client took the session over: an AnyConnect parent now");
    }

    @Test
    void shouldNeverCountAClientLoginAsClientless()
    {
        final Session session = new Session(4, "lee", "DefaultWEBVPNGroup", "DfltGrpPolicy", "k", CLIENT,
            Instant.EPOCH, 0);
        assertFalse(session.clientless(), "even before its first tunnel");
    }
}
