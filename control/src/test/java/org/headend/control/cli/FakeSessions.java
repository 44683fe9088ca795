package org.headend.control.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.headend.control.session.SessionDirectory;
import org.headend.control.session.SessionView;

/** A session table in memory that records the logoffs asked of it. */
class FakeSessions implements SessionDirectory
{
    final List<SessionView> sessions = new ArrayList<>();
    final List<String> logoffs = new ArrayList<>();

    static SessionView lee()
    {
        return new SessionView(1, "lee", "192.168.246.1", "10.139.1.2",
            List.of(new SessionView.TunnelView("SSL-Tunnel", "AES-GCM-256", "SHA384", "TLSv1.3", 54230, 443),
                new SessionView.TunnelView("DTLS-Tunnel", "AES-GCM-256", "SHA384", "DTLSv1.2", 54231, 443)),
            11079, 4942, 27, 19, "EngPolicy", "EngGroup", Instant.parse("2011-01-28T15:25:13Z"),
            Duration.ofSeconds(15), Duration.ZERO, "Cisco AnyConnect VPN Agent for Linux 4.10", null, 3, 1);
    }

    static SessionView parentOnly()
    {
        return new SessionView(7, "bob", null, "203.0.113.9", List.of(), 0, 0, 0, 0, "DfltGrpPolicy",
            "DefaultWEBVPNGroup", Instant.parse("2024-03-05T09:08:07Z"), Duration.ofSeconds(3725),
            Duration.ofSeconds(61), "OpenConnect", null, 0, 0);
    }

    /** A browser login to the portal that no client has opened a tunnel under. */
    static SessionView portalLogin()
    {
        return new SessionView(9, "ann", null, "198.51.100.4", List.of(), 5120, 2048, 0, 0, "DfltGrpPolicy",
            "DefaultWEBVPNGroup", Instant.parse("2024-03-05T09:08:07Z"), Duration.ofSeconds(125), Duration.ofSeconds(5),
            "Mozilla/5.0", null, 0, 0, true);
    }

    @Override
    public List<SessionView> sessions()
    {
        return List.copyOf(sessions);
    }

    @Override
    public int logoffByName(final String username)
    {
        logoffs.add("name " + username);
        return (int)sessions.stream().filter(s -> s.username().equals(username)).count();
    }

    @Override
    public int logoffByIndex(final int index)
    {
        logoffs.add("index " + index);
        return (int)sessions.stream().filter(s -> s.index() == index).count();
    }

    @Override
    public int logoffAll()
    {
        logoffs.add("all");
        return sessions.size();
    }
}
