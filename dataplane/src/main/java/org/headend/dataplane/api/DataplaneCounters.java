package org.headend.dataplane.api;

import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * The data plane's counters, one Agrona {@link AtomicCounter} per {@link DataplaneCounter}, laid out in off-heap
 * buffers so that a later version can map them into a file for out-of-process monitoring. Increments are
 * allocation-free and safe from any thread; reads from the CLI see recent values.
 */
public final class DataplaneCounters
{
    private final AtomicCounter[] counters;
    /** The round trips of the headend's DPD probes over TLS and DTLS, every tunnel together. */
    private final LatencyHistogram dpdRoundTrips =
        new LatencyHistogram(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5);

    public DataplaneCounters()
    {
        final DataplaneCounter[] all = DataplaneCounter.values();
        final UnsafeBuffer metadata =
            new UnsafeBuffer(ByteBuffer.allocateDirect(all.length * CountersManager.METADATA_LENGTH));
        final UnsafeBuffer values =
            new UnsafeBuffer(ByteBuffer.allocateDirect(all.length * CountersManager.COUNTER_LENGTH));
        final CountersManager manager = new CountersManager(metadata, values);
        counters = new AtomicCounter[all.length];
        for (final DataplaneCounter counter : all)
        {
            counters[counter.ordinal()] = manager.newCounter(counter.description());
        }
    }

    /** The live counter to increment. */
    public AtomicCounter counter(final DataplaneCounter counter)
    {
        return counters[counter.ordinal()];
    }

    /** The DPD round trips of all tunnels. */
    public LatencyHistogram dpdRoundTrips()
    {
        return dpdRoundTrips;
    }

    /** The current value. */
    public long get(final DataplaneCounter counter)
    {
        return counters[counter.ordinal()].get();
    }
}
