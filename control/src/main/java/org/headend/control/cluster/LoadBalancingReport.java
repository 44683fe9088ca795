package org.headend.control.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code show load-balancing}: the members the cluster knows alive, which one is director, each one's load and
 * the sessions it owns in the cluster (those of a dead member wait there for their clients). Runs on the operator's
 * thread, which may wait for etcd.
 */
public final class LoadBalancingReport
{
    private LoadBalancingReport()
    {
    }

    /** The text, and the same as data for {@code | json}. */
    public static Map.Entry<String, Object> of(final ClusterStore cluster) throws Exception
    {
        final List<ClusterStore.ClusterMember> members = cluster.members().get(10, TimeUnit.SECONDS);
        final List<ClusterStore.ClusterSession> sessions = cluster.sessions().get(10, TimeUnit.SECONDS);
        final Map<String, Integer> owned = new TreeMap<>();
        sessions.forEach(s -> owned.merge(s.owner(), 1, Integer::sum));
        final StringBuilder text = new StringBuilder();
        text.append("Cluster member ").append(cluster.member()).append(", director ")
            .append(cluster.director() == null ? "(none)" : cluster.director()).append('\n');
        text.append(String.format("%-20s %-9s %-8s %-9s %-8s %s%n", "Member", "Role", "Priority", "Sessions",
            "Load(%)", "URL"));
        final List<Map<String, Object>> data = new java.util.ArrayList<>();
        for (final ClusterStore.ClusterMember m : members)
        {
            // a member that does not take part (no participate) gets no redirected logins and never directs
            final String role = m.name().equals(cluster.director()) ? "Director" : m.participate() ? "Backup"
                : "Inactive";
            text.append(String.format("%-20s %-9s %-8d %-9d %-8d %s%n", m.name(), role, m.priority(), m.sessions(),
                m.loadPercent(), m.url()));
            final Map<String, Object> row = new LinkedHashMap<>();
            row.put("member", m.name());
            row.put("role", role);
            row.put("priority", m.priority());
            row.put("sessions", m.sessions());
            row.put("loadPercent", m.loadPercent());
            row.put("url", m.url());
            data.add(row);
        }
        text.append("Sessions in the cluster: ").append(sessions.size());
        owned.forEach((owner, count) -> text.append(", ").append(owner).append(' ').append(count));
        text.append('\n');
        final Map<String, Object> all = new LinkedHashMap<>();
        all.put("members", data);
        all.put("sessionsByOwner", owned);
        return Map.entry(text.toString(), all);
    }
}
