package org.headend.control.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sweep's queue of session times: only the sessions due come out, earliest first, each at its latest time. */
class SessionDeadlinesTest
{
    private final SessionDeadlines deadlines = new SessionDeadlines();

    private List<Integer> drain(final long now)
    {
        final List<Integer> visited = new ArrayList<>();
        deadlines.drainDue(now, visited::add);
        return visited;
    }

    @Test
    void shouldHandOutOnlyTheSessionsDueEarliestFirst()
    {
        deadlines.arm(1, 300);
        deadlines.arm(2, 100);
        deadlines.arm(3, 200);
        assertEquals(List.of(), drain(99));
        assertEquals(List.of(2, 3), drain(200));
        assertEquals(List.of(1), drain(1_000));
        assertEquals(0, deadlines.size(), "a visited session is disarmed until its visit arms it again");
    }

    @Test
    void shouldKeepOnlyTheLatestTimeOfASession()
    {
        deadlines.arm(7, 100);
        deadlines.arm(7, 500);
        assertEquals(List.of(), drain(200), "moved later: not due at its first time");
        assertEquals(List.of(7), drain(500));
        deadlines.arm(8, 900);
        deadlines.arm(8, 600);
        assertEquals(List.of(8), drain(600), "moved earlier: due then, once");
        assertEquals(List.of(), drain(1_000));
    }

    @Test
    void shouldForgetACancelledSession()
    {
        deadlines.arm(1, 100);
        deadlines.arm(2, 100);
        deadlines.cancel(1);
        assertEquals(List.of(2), drain(100));
    }

    @Test
    void shouldOrderTimesAcrossTheClockWrapping()
    {
        deadlines.arm(1, Long.MIN_VALUE + 10);
        deadlines.arm(2, Long.MAX_VALUE - 10);
        assertEquals(List.of(2), drain(Long.MAX_VALUE), "the time past the wrap is still ahead");
        assertEquals(List.of(1), drain(Long.MIN_VALUE + 20));
    }

    @Test
    void shouldLoseNoSessionWhenTimesAreReplacedManyTimes()
    {
        for (int round = 0; round < 100; round++)
        {
            for (int index = 0; index < 50; index++)
            {
                deadlines.arm(index, 1_000 + round);
            }
        }
        assertEquals(50, deadlines.size());
        assertEquals(50, drain(1_099).size(), "each once, at its last time, after the stale entries were dropped");
        assertEquals(List.of(), drain(10_000));
    }

    @Test
    void shouldEndADrainWhoseVisitsArmTimesAlreadyPast()
    {
        deadlines.arm(1, 100);
        final List<Integer> visited = new ArrayList<>();
        deadlines.drainDue(100, index ->
        {
            visited.add(index);
            deadlines.arm(index, 50);
        });
        assertEquals(List.of(1), visited.subList(0, 1));
        assertEquals(1, deadlines.size(), "armed again by its visit");
    }
}
