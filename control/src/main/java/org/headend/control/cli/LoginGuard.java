package org.headend.control.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.headend.control.auth.FailedLoginLimiter;

/**
 * Failed management logins (SSH): consecutive failures per local user, shown by {@code show aaa local user} and
 * reset by {@code clear aaa local user}; a user is locked once {@code aaa local authentication attempts max-fail N}
 * is reached, until an administrator clears it (as on the ASA). Independently, the VPN login limiter's rules apply
 * per user name and per client address (a short lockout after a burst), so guessing from one address stays slow
 * even without {@code max-fail}; that limiter is the appliance's one, shared with VPN logins. Thread-safe: SSH logins
 * run on the SSH server's threads.
 */
public final class LoginGuard
{
    private final Map<String, Integer> failures = new TreeMap<>();
    private final Set<String> locked = new HashSet<>();
    private final FailedLoginLimiter limiter;
    private long totalFailures;

    /** With a limiter of its own (a CLI without the appliance). */
    public LoginGuard()
    {
        this(new FailedLoginLimiter());
    }

    /** Sharing the appliance's limiter: an SSH guess counts against the same user and address as a VPN one. */
    public LoginGuard(final FailedLoginLimiter limiter)
    {
        this.limiter = limiter;
    }

    public FailedLoginLimiter limiter()
    {
        return limiter;
    }

    /**
     * One row of {@code show aaa local user}.
     *
     * @param user     the user name
     * @param failures consecutive failed attempts
     * @param locked   whether the user is locked out
     */
    public record Row(String user, int failures, boolean locked)
    {
    }

    /** Whether a login of {@code user} from {@code address} may be tried at all now. */
    public synchronized boolean allows(final String user, final String address, final long nowNanos)
    {
        return !locked.contains(user) && !limiter.isLocked(user, address, nowNanos);
    }

    /**
     * Counts a failed login.
     *
     * @param known   whether {@code user} is a configured user (only those get a row, so the table cannot be filled
     *                with invented names)
     * @param maxFail the configured {@code max-fail}, 0 for none
     */
    public synchronized void onFailure(final String user, final boolean known, final String address,
        final long nowNanos, final int maxFail)
    {
        totalFailures++;
        limiter.onFailure(user, address, nowNanos);
        if (!known)
        {
            return;
        }
        final int count = failures.merge(user, 1, Integer::sum);
        if (maxFail > 0 && count >= maxFail)
        {
            locked.add(user);
        }
    }

    /**
     * Counts a failed login whose limiter count was already taken (by {@link org.headend.control.auth.Logins}):
     * the total and the per-user {@code max-fail} count only.
     */
    public synchronized void onRejected(final String user, final boolean known, final int maxFail)
    {
        totalFailures++;
        if (!known)
        {
            return;
        }
        final int count = failures.merge(user, 1, Integer::sum);
        if (maxFail > 0 && count >= maxFail)
        {
            locked.add(user);
        }
    }

    public synchronized void onSuccess(final String user)
    {
        failures.remove(user);
        limiter.onSuccess(user);
    }

    /** Every failed login since start, known user or not. */
    public synchronized long totalFailures()
    {
        return totalFailures;
    }

    public synchronized List<Row> rows()
    {
        final List<Row> rows = new ArrayList<>();
        final Set<String> names = new java.util.TreeSet<>(failures.keySet());
        names.addAll(locked);
        for (final String user : names)
        {
            rows.add(new Row(user, failures.getOrDefault(user, 0), locked.contains(user)));
        }
        return rows;
    }

    /** {@code clear aaa local user lockout}: unlocks {@code user}, or everyone when null; returns how many. */
    public synchronized int clearLockout(final String user)
    {
        final int before = locked.size();
        if (user == null)
        {
            locked.clear();
            failures.clear();
        }
        else
        {
            locked.remove(user);
            failures.remove(user);
        }
        return before - locked.size();
    }

    /** {@code clear aaa local user fail-attempts}: resets the counts of {@code user}, or of everyone when null. */
    public synchronized void clearFailures(final String user)
    {
        if (user == null)
        {
            failures.clear();
        }
        else
        {
            failures.remove(user);
        }
    }
}
