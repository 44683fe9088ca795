package org.headend.dataplane.api;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A histogram of durations with fixed bucket bounds, for export to Prometheus. Any thread may observe (a few atomic
 * adds, no allocation) and any thread may read it; a reader that races an observation may see the count one ahead
 * of a bucket. Meant for events (logins, DPD round trips), not for every packet.
 */
public final class LatencyHistogram
{
    private final double[] boundsSeconds;
    private final AtomicLongArray buckets;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong sumNanos = new AtomicLong();

    /** @param boundsSeconds upper bounds of the buckets, ascending; {@code +Inf} is implied */
    public LatencyHistogram(final double... boundsSeconds)
    {
        for (int i = 1; i < boundsSeconds.length; i++)
        {
            if (boundsSeconds[i] <= boundsSeconds[i - 1])
            {
                throw new IllegalArgumentException("bucket bounds must ascend");
            }
        }
        this.boundsSeconds = boundsSeconds.clone();
        this.buckets = new AtomicLongArray(boundsSeconds.length);
    }

    /** Records one duration; negative ones count as zero. */
    public void observeNanos(final long nanos)
    {
        final long clamped = Math.max(0, nanos);
        final double seconds = clamped / 1e9;
        for (int i = 0; i < boundsSeconds.length; i++)
        {
            if (seconds <= boundsSeconds[i])
            {
                buckets.incrementAndGet(i);
                break;
            }
        }
        sumNanos.addAndGet(clamped);
        count.incrementAndGet();
    }

    /** How many durations were recorded. */
    public long count()
    {
        return count.get();
    }

    /** The sum of the recorded durations, nanoseconds. */
    public long sumNanos()
    {
        return sumNanos.get();
    }

    /** How many buckets there are, {@code +Inf} not included. */
    public int buckets()
    {
        return boundsSeconds.length;
    }

    /** The upper bound of bucket {@code i}, seconds. */
    public double bound(final int i)
    {
        return boundsSeconds[i];
    }

    /** Durations recorded in bucket {@code i} alone (not cumulative). */
    public long bucket(final int i)
    {
        return buckets.get(i);
    }
}
