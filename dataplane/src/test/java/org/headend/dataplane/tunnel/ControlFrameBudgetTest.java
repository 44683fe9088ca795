package org.headend.dataplane.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The per-tunnel control-frame budget: a burst, a steady refill, never more than the burst saved up. */
class ControlFrameBudgetTest
{
    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldAllowTheBurstThenTheRefillRateOnly()
    {
        final ControlFrameBudget budget = new ControlFrameBudget(0);
        assertEquals(ControlFrameBudget.BURST, taken(budget, 0, 1000));
        assertEquals(ControlFrameBudget.PER_SECOND, taken(budget, SECOND, 1000));
        assertEquals(ControlFrameBudget.BURST, taken(budget, 3600 * SECOND, 1000), "an hour of quiet saves one burst");
    }

    @Test
    void shouldNeverRefuseAClientThatSendsAFrameEverySecond()
    {
        final ControlFrameBudget budget = new ControlFrameBudget(0);
        for (int i = 0; i < 100_000; i++)
        {
            assertTrue(budget.take(i * SECOND));
        }
        assertFalse(budget.abused());
    }

    @Test
    void shouldCallItAbuseAfterTheLimitOfRefusedFrames()
    {
        final ControlFrameBudget budget = new ControlFrameBudget(0);
        taken(budget, 0, ControlFrameBudget.BURST + ControlFrameBudget.ABUSE_LIMIT - 1);
        assertFalse(budget.abused());
        budget.take(0);
        assertTrue(budget.abused());
    }

    private static int taken(final ControlFrameBudget budget, final long now, final int tries)
    {
        int n = 0;
        for (int i = 0; i < tries; i++)
        {
            if (budget.take(now))
            {
                n++;
            }
        }
        return n;
    }
}
