package org.headend.control.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When a member cut off from etcd stops serving, on a clock the test moves by hand. */
class LeaseFenceTest
{
    private static final long TTL = 10;
    /** 1 s + 10 % of 10 s. */
    private static final long MARGIN = ms(2_000);
    /** An arbitrary start, near the wrap of the nanosecond counter, which the comparisons must survive. */
    private static final long T0 = Long.MAX_VALUE - ms(5_000);

    private static long ms(final long millis)
    {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void shouldFenceBeforeTheLeaseCanExpireCountingFromTheSendOfTheLastAcknowledgedRenewal()
    {
        final LeaseFence fence = new LeaseFence(T0, TTL);
        // renewal sent at +1 s, its answer slow (arrives at +4 s): the deadline runs from the send
        fence.renewed(T0 + ms(1_000), TTL);
        final long deadline = T0 + ms(1_000) + TimeUnit.SECONDS.toNanos(TTL) - MARGIN;
        assertEquals(deadline - (T0 + ms(4_000)), fence.remainingNanos(T0 + ms(4_000)));
        assertFalse(fence.fenceDue(deadline - 1), "still inside the lease");
        assertTrue(fence.fenceDue(deadline), "at the deadline: before etcd could expire the lease");
        assertTrue(fence.fenced());
        assertFalse(fence.fenceDue(deadline + ms(1)), "the fence begins once");
    }

    @Test
    void shouldNotLetALateAnswerToAnOlderRenewalMoveTheDeadlineBack()
    {
        final LeaseFence fence = new LeaseFence(T0, TTL);
        fence.renewed(T0 + ms(3_000), TTL);
        fence.renewed(T0 + ms(1_000), TTL);
        assertFalse(fence.fenceDue(T0 + ms(3_000) + TimeUnit.SECONDS.toNanos(TTL) - MARGIN - 1));
    }

    @Test
    void shouldLiftTheFenceOnlyForARenewalSentAfterItBegan()
    {
        final LeaseFence fence = new LeaseFence(T0, TTL);
        final long deadline = T0 + TimeUnit.SECONDS.toNanos(TTL) - MARGIN;
        assertTrue(fence.fenceDue(deadline));
        assertFalse(fence.renewed(deadline - ms(100), TTL), "a renewal sent before the fence proves nothing after it");
        assertTrue(fence.fenced());
        assertTrue(fence.renewed(deadline + ms(500), TTL), "etcd answered a renewal sent during the fence");
        assertFalse(fence.fenced());
        assertFalse(fence.fenceDue(deadline + ms(600)));
    }

    @Test
    void shouldFenceAtOnceWhenEtcdSaysTheLeaseIsGone()
    {
        final LeaseFence fence = new LeaseFence(T0, TTL);
        assertTrue(fence.leaseLost(T0 + ms(500)), "the deadline was far, but the lease expired");
        assertTrue(fence.fenced());
        assertFalse(fence.leaseLost(T0 + ms(600)));
        assertFalse(fence.renewed(T0 + ms(550), 0), "a TTL of 0 is no renewal");
        assertTrue(fence.fenced());
        assertTrue(fence.renewed(T0 + ms(700), TTL), "a new lease granted after the loss");
    }

    @Test
    void shouldKeepTheMarginAtOneSecondPlusATenthOfTheTtl()
    {
        assertEquals(MARGIN, LeaseFence.marginNanos(TTL));
        assertEquals(ms(4_000), LeaseFence.marginNanos(30));
    }
}
