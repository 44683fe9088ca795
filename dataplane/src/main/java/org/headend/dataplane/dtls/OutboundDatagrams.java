package org.headend.dataplane.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * The envelopes of the UDP port's sends, reused: an envelope is taken for each send and comes back when the channel
 * has written (or dropped) it and releases it. The pool grows to the most sends in flight at once and stays there,
 * so after the first bursts a send allocates nothing.
 *
 * <p>Thread: the UDP port's event loop only (one pool per port, shared by its endpoints).
 */
public final class OutboundDatagrams
{
    /** Envelopes kept beyond this many in flight are left to the collector: a burst does not pin memory for good. */
    private static final int MAX_KEPT = 4096;
    private static final ByteBuf PLACEHOLDER = Unpooled.EMPTY_BUFFER;

    private OutboundDatagram[] free = new OutboundDatagram[64];
    private int freeCount;

    /**
     * An envelope for one send that owns {@code records} from now on.
     *
     * @param segmentSize the size of each record of a UDP GSO run, or 0 for one plain datagram
     */
    OutboundDatagram take(final ByteBuf records, final int segmentSize, final InetSocketAddress peer)
    {
        final OutboundDatagram datagram = freeCount > 0 ? free[--freeCount] : new OutboundDatagram(this, PLACEHOLDER);
        free[freeCount] = null;
        return datagram.set(records, segmentSize, peer);
    }

    /** Called by an envelope once its records are released. */
    void give(final OutboundDatagram datagram)
    {
        if (freeCount == free.length)
        {
            if (free.length >= MAX_KEPT)
            {
                return;
            }
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = datagram;
    }

    /** Envelopes waiting for reuse; for tests. */
    int idle()
    {
        return freeCount;
    }
}
