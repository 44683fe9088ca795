package org.headend.dataplane.tunnel;

/**
 * How many control frames (DPD requests, keepalives) one tunnel's client may send: a token bucket of
 * {@link #BURST} frames refilled at {@link #PER_SECOND} a second. A client of ours sends one every few seconds
 * (openconnect's DPD and keepalive timers); a frame over the budget is not answered, and a client that keeps
 * sending over it ({@link #ABUSE_LIMIT} frames in the tunnel's life) is flooding on purpose. No allocation; one
 * thread (the tunnel's event loop).
 */
final class ControlFrameBudget
{
    static final int PER_SECOND = 10;
    static final int BURST = 50;
    /** Over-budget frames after which the tunnel is closed: far beyond any honest client's lifetime total. */
    static final int ABUSE_LIMIT = 1000;
    private static final long NANOS_PER_TOKEN = 1_000_000_000L / PER_SECOND;

    private long tokens = BURST;
    private long lastRefillNanos;
    private long overBudget;

    ControlFrameBudget(final long nowNanos)
    {
        lastRefillNanos = nowNanos;
    }

    /** Takes one frame's token at {@code nowNanos}; false when the budget is spent (the frame is not answered). */
    boolean take(final long nowNanos)
    {
        final long earned = (nowNanos - lastRefillNanos) / NANOS_PER_TOKEN;
        if (earned > 0)
        {
            tokens = Math.min(BURST, tokens + earned);
            lastRefillNanos += earned * NANOS_PER_TOKEN;
        }
        if (tokens > 0)
        {
            tokens--;
            return true;
        }
        overBudget++;
        return false;
    }

    /** Whether the client went over the budget so often that it is flooding on purpose. */
    boolean abused()
    {
        return overBudget >= ABUSE_LIMIT;
    }
}
