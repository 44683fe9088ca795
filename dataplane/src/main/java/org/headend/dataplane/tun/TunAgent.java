package org.headend.dataplane.tun;

import java.nio.ByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.TunPort;
import org.headend.dataplane.tunnel.TunnelPath;

/**
 * Threading mode {@code dedicated}: one TUN queue driven by its own thread. Each duty cycle applies control's
 * commands, writes the packets clients sent (the inbound ring, filled by the event loops) and runs the queue's
 * {@link TunLoop}, whose egress queues carry the inside's packets over rings to the tunnels' event loops.
 *
 * <p>Single-threaded: the route table is owned by this agent; control changes it only through {@link #command}.
 */
public final class TunAgent implements Agent
{
    private static final int COMMANDS_PER_CYCLE = 16;

    private final String roleName;
    private final ManyToOneRingBuffer inbound;
    private final ManyToOneConcurrentArrayQueue<Runnable> commands = new ManyToOneConcurrentArrayQueue<>(1024);
    private final TunLoop tun;
    private final MessageHandler writer;

    /**
     * @param roleName the thread's name
     * @param port     the TUN queue this agent owns (without offloads)
     * @param inbound  the ring tunnels write client packets into; this agent is its only consumer. Its buffer must
     *                 wrap a direct ByteBuffer from index 0, so records can be written to the TUN without a copy.
     * @param counters where drops and packets are counted
     */
    public TunAgent(final String roleName, final TunPort port, final ManyToOneRingBuffer inbound,
        final DataplaneCounters counters)
    {
        this.roleName = roleName;
        this.inbound = inbound;
        final ByteBuffer inboundBytes = inbound.buffer().byteBuffer();
        if (inboundBytes == null || !inboundBytes.isDirect() || inbound.buffer().wrapAdjustment() != 0)
        {
            throw new IllegalArgumentException("the inbound ring must wrap a direct ByteBuffer from index 0");
        }
        // an ICMP answer to an oversized packet goes back to the inside straight away: this thread owns the queue
        this.tun = new TunLoop(port, false, this::writeAnswer, counters);
        this.writer = this::writeToTun;
    }

    /**
     * Queues a change of this agent's state, applied at the top of its next duty cycle. Control path only.
     *
     * @return false when the command queue is full
     */
    public boolean command(final Runnable command)
    {
        return commands.offer(command);
    }

    /** Command factory: routes the session addresses of {@code path} to it, replacing older routes. */
    public Runnable addRoutes(final TunnelPath path)
    {
        return () -> tun.addRoutes(path);
    }

    /** Command factory: removes the routes of {@code path}'s addresses that still belong to its tunnel. */
    public Runnable removeRoutes(final TunnelPath path)
    {
        return () -> tun.removeRoutes(path);
    }

    @Override
    public int doWork()
    {
        int work = commands.drain(Runnable::run, COMMANDS_PER_CYCLE);
        work += inbound.read(writer, TunLoop.BATCH);
        work += tun.readBatch();
        return work;
    }

    private void writeToTun(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        tun.write(buffer, index, length);
    }

    private void writeAnswer(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        tun.write(buffer, offset, length);
    }

    @Override
    public void onClose()
    {
        tun.close();
    }

    @Override
    public String roleName()
    {
        return roleName;
    }
}
