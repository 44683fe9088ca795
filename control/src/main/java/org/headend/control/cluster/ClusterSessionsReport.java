package org.headend.control.cluster;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.headend.control.config.grammar.Ipv4;
import org.headend.control.session.SessionRecord;

/**
 * {@code show vpn-sessiondb} on a cluster member, after the member's own sessions: every session in the cluster with
 * the member that owns it (a dead member's sessions wait there for their clients), read from etcd. Runs on the
 * operator's thread, which may wait for etcd; the control thread never does.
 */
public final class ClusterSessionsReport
{
    private static final long WAIT_SECONDS = 10;
    private static final DateTimeFormatter LOGIN_TIME = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC' EEE MMM d yyyy",
        Locale.ROOT).withZone(ZoneOffset.UTC);

    private ClusterSessionsReport()
    {
    }

    /**
     * The section's text and its rows as data, for the sessions of {@code user} (every user when null), ordered by
     * member, then user.
     */
    public static Map.Entry<String, List<Map<String, Object>>> of(final ClusterStore cluster, final String user)
        throws Exception
    {
        final List<ClusterStore.ClusterSession> sessions = new ArrayList<>(cluster.sessions()
            .get(WAIT_SECONDS, TimeUnit.SECONDS));
        sessions.removeIf(s -> user != null && !user.equals(s.record().username()));
        sessions.sort(Comparator.comparing(ClusterStore.ClusterSession::owner)
            .thenComparing(s -> s.record().username()));
        final StringBuilder text = new StringBuilder("\nSessions in the cluster: ").append(sessions.size())
            .append(" (this member: ").append(cluster.member()).append(")\n");
        text.append(String.format("%-20s %-15s %-39s %-16s %-31s %s%n", "Username", "Assigned IP", "Assigned IPv6",
            "Member", "Login Time", "State"));
        final List<Map<String, Object>> rows = new ArrayList<>();
        for (final ClusterStore.ClusterSession s : sessions)
        {
            final SessionRecord r = s.record();
            final String ip = r.lease() == null ? "-" : Ipv4.format(r.lease().address());
            final String ip6 = r.lease6() == null ? "-" : r.lease6().address().getHostAddress();
            // a session whose client is away (its member died, or the client is reconnecting) waits for it
            final String state = r.disconnectedSince() == null ? "connected" : "away";
            text.append(String.format("%-20s %-15s %-39s %-16s %-31s %s%n", r.username(), ip, ip6, s.owner(),
                LOGIN_TIME.format(r.loginTime()), state));
            final Map<String, Object> row = new LinkedHashMap<>();
            row.put("username", r.username());
            row.put("assignedIp", ip);
            row.put("assignedIpv6", ip6);
            row.put("member", s.owner());
            row.put("loginTime", r.loginTime().toString());
            row.put("state", state);
            rows.add(row);
        }
        return Map.entry(text.toString(), rows);
    }
}
