package org.headend.dataplane.tun;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.TunPort;
import org.headend.dataplane.offload.PacketConsumer;
import org.headend.dataplane.offload.TcpSegmenter;
import org.headend.dataplane.offload.VirtioNetHeader;
import org.headend.dataplane.trace.StageTrace;
import org.headend.dataplane.tunnel.EgressQueue;
import org.headend.dataplane.tunnel.TunnelPath;

/**
 * One TUN queue's read-and-route loop, the same in both threading modes: it reads a batch of inside packets (cutting
 * TCP super-packets at the tunnel MTU when the queue has offloads), looks each destination up in the queue's route
 * table, hands the packet to its tunnel's {@link EgressQueue} (fragmenting it, or answering with ICMP, when it is
 * longer than the tunnel's MTU), and ends the batch on every egress queue it touched. The modes differ only in who
 * calls {@link #readBatch}, and so in the egress queue: {@code dedicated}, a TUN agent thread, whose queues carry the
 * packets over a ring to their event loop; {@code shared}, the event loop itself, whose queue frames them at once.
 *
 * <p>Single-threaded (the queue's owner); allocation-free per packet.
 */
public final class TunLoop
{
    /** Packets read per batch, so that the owner's other work (sockets, the inbound ring) is served between. */
    public static final int BATCH = 64;
    /** A read holds one packet, up to a 64 KiB TCP super-packet with its virtio-net header when offloads are on. */
    private static final int MAX_READ = 65535 + VirtioNetHeader.LENGTH;

    private final TunPort port;
    private final InsideRoutes routes;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(MAX_READ).order(ByteOrder.BIG_ENDIAN);
    private final UnsafeBuffer readView = new UnsafeBuffer(readBuffer);
    /** Offloads on: a read may be a TCP super-packet, cut here into plain packets. */
    private final TcpSegmenter segmenter;
    private final PacketConsumer deliverSegment = this::deliver;
    private final OversizedPackets oversized;
    /** Where the fragments of the packet being delivered go: its tunnel's queue and target, set just before. */
    private EgressQueue fragmentEgress;
    private int fragmentTarget;
    private final PacketConsumer fragmentOut = (buffer, offset, length) -> handOff(fragmentEgress, fragmentTarget,
        buffer, offset, length);
    private final PacketConsumer answerOut;
    private final EgressQueue[] touched = new EgressQueue[BATCH];
    private int touchedCount;

    private final AtomicCounter tunRx;
    private final AtomicCounter tunTx;
    private final AtomicCounter tunWriteErrors;
    private final AtomicCounter egressFull;
    private final AtomicCounter noTarget;

    /**
     * @param port     the TUN queue; reads and writes are non-blocking calls
     * @param offloads whether the device was opened with the virtio-net header and TSO/checksum offloads
     * @param answers  how an ICMP answer to an oversized packet goes back to the inside: the owner's way of writing a
     *                 client packet to this queue (with the virtio-net header when offloads are on)
     * @param counters the data plane's counters
     */
    public TunLoop(final TunPort port, final boolean offloads, final PacketConsumer answers,
        final DataplaneCounters counters)
    {
        this.port = port;
        this.segmenter = offloads ? new TcpSegmenter() : null;
        this.answerOut = answers;
        this.routes = new InsideRoutes(counters);
        this.oversized = new OversizedPackets(counters);
        tunRx = counters.counter(DataplaneCounter.TUN_RX_PACKETS);
        tunTx = counters.counter(DataplaneCounter.TUN_TX_PACKETS);
        tunWriteErrors = counters.counter(DataplaneCounter.TUN_WRITE_ERRORS);
        egressFull = counters.counter(DataplaneCounter.EGRESS_RING_FULL_DROPS);
        noTarget = counters.counter(DataplaneCounter.NO_ROUTE_DROPS);
    }

    /** Routes the session addresses of {@code path} to it; replaces older routes. Owner only. */
    public void addRoutes(final TunnelPath path)
    {
        routes.add(path);
    }

    /** Removes the routes of {@code path}'s addresses that still belong to its tunnel. Owner only. */
    public void removeRoutes(final TunnelPath path)
    {
        routes.remove(path);
    }

    /**
     * Reads and routes up to {@link #BATCH} packets, then ends the batch on every egress queue they went to.
     *
     * @return the packets read; {@link #BATCH} means more may be waiting
     */
    public int readBatch()
    {
        int packets = 0;
        while (packets < BATCH)
        {
            final int length = port.read(readBuffer, 0, MAX_READ);
            if (length < 0)
            {
                break;
            }
            StageTrace.mark(StageTrace.TUN_READ);
            packets++;
            tunRx.increment();
            if (segmenter == null)
            {
                deliver(readView, 0, length);
            }
            else if (segmenter.split(readView, 0, length, deliverSegment) < 0)
            {
                noTarget.increment();
            }
        }
        for (int i = 0; i < touchedCount; i++)
        {
            touched[i].endBatch();
            touched[i] = null;
        }
        touchedCount = 0;
        return packets;
    }

    /**
     * Writes one client packet to the TUN queue and counts it. {@code buffer} must wrap a direct ByteBuffer.
     *
     * @return false when the write failed (counted)
     */
    public boolean write(final DirectBuffer buffer, final int offset, final int length)
    {
        StageTrace.mark(StageTrace.TUN_WRITE);
        if (port.write(buffer.byteBuffer(), buffer.wrapAdjustment() + offset, length) == length)
        {
            StageTrace.mark(StageTrace.TUN_WRITTEN);
            tunTx.increment();
            return true;
        }
        tunWriteErrors.increment();
        return false;
    }

    private void deliver(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        final TunnelPath path = routes.lookup(buffer, offset, length);
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
            oversized.handle(buffer, offset, length, path.mtu(), path.dfBitIgnore(), fragmentOut, answerOut);
            return;
        }
        handOff(egress, targetId, buffer, offset, length);
    }

    private void handOff(final EgressQueue egress, final int targetId, final DirectBuffer buffer, final int offset,
        final int length)
    {
        switch (egress.handOff(targetId, buffer, offset, length))
        {
            case EgressQueue.HANDED -> markTouched(egress);
            case EgressQueue.FULL -> egressFull.increment();
            default -> noTarget.increment();
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
        if (touchedCount == touched.length)
        {
            // one egress queue per event loop: more than a batch's worth means a super-packet's segments went to
            // many loops; end this one's batch now rather than overflow
            egress.endBatch();
            return;
        }
        touched[touchedCount++] = egress;
    }

    /** Closes the TUN queue. */
    public void close()
    {
        port.close();
    }
}
