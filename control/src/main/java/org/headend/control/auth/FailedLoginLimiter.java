package org.headend.control.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Failed-login limits, per user name and per client address, the same for every tunnel-group (CVE-2023-20269:
 * no group may be a way around the counters). While a key is locked every login for it fails with the same
 * answer as a wrong password, so a locked account cannot be told from a wrong one. Bounded; control thread only.
 */
public final class FailedLoginLimiter
{
    /** Failures of one user name within the window that lock it. */
    public static final int MAX_USER_FAILURES = 5;
    /** Failures from one client address within the window that lock it. */
    public static final int MAX_ADDRESS_FAILURES = 20;
    public static final long WINDOW_NANOS = 10 * 60 * 1_000_000_000L;
    public static final long LOCKOUT_NANOS = 5 * 60 * 1_000_000_000L;
    private static final int MAX_KEYS = 20_000;

    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);

    private static final class Entry
    {
        private long windowStartNanos;
        private int failures;
        private long lockedUntilNanos;
    }

    /** Whether logins for this user or from this address are refused right now. */
    public boolean isLocked(final String username, final String address, final long nowNanos)
    {
        return locked(userKey(username), nowNanos) || locked(addressKey(address), nowNanos);
    }

    /** Counts a failed login. */
    public void onFailure(final String username, final String address, final long nowNanos)
    {
        count(userKey(username), MAX_USER_FAILURES, nowNanos);
        count(addressKey(address), MAX_ADDRESS_FAILURES, nowNanos);
    }

    /** A successful login clears the user's count (the address keeps its own). */
    public void onSuccess(final String username)
    {
        entries.remove(userKey(username));
    }

    private boolean locked(final String key, final long nowNanos)
    {
        final Entry entry = entries.get(key);
        return entry != null && nowNanos - entry.lockedUntilNanos < 0;
    }

    private void count(final String key, final int limit, final long nowNanos)
    {
        Entry entry = entries.get(key);
        if (entry == null)
        {
            trim();
            entry = new Entry();
            entry.windowStartNanos = nowNanos;
            entry.lockedUntilNanos = nowNanos;
            entries.put(key, entry);
        }
        if (nowNanos - entry.windowStartNanos > WINDOW_NANOS)
        {
            entry.windowStartNanos = nowNanos;
            entry.failures = 0;
        }
        if (++entry.failures >= limit)
        {
            entry.lockedUntilNanos = nowNanos + LOCKOUT_NANOS;
            entry.failures = 0;
            entry.windowStartNanos = nowNanos;
        }
    }

    private void trim()
    {
        final Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (entries.size() >= MAX_KEYS && it.hasNext())
        {
            it.next();
            it.remove();
        }
    }

    /** One counter per person, whatever case or padding the client typed. */
    private static String userKey(final String username)
    {
        return "u:" + (username == null ? "" : username.strip().toLowerCase(Locale.ROOT));
    }

    private static String addressKey(final String address)
    {
        return "a:" + address;
    }
}
