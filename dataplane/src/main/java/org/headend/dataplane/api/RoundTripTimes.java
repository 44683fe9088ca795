package org.headend.dataplane.api;

import java.time.Duration;

/**
 * A reading of a tunnel's DPD round trips.
 *
 * @param count        how many probes were answered
 * @param lastNanos    the latest round trip
 * @param averageNanos the mean round trip
 */
public record RoundTripTimes(long count, long lastNanos, long averageNanos)
{
    /** The latest round trip, or null when no probe was answered yet. */
    public Duration last()
    {
        return count == 0 ? null : Duration.ofNanos(lastNanos);
    }

    /** The mean round trip, or null when no probe was answered yet. */
    public Duration average()
    {
        return count == 0 ? null : Duration.ofNanos(averageNanos);
    }
}
