package org.headend.dataplane.tun;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.TunPort;
import org.headend.dataplane.offload.PacketConsumer;
import org.headend.dataplane.offload.TcpCoalescer;
import org.headend.dataplane.offload.TcpSegmenter;
import org.headend.dataplane.offload.VirtioNetHeader;
import org.headend.dataplane.tunnel.EgressTarget;
import org.headend.dataplane.tunnel.InboundSink;
import org.headend.dataplane.tunnel.TunnelPath;

/**
 * Threading mode {@code shared}: one TUN queue driven from the Netty io_uring event loop that also runs every TLS and
 * DTLS channel, so a packet crosses no thread and wakes nobody. A multishot {@code POLL_ADD} on the queue's fd tells
 * the loop when the inside has packets; it reads them (outbound stage 1), routes each to its tunnel's CSTP handler
 * or DTLS endpoint, which frames or seals it straight away (stage 2), and flushes every touched target once per
 * batch. Client packets are written to the queue by the tunnels on the same loop ({@link InboundSink}).
 *
 * <p>Thread: the event loop, after {@link #start}.
 */
public final class SharedTunIo implements IoUringIoHandle, InboundSink
{
    private static final byte IORING_OP_POLL_ADD = 6;
    private static final int IORING_POLL_ADD_MULTI = 1;
    private static final int IORING_CQE_F_MORE = 1 << 1;
    private static final int POLLIN = 1;
    /** The user data of {@link #readAgainOps}' completion. */
    private static final short READ_AGAIN = 1;
    /** Packets read per turn of the loop, so that sockets are served between bursts from the inside. */
    private static final int BATCH = 64;
    /** A read holds one packet, up to a 64 KiB TCP super-packet with its virtio-net header when offloads are on. */
    private static final int MAX_READ = 65535 + VirtioNetHeader.LENGTH;

    private final TunPort port;
    private final IoUringIoOps pollOps;
    /** A one-shot poll that completes at once while packets wait: reading resumes after the sockets' completions. */
    private final IoUringIoOps readAgainOps;
    private final InsideRoutes routes;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(MAX_READ).order(ByteOrder.BIG_ENDIAN);
    private final UnsafeBuffer readView = new UnsafeBuffer(readBuffer);
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(MAX_READ);
    private final UnsafeBuffer writeView = new UnsafeBuffer(writeBuffer);
    /** Offloads on: reads are cut into plain packets here, and client packets are joined per batch there. */
    private final TcpSegmenter segmenter;
    private final TcpCoalescer coalescer;
    private final PacketConsumer deliverSegment = this::deliver;
    private final OversizedPackets oversized;
    /** Where the fragments of the packet being delivered go: its tunnel's target, set just before. */
    private EgressTarget fragmentTarget;
    private final PacketConsumer fragmentOut = (buffer, offset, length) -> writeTarget(fragmentTarget, buffer,
        offset, length);
    /** An ICMP answer goes back to the inside as a client packet would (with the virtio-net header if offloads). */
    private final PacketConsumer answerOut = this::offer;
    private final Runnable endOfBatch = this::flushCoalesced;
    private boolean flushScheduled;
    private final EgressTarget[] touched = new EgressTarget[BATCH];
    private int touchedCount;
    private IoEventLoop loop;
    private IoRegistration registration;

    private final AtomicCounter tunRx;
    private final AtomicCounter tunTx;
    private final AtomicCounter tunWriteErrors;
    private final AtomicCounter noTarget;

    /**
     * @param port     the TUN queue; its fd is polled through io_uring, reads and writes are non-blocking calls
     * @param fd       the queue's file descriptor
     * @param offloads whether the device was opened with the virtio-net header and TSO/checksum offloads
     * @param counters the data plane's counters
     */
    public SharedTunIo(final TunPort port, final int fd, final boolean offloads, final DataplaneCounters counters)
    {
        this.port = port;
        this.segmenter = offloads ? new TcpSegmenter() : null;
        this.coalescer = offloads ? new TcpCoalescer(this::writeToTun) : null;
        this.pollOps = new IoUringIoOps(IORING_OP_POLL_ADD, (byte)0, (short)0, fd, 0L, 0L, IORING_POLL_ADD_MULTI,
            POLLIN, 0L, (short)0, (short)0, 0, 0L);
        this.readAgainOps = new IoUringIoOps(IORING_OP_POLL_ADD, (byte)0, (short)0, fd, 0L, 0L, 0,
            POLLIN, READ_AGAIN, (short)0, (short)0, 0, 0L);
        this.routes = new InsideRoutes(counters);
        this.oversized = new OversizedPackets(counters);
        tunRx = counters.counter(DataplaneCounter.TUN_RX_PACKETS);
        tunTx = counters.counter(DataplaneCounter.TUN_TX_PACKETS);
        tunWriteErrors = counters.counter(DataplaneCounter.TUN_WRITE_ERRORS);
        noTarget = counters.counter(DataplaneCounter.NO_ROUTE_DROPS);
    }

    /** Registers with {@code loop} and starts polling; waits for the registration. Control path. */
    public void start(final IoEventLoop loop) throws InterruptedException
    {
        this.loop = loop;
        final IoRegistration reg = loop.register(this).sync().getNow();
        loop.submit(() ->
        {
            registration = reg;
            registration.submit(pollOps);
        }).sync();
    }

    /** The event loop this queue lives on. */
    public IoEventLoop loop()
    {
        return loop;
    }

    /** Routes the session addresses of {@code path} to it. Event loop only. */
    public void addRoutes(final TunnelPath path)
    {
        routes.add(path);
    }

    /** Removes the routes of {@code path}'s addresses that still belong to its tunnel. Event loop only. */
    public void removeRoutes(final TunnelPath path)
    {
        routes.remove(path);
    }

    @Override
    public void handle(final IoRegistration registration, final IoEvent event)
    {
        final IoUringIoEvent completion = (IoUringIoEvent)event;
        if (completion.data() == READ_AGAIN)
        {
            // one-shot: nothing to arm again
            if (completion.res() >= 0)
            {
                readBatch();
            }
            return;
        }
        if (completion.res() >= 0)
        {
            readBatch();
        }
        if ((completion.flags() & IORING_CQE_F_MORE) == 0 && registration.isValid())
        {
            // the kernel ended the multishot poll (overflow, error): arm it again
            registration.submit(pollOps);
        }
    }

    private void readBatch()
    {
        int packets = 0;
        while (packets < BATCH)
        {
            final int length = port.read(readBuffer, 0, MAX_READ);
            if (length < 0)
            {
                break;
            }
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
            touched[i].flushBatch();
            touched[i] = null;
        }
        touchedCount = 0;
        if (packets == BATCH)
        {
            // more may be waiting and the multishot poll only fires on new arrivals: come back after the sockets had
            // a turn, through the ring rather than the loop's task queue (whose chunks are garbage)
            registration.submit(readAgainOps);
        }
    }

    private void deliver(final org.agrona.MutableDirectBuffer buffer, final int offset, final int length)
    {
        final TunnelPath path = routes.lookup(buffer, offset, length);
        if (path == null)
        {
            return;
        }
        final TunnelPath.Route dtls = path.dtls();
        final EgressTarget target = dtls != null ? dtls.queue().target(dtls.targetId())
            : path.cstp().target(path.tunnelId());
        if (target == null)
        {
            noTarget.increment();
            return;
        }
        if (path.mtu() > 0 && length > path.mtu())
        {
            fragmentTarget = target;
            oversized.handle(buffer, offset, length, path.mtu(), path.dfBitIgnore(), fragmentOut, answerOut);
            return;
        }
        writeTarget(target, buffer, offset, length);
    }

    private void writeTarget(final EgressTarget target, final DirectBuffer buffer, final int offset, final int length)
    {
        if (target.writeData(buffer, offset, length) && touchedCount < touched.length)
        {
            touched[touchedCount++] = target;
        }
        else if (touchedCount == touched.length)
        {
            // a super-packet can touch more targets than a batch has reads: flush early rather than overflow
            target.flushBatch();
        }
    }

    @Override
    public boolean offer(final DirectBuffer src, final int index, final int length)
    {
        if (coalescer != null)
        {
            if (!flushScheduled)
            {
                // tasks run after the loop has handled every completion of this turn: the end of the batch
                flushScheduled = true;
                loop.execute(endOfBatch);
            }
            return coalescer.offer(src, index, length);
        }
        writeView.putBytes(0, src, index, length);
        return writeToTun(writeView, 0, length);
    }

    private void flushCoalesced()
    {
        flushScheduled = false;
        coalescer.flush();
    }

    private boolean writeToTun(final DirectBuffer buffer, final int offset, final int length)
    {
        if (port.write(buffer.byteBuffer(), buffer.wrapAdjustment() + offset, length) == length)
        {
            tunTx.increment();
            return true;
        }
        tunWriteErrors.increment();
        return false;
    }

    @Override
    public void close()
    {
        if (registration != null)
        {
            registration.cancel();
        }
    }
}
