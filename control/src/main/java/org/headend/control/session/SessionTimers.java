package org.headend.control.session;

import java.util.concurrent.TimeUnit;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.PolicyAttribute;

/**
 * The timers that end a parent session (docs/protocol/tunnel-and-dtls.md §8.3), from its effective policy:
 * <ul>
 * <li>{@code vpn-idle-timeout}: no user traffic in either direction for this long, tunnel or not;</li>
 * <li>disconnected: no tunnel for this long, so that the client can no longer come back with its cookie; the idle
 * timeout, or the ASA's default idle time when the idle timeout is {@code none} (a parent session must not outlive
 * a crashed client for ever);</li>
 * <li>{@code vpn-session-timeout}: this long since login, whatever happens (the ASA's max connect time).</li>
 * </ul>
 *
 * @param idleNanos       the idle timeout; 0 for none
 * @param maxConnectNanos the session timeout; 0 for none
 */
public record SessionTimers(long idleNanos, long maxConnectNanos)
{
    /** The disconnected timer when there is no idle timeout: the ASA's default idle timer. */
    static final long DEFAULT_DISCONNECTED_NANOS =
        TimeUnit.MINUTES.toNanos(PolicyAttribute.VPN_IDLE_TIMEOUT.defaultValue());

    /** The timers of {@code policy} (its minutes; 0 stands for none). */
    public static SessionTimers of(final EffectivePolicy policy)
    {
        return new SessionTimers(TimeUnit.MINUTES.toNanos(policy.get(PolicyAttribute.VPN_IDLE_TIMEOUT)),
            TimeUnit.MINUTES.toNanos(policy.get(PolicyAttribute.VPN_SESSION_TIMEOUT)));
    }

    /** How long a session without a tunnel keeps its cookie (X-CSTP-Disconnected-Timeout). */
    public long disconnectedNanos()
    {
        return idleNanos > 0 ? idleNanos : DEFAULT_DISCONNECTED_NANOS;
    }

    /**
     * Time left until the session timeout, at least 0; -1 when there is none.
     *
     * @param loginNanos when the user logged in
     * @param nowNanos   now, on the same clock
     */
    public long maxConnectLeftNanos(final long loginNanos, final long nowNanos)
    {
        return maxConnectNanos == 0 ? -1 : Math.max(0, loginNanos + maxConnectNanos - nowNanos);
    }

    /** Why {@code session} must end at {@code nowNanos}, or null while no timer has run out. */
    String expiry(final Session session, final long nowNanos)
    {
        if (maxConnectNanos > 0 && nowNanos - session.loginNanos() >= maxConnectNanos)
        {
            return "max connect time reached (vpn-session-timeout " + minutes(maxConnectNanos) + " min)";
        }
        if (idleNanos > 0 && nowNanos - session.lastTrafficNanos() >= idleNanos)
        {
            return "idle timeout (no traffic for " + minutes(idleNanos) + " min)";
        }
        if (session.tunnel() == null && nowNanos - session.disconnectedSinceNanos() >= disconnectedNanos())
        {
            return "disconnected longer than " + minutes(disconnectedNanos()) + " min";
        }
        return null;
    }

    private static long minutes(final long nanos)
    {
        return TimeUnit.NANOSECONDS.toMinutes(nanos);
    }
}
