package org.headend.nativecfg;

import java.lang.management.ManagementFactory;
import java.util.function.IntSupplier;

/**
 * Measures heap allocation of the calling thread over rounds of work.
 * <p>
 * Steady state is what matters for the packet path, but the JIT's background compiler finishes at a time that
 * depends on machine load, and a switch between tiers allocates a few hundred bytes once. So a round is repeated
 * until one allocates nothing, up to a limit. An allocation per call can never pass: it shows up in every round.
 */
public final class AllocationMeter
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    /**
     * @param rounds            rounds run, including the last.
     * @param lastRoundBytes    bytes the last round allocated, 0 on success.
     * @param firstRoundBytes   bytes the first measured round allocated.
     * @param lastRoundResult   what the last round returned, e.g. how many operations succeeded.
     * @param lastRoundNs       duration of the last round.
     */
    public record Result(int rounds, long lastRoundBytes, long firstRoundBytes, int lastRoundResult, long lastRoundNs)
    {
    }

    private AllocationMeter()
    {
    }

    /**
     * @param maxRounds upper bound on rounds.
     * @param round     the work; runs on the calling thread and returns a count to check afterwards.
     * @return the measurements of the last round run.
     */
    public static Result measureUntilNoAllocation(final int maxRounds, final IntSupplier round)
    {
        long firstRoundBytes = -1;
        for (int i = 1; ; i++)
        {
            final long startNs = System.nanoTime();
            final long before = THREADS.getCurrentThreadAllocatedBytes();
            final int result = round.getAsInt();
            final long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            final long elapsedNs = System.nanoTime() - startNs;
            if (firstRoundBytes < 0)
            {
                firstRoundBytes = allocated;
            }
            if (allocated == 0 || i == maxRounds)
            {
                return new Result(i, allocated, firstRoundBytes, result, elapsedNs);
            }
        }
    }
}
