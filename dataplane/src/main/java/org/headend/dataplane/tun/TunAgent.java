package org.headend.dataplane.tun;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.TunPort;
import org.headend.dataplane.offload.PacketConsumer;
import org.headend.dataplane.tunnel.EgressQueue;
import org.headend.dataplane.tunnel.TunnelPath;

/**
 * Owns one TUN queue: writes the packets clients sent (stage 2 inbound) and routes the packets the inside sends
 * (stage 1 outbound) to the egress ring of the tunnel that owns the destination address.
 *
 * <p>Single-threaded: the route table is owned by this agent; control changes it only through {@link #command}.
 */
public final class TunAgent implements Agent
{
    /** Bounds one duty cycle so that neither direction starves the other. */
    private static final int BATCH = 64;
    private static final int COMMANDS_PER_CYCLE = 16;
    private static final int MAX_PACKET = 65535;

    private final String roleName;
    private final TunPort port;
    private final ManyToOneRingBuffer inbound;
    private final ManyToOneConcurrentArrayQueue<Runnable> commands = new ManyToOneConcurrentArrayQueue<>(1024);
    private final InsideRoutes routes;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(MAX_PACKET).order(ByteOrder.BIG_ENDIAN);
    private final UnsafeBuffer readView = new UnsafeBuffer(readBuffer);
    private final OversizedPackets oversized;
    /** Where the fragments of the packet being routed go: its tunnel's egress queue, set just before. */
    private EgressQueue fragmentEgress;
    private int fragmentTarget;
    private final PacketConsumer fragmentOut = this::offerFragment;
    private final PacketConsumer answerOut = this::writeAnswer;
    private final ByteBuffer inboundBytes;
    private final MessageHandler writer = this::writeToTun;
    private final EgressQueue[] touched = new EgressQueue[BATCH];
    private int touchedCount;

    private final AtomicCounter tunRx;
    private final AtomicCounter tunTx;
    private final AtomicCounter tunWriteErrors;
    private final AtomicCounter egressFull;

    /**
     * @param roleName the thread's name
     * @param port     the TUN queue this agent owns
     * @param inbound  the ring tunnels write client packets into; this agent is its only consumer. Its buffer must
     *                 wrap a direct ByteBuffer from index 0, so records can be written to the TUN without a copy.
     * @param counters where drops and packets are counted
     */
    public TunAgent(final String roleName, final TunPort port, final ManyToOneRingBuffer inbound,
        final DataplaneCounters counters)
    {
        this.roleName = roleName;
        this.port = port;
        this.inbound = inbound;
        this.inboundBytes = inbound.buffer().byteBuffer();
        if (inboundBytes == null || !inboundBytes.isDirect() || inbound.buffer().wrapAdjustment() != 0)
        {
            throw new IllegalArgumentException("the inbound ring must wrap a direct ByteBuffer from index 0");
        }
        routes = new InsideRoutes(counters);
        oversized = new OversizedPackets(counters);
        tunRx = counters.counter(DataplaneCounter.TUN_RX_PACKETS);
        tunTx = counters.counter(DataplaneCounter.TUN_TX_PACKETS);
        tunWriteErrors = counters.counter(DataplaneCounter.TUN_WRITE_ERRORS);
        egressFull = counters.counter(DataplaneCounter.EGRESS_RING_FULL_DROPS);
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

    /** Routes the session addresses of {@code path} to it; replaces older routes. Agent thread only. */
    void onAddRoutes(final TunnelPath path)
    {
        routes.add(path);
    }

    /** Removes the routes of {@code path}'s addresses that still belong to its tunnel. Agent thread only. */
    void onRemoveRoutes(final TunnelPath path)
    {
        routes.remove(path);
    }

    /** Command factory: see {@link #onAddRoutes}. */
    public Runnable addRoutes(final TunnelPath path)
    {
        return () -> onAddRoutes(path);
    }

    /** Command factory: see {@link #onRemoveRoutes}. */
    public Runnable removeRoutes(final TunnelPath path)
    {
        return () -> onRemoveRoutes(path);
    }

    @Override
    public int doWork()
    {
        int work = commands.drain(Runnable::run, COMMANDS_PER_CYCLE);
        work += inbound.read(writer, BATCH);
        work += readFromTun();
        return work;
    }

    private void writeToTun(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (port.write(inboundBytes, index, length) == length)
        {
            tunTx.increment();
        }
        else
        {
            tunWriteErrors.increment();
        }
    }

    private int readFromTun()
    {
        int packets = 0;
        while (packets < BATCH)
        {
            final int length = port.read(readBuffer, 0, MAX_PACKET);
            if (length < 0)
            {
                break;
            }
            packets++;
            tunRx.increment();
            route(length);
        }
        for (int i = 0; i < touchedCount; i++)
        {
            touched[i].wake();
            touched[i] = null;
        }
        touchedCount = 0;
        return packets;
    }

    private void route(final int length)
    {
        final TunnelPath path = routes.lookup(readBuffer, length);
        if (path == null)
        {
            return;
        }
        final TunnelPath.Route dtls = path.dtls();
        final EgressQueue egress = dtls != null ? dtls.queue() : path.cstp();
        final int targetId = dtls != null ? dtls.targetId() : path.tunnelId();
        if (path.mtu() > 0 && length > path.mtu())
        {
            fragmentEgress = egress;
            fragmentTarget = targetId;
            oversized.handle(readView, 0, length, path.mtu(), path.dfBitIgnore(), fragmentOut, answerOut);
            return;
        }
        if (!egress.offer(targetId, readBuffer, 0, length))
        {
            egressFull.increment();
            return;
        }
        markTouched(egress);
    }

    private void offerFragment(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        if (!fragmentEgress.offer(fragmentTarget, buffer.byteBuffer(), buffer.wrapAdjustment() + offset, length))
        {
            egressFull.increment();
            return;
        }
        markTouched(fragmentEgress);
    }

    /** An ICMP answer to an oversized packet goes back to the inside through this agent's own queue. */
    private void writeAnswer(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        if (port.write(buffer.byteBuffer(), buffer.wrapAdjustment() + offset, length) == length)
        {
            tunTx.increment();
        }
        else
        {
            tunWriteErrors.increment();
        }
    }

    private void markTouched(final EgressQueue egress)
    {
        for (int i = 0; i < touchedCount; i++)
        {
            if (touched[i] == egress)
            {
                return;
            }
        }
        touched[touchedCount++] = egress;
    }

    @Override
    public void onClose()
    {
        port.close();
    }

    @Override
    public String roleName()
    {
        return roleName;
    }
}
