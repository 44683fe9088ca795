package org.headend.dataplane.tunnel;

import org.agrona.DirectBuffer;

/**
 * Where tunnels put the packets their clients send: a ring to a TUN agent thread (threading mode {@code dedicated})
 * or the TUN queue itself, written on the event loop that owns it (mode {@code shared}). Called on a tunnel's event
 * loop; allocation-free.
 */
public interface InboundSink
{
    /**
     * Takes one packet from an Agrona buffer.
     *
     * @return false when the packet had to be dropped
     */
    boolean offer(DirectBuffer src, int index, int length);

    /**
     * The tunnel's transport has read all it had (its read batch ended): what was offered should reach the inside
     * now. A sink that writes at once, or hands the packets to another thread, has nothing to do.
     */
    default void endOfBatch()
    {
    }
}
