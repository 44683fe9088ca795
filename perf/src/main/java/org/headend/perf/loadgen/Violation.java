package org.headend.perf.loadgen;

/**
 * An answer openconnect would refuse (or a step that failed), named so that a run can count failures by reason:
 * {@code connect_bad_status}, {@code no_mtu}, {@code auth_denied}, … The name is the whole message; no stack trace
 * is kept, since thousands may be thrown in a run and each is counted, not printed.
 */
final class Violation extends Exception
{
    private static final long serialVersionUID = 1L;

    private final String reason;

    Violation(final String reason, final String detail)
    {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    /** The counted name, lower case with underscores. */
    String reason()
    {
        return reason;
    }
}
