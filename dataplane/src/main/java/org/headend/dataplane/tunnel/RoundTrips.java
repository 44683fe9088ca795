package org.headend.dataplane.tunnel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.headend.dataplane.api.LatencyHistogram;

/**
 * Round trips of the DPD probes the headend sends on one transport of a tunnel, timed from the probe to the
 * client's answer. Single writer: the event loop of the CSTP handler or DTLS endpoint that probes; any thread may
 * read the last and average. DPD is rare (at most a few per interval), so the atomics cost nothing per packet.
 */
public final class RoundTrips
{
    private static final VarHandle LAST;
    private static final VarHandle COUNT;
    private static final VarHandle SUM;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            LAST = lookup.findVarHandle(RoundTrips.class, "lastNanos", long.class);
            COUNT = lookup.findVarHandle(RoundTrips.class, "count", long.class);
            SUM = lookup.findVarHandle(RoundTrips.class, "sumNanos", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** When the unanswered probe went out; -1 when none is outstanding. Writer only. */
    private long probeSentNanos = -1;
    private long lastNanos;
    private long count;
    private long sumNanos;

    /** A probe went out at {@code nowNanos}; a later probe restarts the clock. */
    public void probeSent(final long nowNanos)
    {
        probeSentNanos = nowNanos;
    }

    /** The client answered at {@code nowNanos}: one sample, also recorded in {@code all}; ignored unasked. */
    public void answered(final long nowNanos, final LatencyHistogram all)
    {
        if (probeSentNanos < 0)
        {
            return;
        }
        final long rtt = nowNanos - probeSentNanos;
        probeSentNanos = -1;
        LAST.setRelease(this, rtt);
        SUM.setRelease(this, sumNanos + rtt);
        COUNT.setRelease(this, count + 1);
        all.observeNanos(rtt);
    }

    /** The latest round trip, nanoseconds; 0 before the first. */
    public long lastNanos()
    {
        return (long)LAST.getAcquire(this);
    }

    /** How many round trips were timed. */
    public long count()
    {
        return (long)COUNT.getAcquire(this);
    }

    /** The mean round trip, nanoseconds; 0 before the first. */
    public long averageNanos()
    {
        final long n = count();
        return n == 0 ? 0 : (long)SUM.getAcquire(this) / n;
    }
}
