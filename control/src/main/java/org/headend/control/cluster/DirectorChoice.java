package org.headend.control.cluster;

import java.util.Comparator;
import java.util.List;

/**
 * Where the director sends a new login, the ASA's way: to the participating member with the lowest load (percent of
 * its session limit), then the fewest sessions; the director keeps the login itself when it is among the least
 * loaded, so that a balanced cluster costs no redirect.
 */
final class DirectorChoice
{
    private static final Comparator<ClusterStore.ClusterMember> LEAST_LOADED = Comparator
        .comparingInt(ClusterStore.ClusterMember::loadPercent).thenComparingInt(ClusterStore.ClusterMember::sessions);

    private DirectorChoice()
    {
    }

    /** The member to send a new login to, or null when {@code self} should serve it. */
    static ClusterStore.ClusterMember pick(final List<ClusterStore.ClusterMember> members, final String self)
    {
        final ClusterStore.ClusterMember best = members.stream().filter(ClusterStore.ClusterMember::participate)
            .min(LEAST_LOADED).orElse(null);
        if (best == null || best.name().equals(self))
        {
            return null;
        }
        final ClusterStore.ClusterMember own = members.stream().filter(m -> m.name().equals(self)).findFirst()
            .orElse(null);
        return own != null && LEAST_LOADED.compare(own, best) <= 0 ? null : best;
    }
}
