package org.headend.control.cli;

import java.util.HashMap;
import java.util.Map;

/**
 * Rate limit for {@code enable} (bad-inputs #46): after {@link #MAX_FAILURES} wrong passwords from one operator
 * within {@link #WINDOW_NANOS}, {@code enable} is refused without asking for {@link #LOCKOUT_NANOS}. Thread-safe.
 */
public final class EnableGuard
{
    static final int MAX_FAILURES = 6;
    static final long WINDOW_NANOS = 10 * 60 * 1_000_000_000L;
    static final long LOCKOUT_NANOS = 60 * 1_000_000_000L;

    private static final class Entry
    {
        long windowStart;
        int failures;
        long lockedUntil;
    }

    private final Map<String, Entry> entries = new HashMap<>();

    /** Nanoseconds left in a lockout of {@code who}, or 0 when {@code enable} may be tried. */
    public synchronized long lockedFor(final String who, final long nowNanos)
    {
        final Entry entry = entries.get(who);
        return entry == null || nowNanos - entry.lockedUntil >= 0 ? 0 : entry.lockedUntil - nowNanos;
    }

    public synchronized void onFailure(final String who, final long nowNanos)
    {
        if (entries.size() > 10_000)
        {
            entries.clear();
        }
        final Entry entry = entries.computeIfAbsent(who, k ->
        {
            final Entry e = new Entry();
            e.windowStart = nowNanos;
            e.lockedUntil = nowNanos;
            return e;
        });
        if (nowNanos - entry.windowStart > WINDOW_NANOS)
        {
            entry.windowStart = nowNanos;
            entry.failures = 0;
        }
        if (++entry.failures >= MAX_FAILURES)
        {
            entry.lockedUntil = nowNanos + LOCKOUT_NANOS;
            entry.failures = 0;
            entry.windowStart = nowNanos;
        }
    }

    public synchronized void onSuccess(final String who)
    {
        entries.remove(who);
    }
}
