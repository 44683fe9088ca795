package org.headend.control.auth;

import java.util.Collection;
import org.headend.control.config.AaaServerGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether one server of an {@code aaa-server} group is in service, the ASA's way: {@code max-failed-attempts}
 * unanswered requests in a row take it out; {@code reactivation-mode timed} brings each failed server back after
 * {@value AaaServerGroup#TIMED_SECONDS} s, {@code depletion} brings the whole group back once every server has
 * failed and {@code deadtime} has passed since the last failure. One rule for every protocol (RADIUS, LDAP). Not
 * thread-safe: each client keeps its servers under its own lock.
 */
public class ServerHealth
{
    private static final Logger LOG = LoggerFactory.getLogger(ServerHealth.class);

    private int consecutiveFailures;
    private boolean failed;
    private long failedAtNanos;

    /** Out of service. */
    public final boolean failed()
    {
        return failed;
    }

    /** Unanswered requests in a row so far. */
    public final int consecutiveFailures()
    {
        return consecutiveFailures;
    }

    /** The server answered (whatever it said): the run of failures ends. */
    public final void answered()
    {
        consecutiveFailures = 0;
    }

    /** @return whether this failure took the server out of service (it was in, and the run reached the limit) */
    public final boolean failure(final int maxFailedAttempts, final long nowNanos)
    {
        if (++consecutiveFailures >= maxFailedAttempts && !failed)
        {
            failed = true;
            failedAtNanos = nowNanos;
            return true;
        }
        return false;
    }

    private void reset()
    {
        failed = false;
        consecutiveFailures = 0;
    }

    /** Brings back the servers of {@code group} whose time out of service is over; call before choosing one. */
    public static void reactivate(final Collection<? extends ServerHealth> servers, final AaaServerGroup group,
        final long nowNanos)
    {
        boolean allFailed = !servers.isEmpty();
        long lastFailure = Long.MIN_VALUE;
        for (final ServerHealth server : servers)
        {
            if (server.failed && group.timedReactivation()
                && nowNanos - server.failedAtNanos >= AaaServerGroup.TIMED_SECONDS * 1_000_000_000L)
            {
                server.reset();
            }
            allFailed &= server.failed;
            if (server.failed)
            {
                lastFailure = lastFailure == Long.MIN_VALUE ? server.failedAtNanos
                    : Math.max(lastFailure, server.failedAtNanos);
            }
        }
        if (!group.timedReactivation() && allFailed
            && nowNanos - lastFailure >= group.deadtimeMinutes() * 60_000_000_000L)
        {
            LOG.info("aaa-server {}: dead time over, its servers are tried again", group.name());
            servers.forEach(ServerHealth::reset);
        }
    }
}
