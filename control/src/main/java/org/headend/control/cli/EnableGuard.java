package org.headend.control.cli;

import org.headend.control.auth.FailedLoginLimiter;

/**
 * Rate limit for {@code enable} (bad-inputs #46): wrong enable passwords count in the appliance's
 * {@link FailedLoginLimiter} under the operator's name ({@link #MAX_FAILURES} lock it) and client address (never
 * address:port, so opening more connections buys no more guesses); while either is locked {@code enable} is
 * refused without asking. Thread-safe.
 */
public final class EnableGuard
{
    /** Wrong enable passwords that lock {@code enable} (two rounds of three prompts). */
    static final int MAX_FAILURES = 6;
    /** The counted name: enable guesses lock the operator's enable, not the operator's login. */
    private static final String PREFIX = "enable/";

    private final FailedLoginLimiter limiter;

    /** With a limiter of its own (a CLI without the appliance). */
    public EnableGuard()
    {
        this(new FailedLoginLimiter());
    }

    public EnableGuard(final FailedLoginLimiter limiter)
    {
        this.limiter = limiter;
    }

    /** Nanoseconds left in a lockout of {@code user} at {@code address}, or 0 when {@code enable} may be tried. */
    public long lockedFor(final String user, final String address, final long nowNanos)
    {
        return limiter.lockedFor(PREFIX + user, address, nowNanos);
    }

    public void onFailure(final String user, final String address, final long nowNanos)
    {
        limiter.onFailure(PREFIX + user, address, nowNanos, MAX_FAILURES);
    }

    public void onSuccess(final String user)
    {
        limiter.onSuccess(PREFIX + user);
    }
}
