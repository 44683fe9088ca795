package org.headend.dataplane.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.headend.dataplane.api.LatencyHistogram;
import org.junit.jupiter.api.Test;

/** DPD round trips: timed from the probe to its answer, averaged, and an answer nobody asked for ignored. */
class RoundTripsTest
{
    @Test
    void shouldTimeEachAnsweredProbeAndIgnoreAnswersNobodyAskedFor()
    {
        final RoundTrips roundTrips = new RoundTrips();
        final LatencyHistogram all = new LatencyHistogram(0.001, 0.01, 0.1);
        roundTrips.answered(5_000_000, all);
        assertEquals(0, roundTrips.count(), "no probe was outstanding");

        roundTrips.probeSent(1_000_000_000L);
        roundTrips.answered(1_002_000_000L, all);
        roundTrips.answered(1_003_000_000L, all);
        roundTrips.probeSent(2_000_000_000L);
        roundTrips.answered(2_006_000_000L, all);

        assertEquals(2, roundTrips.count(), "a second answer to one probe is not a sample");
        assertEquals(6_000_000, roundTrips.lastNanos());
        assertEquals(4_000_000, roundTrips.averageNanos());
        assertEquals(2, all.count());
        assertEquals(0, all.bucket(0));
        assertEquals(2, all.bucket(1), "both round trips are between 1 and 10 ms");
    }
}
