package org.headend.dataplane.tunnel;

import io.netty.util.concurrent.EventExecutor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The hand-off from a TUN queue's owner to one Netty event loop (outbound stage 2). Threading mode
 * {@code dedicated}: a many-to-one ring of {@code (targetId, packet)} records written by TUN agents, drained by a task
 * on the event loop that frames each packet for its target (a tunnel's CSTP handler or DTLS endpoint) and flushes
 * every touched target once per batch. Mode {@code shared}: no ring, the loop reads the TUN itself and frames at
 * once, flushing at the end of its batch. Either way the TUN's owner calls {@link #handOff} and {@link #endBatch}.
 *
 * <p>Producers: the TUN's owner. Consumer and target registry: the event loop only.
 */
public final class EgressQueue
{
    private static final VarHandle SCHEDULED;
    /** Records per drain task; the task re-schedules itself so that socket I/O on the loop is not starved. */
    private static final int DRAIN_BATCH = 256;

    static
    {
        try
        {
            SCHEDULED = MethodHandles.lookup().findVarHandle(EgressQueue.class, "scheduled", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** {@link #handOff} results. */
    public static final int HANDED = 0;
    public static final int FULL = 1;
    public static final int NO_TARGET = 2;

    private final EventExecutor loop;
    private final ManyToOneRingBuffer ring;
    private final Runnable drainTask = this::drain;
    private final MessageHandler deliver = this::deliverNow;
    private final Int2ObjectHashMap<EgressTarget> targets = new Int2ObjectHashMap<>();
    private final EgressTarget[] toFlush = new EgressTarget[64];
    private int toFlushCount;
    @SuppressWarnings("unused") // accessed through SCHEDULED
    private volatile int scheduled;

    /**
     * @param loop          the event loop that drains this queue and owns the tunnels registered in it
     * @param capacityBytes ring capacity, a power of two; 0 for no ring at all, when no other thread hands packets
     *                      to this loop (threading mode {@code shared}: the loop reads the TUN and writes to its
     *                      targets directly, so only the registry is used)
     */
    public EgressQueue(final EventExecutor loop, final int capacityBytes)
    {
        this.loop = loop;
        this.ring = capacityBytes == 0 ? null : new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacityBytes + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /** The event loop this queue feeds. */
    public EventExecutor loop()
    {
        return loop;
    }

    /**
     * Hands one inside packet to target {@code targetId}: copied into the ring when another thread (a TUN agent)
     * reads the TUN, framed by the target at once when this loop reads it itself (no ring). The TUN's owner only;
     * allocation-free. Call {@link #endBatch} once per batch after the hand-offs.
     *
     * @return {@link #HANDED}; {@link #FULL} when the ring is full; {@link #NO_TARGET} when the loop holds no target
     *         under that id (the tunnel closed meanwhile). The caller counts a drop.
     */
    public int handOff(final int targetId, final DirectBuffer packet, final int offset, final int length)
    {
        if (ring == null)
        {
            return deliverNow(targetId, packet, offset, length) ? HANDED : NO_TARGET;
        }
        final int index = ring.tryClaim(targetId, length);
        if (index <= 0)
        {
            return FULL;
        }
        ring.buffer().putBytes(index, packet, offset, length);
        ring.commit(index);
        return HANDED;
    }

    /** Ends a batch of {@link #handOff}s: the loop drains the ring, or flushes the targets framed into. */
    public void endBatch()
    {
        if (ring == null)
        {
            flushAll();
        }
        else
        {
            wake();
        }
    }

    private void wake()
    {
        if (SCHEDULED.compareAndSet(this, 0, 1))
        {
            loop.execute(drainTask);
        }
    }

    /** Delivers records for {@code targetId} to {@code target}. Event loop only. */
    public void register(final int targetId, final EgressTarget target)
    {
        targets.put(targetId, target);
    }

    /** Stops delivering to {@code target}, unless another target took its id meanwhile. Event loop only. */
    public void unregister(final int targetId, final EgressTarget target)
    {
        if (targets.get(targetId) == target)
        {
            targets.remove(targetId);
        }
    }

    private void drain()
    {
        SCHEDULED.setVolatile(this, 0);
        int delivered = ring.read(deliver, DRAIN_BATCH);
        if (delivered < DRAIN_BATCH)
        {
            // a read stops at the end of the ring's buffer: what was written after the wrap would otherwise wait
            // for the next wake, i.e. the inside's next packet
            delivered += ring.read(deliver, DRAIN_BATCH - delivered);
        }
        flushAll();
        if (delivered == DRAIN_BATCH)
        {
            wake();
        }
    }

    /** Frames one packet for its target, remembered for the batch's flush; false when there is no such target. */
    private boolean deliverNow(final int targetId, final DirectBuffer buffer, final int index, final int length)
    {
        final EgressTarget target = targets.get(targetId);
        if (target == null)
        {
            return false;
        }
        // writeData returns true only the first time a target gets data in this batch, so each is flushed once
        if (target.writeData(buffer, index, length))
        {
            if (toFlushCount == toFlush.length)
            {
                flushAll();
            }
            toFlush[toFlushCount++] = target;
        }
        return true;
    }

    private void flushAll()
    {
        for (int i = 0; i < toFlushCount; i++)
        {
            toFlush[i].flushBatch();
            toFlush[i] = null;
        }
        toFlushCount = 0;
    }
}
