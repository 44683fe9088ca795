package org.headend.dataplane.tunnel;

import org.agrona.DirectBuffer;

/**
 * Where an {@link EgressQueue} delivers the inside packets of one tunnel: its CSTP handler or its DTLS endpoint.
 * Called on the queue's event loop only.
 */
public interface EgressTarget
{
    /**
     * Frames and writes one inner packet (without flushing).
     *
     * @return true if this target was not yet waiting for the batch's flush
     */
    boolean writeData(DirectBuffer src, int index, int length);

    /** Flushes what {@link #writeData} wrote in this batch. */
    void flushBatch();
}
