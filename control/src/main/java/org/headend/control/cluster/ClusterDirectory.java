package org.headend.control.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.headend.control.session.SessionDirectory;
import org.headend.control.session.SessionView;

/**
 * The operator's session commands on a cluster member: {@code show vpn-sessiondb} lists this member's sessions (the
 * ones it forwards for; its plain form then adds every session of the cluster, {@link ClusterSessionsReport}),
 * {@code vpn-sessiondb logoff} ends the matching sessions on every member: this member's
 * directly, the others' through the cluster, whose owners hear of it and tell their clients to stop. Runs on the
 * operator's thread, which may wait.
 */
public final class ClusterDirectory implements SessionDirectory
{
    private static final long WAIT_SECONDS = 10;

    private final SessionDirectory local;
    private final ClusterStore cluster;

    public ClusterDirectory(final SessionDirectory local, final ClusterStore cluster)
    {
        this.local = local;
        this.cluster = cluster;
    }

    /** The cluster behind this directory ({@code show load-balancing}). */
    public ClusterStore cluster()
    {
        return cluster;
    }

    @Override
    public List<SessionView> sessions()
    {
        return local.sessions();
    }

    @Override
    public SessionTotals totals()
    {
        return local.totals();
    }

    @Override
    public int logoffByName(final String username)
    {
        return local.logoffByName(username) + elsewhere(s -> s.record().username().equals(username));
    }

    @Override
    public int logoffByIndex(final int index)
    {
        // indexes are per member, as on the ASA: only this member's session can be named so
        return local.logoffByIndex(index);
    }

    @Override
    public int logoffAll()
    {
        return local.logoffAll() + elsewhere(s -> true);
    }

    /** Logs off the matching sessions other members own; how many. */
    private int elsewhere(final Predicate<ClusterStore.ClusterSession> which)
    {
        final CompletableFuture<Integer> ended = cluster.logoff(s -> !cluster.member().equals(s.owner())
            && which.test(s));
        try
        {
            return ended.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the cluster", ex);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("the cluster did not answer: sessions on other members were not logged "
                + "off", ex);
        }
    }
}
