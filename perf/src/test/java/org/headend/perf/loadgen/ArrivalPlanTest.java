package org.headend.perf.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ArrivalPlanTest
{
    @Test
    void shouldSpaceConstantArrivalsEvenly()
    {
        final ArrivalPlan plan = new ArrivalPlan(50, 50, 0);
        assertEquals(0.0, plan.offsetSeconds(0), 1e-9);
        assertEquals(2.0, plan.offsetSeconds(100), 1e-9);
    }

    @Test
    void shouldRampLinearlyThenHoldTheTargetRate()
    {
        // 0 → 100/s over 10 s: 500 arrivals during the ramp, then one every 10 ms
        final ArrivalPlan plan = new ArrivalPlan(0, 100, 10);
        assertEquals(10.0, plan.offsetSeconds(500), 1e-6);
        assertEquals(Math.sqrt(2 * 10 * 125 / 100.0), plan.offsetSeconds(125), 1e-6);
        assertEquals(11.0, plan.offsetSeconds(600), 1e-6);
        double previous = -1;
        for (int i = 0; i < 700; i++)
        {
            final double t = plan.offsetSeconds(i);
            assertTrue(t > previous, "arrival " + i + " is not after the one before");
            previous = t;
        }
    }
}
