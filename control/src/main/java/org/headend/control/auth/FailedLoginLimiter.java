package org.headend.control.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The one failed-login limiter of the appliance: VPN logins (any tunnel-group, any server group), the portal, SSH
 * to the CLI and {@code enable} all count here, per user name and per client address (CVE-2023-20269: no group
 * and no front door is a way around the counters). While a key is locked every login for it fails with the same
 * answer as a wrong password.
 * <p>
 * Keys are what an attacker cannot multiply: the user name (not user@address:port) and the client address, IPv6
 * addresses by their /64 (one host owns a whole /64). A locked key is never evicted, so no flood of other names
 * lifts a lockout early; memory is bounded by evicting only unlocked keys, those with the fewest failures first,
 * and by the address limit itself: one address can lock at most {@code MAX_ADDRESS_FAILURES /
 * MAX_USER_FAILURES} names per lockout before it is locked too. Thread-safe (SSH logins run on its own threads).
 */
public final class FailedLoginLimiter
{
    /** Failures of one user name within the window that lock it. */
    public static final int MAX_USER_FAILURES = 5;
    /** Failures from one client address within the window that lock it. */
    public static final int MAX_ADDRESS_FAILURES = 20;
    public static final long WINDOW_NANOS = 10 * 60 * 1_000_000_000L;
    public static final long LOCKOUT_NANOS = 5 * 60 * 1_000_000_000L;
    /** Unlocked keys kept; beyond this the ones with the fewest failures are forgotten. */
    static final int MAX_UNLOCKED_KEYS = 20_000;
    /** Locked keys kept; past this a new user name is not tracked (its address still is), none is evicted. */
    static final int MAX_LOCKED_KEYS = 200_000;

    private final Map<String, Entry> entries = new HashMap<>();
    private int locked;

    private static final class Entry
    {
        private long windowStartNanos;
        private int failures;
        private long lockedUntilNanos;
        private boolean isLocked;
    }

    /** Whether logins for this user or from this address are refused right now. */
    public synchronized boolean isLocked(final String username, final String address, final long nowNanos)
    {
        return lockedFor(username, address, nowNanos) > 0;
    }

    /** Nanoseconds until logins of this user from this address may be tried again; 0 when they may now. */
    public synchronized long lockedFor(final String username, final String address, final long nowNanos)
    {
        return Math.max(remaining(userKey(username), nowNanos), remaining(addressKey(address), nowNanos));
    }

    /** Counts a failed login. */
    public synchronized void onFailure(final String username, final String address, final long nowNanos)
    {
        onFailure(username, address, nowNanos, MAX_USER_FAILURES);
    }

    /** Counts a failure of a kind with its own per-name limit ({@code enable}); the address limit is the same. */
    public synchronized void onFailure(final String username, final String address, final long nowNanos,
        final int userLimit)
    {
        count(userKey(username), userLimit, nowNanos);
        count(addressKey(address), MAX_ADDRESS_FAILURES, nowNanos);
    }

    /** How many client addresses are locked out right now ({@code vpn_ips_banned}). */
    public synchronized int lockedAddresses(final long nowNanos)
    {
        int locked = 0;
        for (final Map.Entry<String, Entry> entry : entries.entrySet())
        {
            if (entry.getKey().startsWith("a:") && nowNanos - entry.getValue().lockedUntilNanos < 0)
            {
                locked++;
            }
        }
        return locked;
    }

    /** A successful login clears the user's count (the address keeps its own). */
    public synchronized void onSuccess(final String username)
    {
        final Entry entry = entries.remove(userKey(username));
        if (entry != null && entry.isLocked)
        {
            locked--;
        }
    }

    /** Keys tracked now (tests and {@code show} output). */
    public synchronized int size()
    {
        return entries.size();
    }

    private long remaining(final String key, final long nowNanos)
    {
        final Entry entry = entries.get(key);
        if (entry == null || !entry.isLocked)
        {
            return 0;
        }
        final long left = entry.lockedUntilNanos - nowNanos;
        return left > 0 ? left : 0;
    }

    private void count(final String key, final int limit, final long nowNanos)
    {
        Entry entry = entries.get(key);
        if (entry == null)
        {
            if (entries.size() - locked >= MAX_UNLOCKED_KEYS)
            {
                evict(nowNanos);
            }
            if (locked >= MAX_LOCKED_KEYS && key.startsWith("u:"))
            {
                return;
            }
            entry = new Entry();
            entry.windowStartNanos = nowNanos;
            entries.put(key, entry);
        }
        if (entry.isLocked && entry.lockedUntilNanos - nowNanos <= 0)
        {
            unlock(entry, nowNanos);
        }
        if (nowNanos - entry.windowStartNanos > WINDOW_NANOS)
        {
            entry.windowStartNanos = nowNanos;
            entry.failures = 0;
        }
        if (++entry.failures >= limit && !entry.isLocked)
        {
            entry.isLocked = true;
            entry.lockedUntilNanos = nowNanos + LOCKOUT_NANOS;
            entry.failures = 0;
            entry.windowStartNanos = nowNanos;
            locked++;
        }
    }

    private void unlock(final Entry entry, final long nowNanos)
    {
        entry.isLocked = false;
        entry.failures = 0;
        entry.windowStartNanos = nowNanos;
        locked--;
    }

    /**
     * Frees a quarter of the unlocked room: first expired locks and stale windows, then the unlocked keys with the
     * fewest failures. Never a locked key: that is what kept lockouts from being lifted by a flood of names.
     */
    private void evict(final long nowNanos)
    {
        final int target = MAX_UNLOCKED_KEYS * 3 / 4;
        for (int threshold = 0; threshold < MAX_ADDRESS_FAILURES && entries.size() - locked > target; threshold++)
        {
            final Iterator<Entry> it = entries.values().iterator();
            while (it.hasNext() && entries.size() - locked > target)
            {
                final Entry entry = it.next();
                if (entry.isLocked && entry.lockedUntilNanos - nowNanos <= 0)
                {
                    unlock(entry, nowNanos);
                }
                if (!entry.isLocked
                    && (entry.failures <= threshold || nowNanos - entry.windowStartNanos > WINDOW_NANOS))
                {
                    it.remove();
                }
            }
        }
    }

    /** One counter per person, whatever case or padding the client typed. */
    private static String userKey(final String username)
    {
        return "u:" + (username == null ? "" : username.strip().toLowerCase(Locale.ROOT));
    }

    /** One counter per IPv4 address, or per IPv6 /64. */
    static String addressKey(final String address)
    {
        if (address != null && address.indexOf(':') >= 0)
        {
            try
            {
                final InetAddress parsed = InetAddress.ofLiteral(address);
                if (parsed instanceof Inet6Address)
                {
                    final byte[] b = parsed.getAddress();
                    return "a6:" + java.util.HexFormat.of().formatHex(b, 0, 8);
                }
            }
            catch (final IllegalArgumentException ex)
            {
                return "a:" + address;
            }
        }
        return "a:" + address;
    }
}
