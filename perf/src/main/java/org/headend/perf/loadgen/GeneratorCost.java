package org.headend.perf.loadgen;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What the generator itself spent: its process CPU, the bytes its threads allocated and its GC pauses, read at two
 * moments and subtracted. Printed with a plateau's round trips, so that a run shows whether the generator (its CPU
 * on a shared box, its GC pauses, which delay every reply it is timing) could be what the figures measure.
 */
record GeneratorCost(long cpuNanos, long allocatedBytes, long collections, long collectionMillis)
{
    static GeneratorCost now()
    {
        long count = 0;
        long millis = 0;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        final long cpu = ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
        final long allocated = ManagementFactory.getThreadMXBean()
            instanceof com.sun.management.ThreadMXBean threads ? threads.getTotalThreadAllocatedBytes() : 0;
        return new GeneratorCost(cpu, allocated, count, millis);
    }

    GeneratorCost minus(final GeneratorCost earlier)
    {
        return new GeneratorCost(cpuNanos - earlier.cpuNanos, allocatedBytes - earlier.allocatedBytes,
            collections - earlier.collections, collectionMillis - earlier.collectionMillis);
    }

    /** {@code gen_cpu_ms=… gen_alloc_mb=… gen_gcs=… gen_gc_ms=…} */
    @Override
    public String toString()
    {
        return String.format(Locale.ROOT, "gen_cpu_ms=%d gen_alloc_mb=%.1f gen_gcs=%d gen_gc_ms=%d",
            cpuNanos / 1_000_000, allocatedBytes / 1048576.0, collections, collectionMillis);
    }
}
