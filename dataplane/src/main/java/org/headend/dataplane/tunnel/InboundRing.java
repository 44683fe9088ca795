package org.headend.dataplane.tunnel;

import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.headend.dataplane.tun.TunIdleStrategy;

/**
 * The hand-off from tunnels (any event loop) to one TUN agent (inbound stage 1 → 2): a many-to-one ring of IP
 * packets plus the agent's doorbell.
 */
public final class InboundRing implements InboundSink
{
    /** Record type of an IP packet. */
    public static final int MSG_PACKET = 1;

    private final ManyToOneRingBuffer ring;
    private final TunIdleStrategy doorbell;

    /**
     * @param capacityBytes ring capacity, a power of two
     * @param doorbell      the consuming agent's idle strategy, woken after each packet
     */
    public InboundRing(final int capacityBytes, final TunIdleStrategy doorbell)
    {
        this.ring = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacityBytes + RingBufferDescriptor.TRAILER_LENGTH)));
        this.doorbell = doorbell;
        doorbell.watch(ring);
    }

    /** The ring the TUN agent consumes. */
    public ManyToOneRingBuffer ring()
    {
        return ring;
    }

    /**
     * Copies one packet from an Agrona buffer into the ring and wakes the agent if it sleeps. Allocation-free.
     *
     * @return false when the ring is full
     */
    @Override
    public boolean offer(final org.agrona.DirectBuffer src, final int index, final int length)
    {
        final int claim = ring.tryClaim(MSG_PACKET, length);
        if (claim <= 0)
        {
            return false;
        }
        ring.buffer().putBytes(claim, src, index, length);
        ring.commit(claim);
        doorbell.wake();
        return true;
    }
}
