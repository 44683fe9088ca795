package org.headend.perf.loadgen;

/**
 * When each session is meant to start, fixed before the run (open loop): a constant rate, or a linear ramp from
 * {@code from} to {@code to} per second over {@code rampSeconds} and then the constant {@code to}. Latency is measured
 * from these times, so a server (or a generator) that falls behind shows up in the figures instead of hiding in a
 * slower arrival rate.
 */
record ArrivalPlan(double from, double to, double rampSeconds)
{
    /** Seconds after the run's start at which arrival {@code i} (0-based) is due. */
    double offsetSeconds(final long i)
    {
        if (rampSeconds <= 0 || from == to)
        {
            return i / to;
        }
        // arrivals by time t during the ramp: n(t) = from·t + (to − from)·t² / (2·rampSeconds)
        final double rampArrivals = (from + to) * rampSeconds / 2;
        if (i >= rampArrivals)
        {
            return rampSeconds + (i - rampArrivals) / to;
        }
        final double a = (to - from) / (2 * rampSeconds);
        return (-from + Math.sqrt(from * from + 4 * a * i)) / (2 * a);
    }
}
