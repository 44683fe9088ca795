package org.headend.dataplane.tunnel;

import io.netty.util.concurrent.EventExecutor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The hand-off from TUN agents to one Netty event loop (outbound stage 2): a many-to-one ring of
 * {@code (tunnelId, packet)} records, drained by a task on the event loop that frames each packet into its tunnel
 * and flushes every touched tunnel once per batch.
 *
 * <p>Producers: TUN agents ({@link #offer}, {@link #wake}). Consumer and tunnel registry: the event loop only.
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

    private final EventExecutor loop;
    private final ManyToOneRingBuffer ring;
    private final Runnable drainTask = this::drain;
    private final MessageHandler deliver = this::deliver;
    private final Int2ObjectHashMap<CstpTunnelHandler> tunnels = new Int2ObjectHashMap<>();
    private final CstpTunnelHandler[] toFlush = new CstpTunnelHandler[64];
    private int toFlushCount;
    @SuppressWarnings("unused") // accessed through SCHEDULED
    private volatile int scheduled;

    /**
     * @param loop          the event loop that drains this queue and owns the tunnels registered in it
     * @param capacityBytes ring capacity, a power of two
     */
    public EgressQueue(final EventExecutor loop, final int capacityBytes)
    {
        this.loop = loop;
        this.ring = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacityBytes + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /** The event loop this queue feeds. */
    public EventExecutor loop()
    {
        return loop;
    }

    /**
     * Copies one packet for {@code tunnelId} into the ring. Producer threads only; allocation-free.
     *
     * @return false when the ring is full (the caller counts the drop)
     */
    public boolean offer(final int tunnelId, final ByteBuffer packet, final int offset, final int length)
    {
        final int index = ring.tryClaim(tunnelId, length);
        if (index <= 0)
        {
            return false;
        }
        ring.buffer().putBytes(index, packet, offset, length);
        ring.commit(index);
        return true;
    }

    /** Makes sure a drain task is queued on the event loop; call once per batch after {@link #offer}s. */
    public void wake()
    {
        if (SCHEDULED.compareAndSet(this, 0, 1))
        {
            loop.execute(drainTask);
        }
    }

    void register(final int tunnelId, final CstpTunnelHandler tunnel)
    {
        tunnels.put(tunnelId, tunnel);
    }

    void unregister(final int tunnelId, final CstpTunnelHandler tunnel)
    {
        if (tunnels.get(tunnelId) == tunnel)
        {
            tunnels.remove(tunnelId);
        }
    }

    private void drain()
    {
        SCHEDULED.setVolatile(this, 0);
        final int delivered = ring.read(deliver, DRAIN_BATCH);
        flushAll();
        if (delivered == DRAIN_BATCH)
        {
            wake();
        }
    }

    private void deliver(final int tunnelId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final CstpTunnelHandler tunnel = tunnels.get(tunnelId);
        // writeData returns true only the first time a tunnel gets data in this batch, so each is flushed once
        if (tunnel != null && tunnel.writeData(buffer, index, length))
        {
            if (toFlushCount == toFlush.length)
            {
                flushAll();
            }
            toFlush[toFlushCount++] = tunnel;
        }
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
