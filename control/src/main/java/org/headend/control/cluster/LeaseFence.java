package org.headend.control.cluster;

import java.util.concurrent.TimeUnit;

/**
 * When a cluster member must stop serving its sessions because it can no longer prove it holds its member lease
 * (self-fencing). Times are monotonic nanoseconds given by the caller; nothing here reads a clock or does I/O.
 * <p>
 * The lease is known to live until at least the time its last acknowledged renewal was <em>sent</em> plus the TTL
 * that renewal granted: etcd starts the TTL on receiving the request, which is later. Counting from the send time
 * (never from the answer) keeps the deadline before etcd's expiry whatever the delays were. A margin of
 * 1 s + 10 % of the TTL is taken off for the difference in clock rates and for the teardown itself. Another member
 * may take a session over only once the owner's lease has expired (or the owner said it let go), which is after the
 * owner's deadline: so no two members serve one session at once.
 */
final class LeaseFence
{
    private long deadlineNanos;
    private boolean fenced;
    private long fencedAtNanos;

    /** A fence whose first deadline comes from the grant sent at {@code sentNanos}, of {@code ttlSeconds}. */
    LeaseFence(final long sentNanos, final long ttlSeconds)
    {
        deadlineNanos = deadline(sentNanos, ttlSeconds);
    }

    /** How long before the lease's earliest expiry this member stops serving. */
    static long marginNanos(final long ttlSeconds)
    {
        return TimeUnit.SECONDS.toNanos(1) + TimeUnit.SECONDS.toNanos(ttlSeconds) / 10;
    }

    private static long deadline(final long sentNanos, final long ttlSeconds)
    {
        return sentNanos + TimeUnit.SECONDS.toNanos(ttlSeconds) - marginNanos(ttlSeconds);
    }

    /**
     * A grant or renewal sent at {@code sentNanos} was acknowledged with {@code ttlSeconds} (a positive TTL). Moves
     * the deadline on (never back: answers may arrive out of order). Lifts a fence only when the request was sent
     * after the fence began, since an older request proves nothing about the time after it.
     *
     * @return true when this lifted the fence
     */
    synchronized boolean renewed(final long sentNanos, final long ttlSeconds)
    {
        if (ttlSeconds <= 0)
        {
            return false;
        }
        deadlineNanos = Math.max(deadlineNanos, deadline(sentNanos, ttlSeconds));
        if (fenced && sentNanos - fencedAtNanos > 0)
        {
            fenced = false;
            return true;
        }
        return false;
    }

    /**
     * Whether this member must fence now: true exactly once, when {@code nowNanos} first reaches the deadline; the
     * fence then holds until a later {@link #renewed}.
     */
    synchronized boolean fenceDue(final long nowNanos)
    {
        if (fenced || nowNanos - deadlineNanos < 0)
        {
            return false;
        }
        fenced = true;
        fencedAtNanos = nowNanos;
        return true;
    }

    /**
     * etcd said the lease is gone (a renewal answered TTL 0): fence now if not yet, whatever the deadline says.
     *
     * @return true when this began the fence
     */
    synchronized boolean leaseLost(final long nowNanos)
    {
        if (nowNanos - deadlineNanos < 0)
        {
            deadlineNanos = nowNanos; // compared by difference: the counter may wrap
        }
        return fenceDue(nowNanos);
    }

    /** Whether the member is fenced: it serves no session and takes none over. */
    synchronized boolean fenced()
    {
        return fenced;
    }

    /** Nanoseconds left before the deadline (negative once past). */
    synchronized long remainingNanos(final long nowNanos)
    {
        return deadlineNanos - nowNanos;
    }
}
