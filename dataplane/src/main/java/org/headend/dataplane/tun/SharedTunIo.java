package org.headend.dataplane.tun;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import java.nio.ByteBuffer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.TunPort;
import org.headend.dataplane.offload.TcpCoalescer;
import org.headend.dataplane.trace.StageTrace;
import org.headend.dataplane.tunnel.InboundSink;
import org.headend.dataplane.tunnel.TunnelPath;

/**
 * Threading mode {@code shared}: one TUN queue driven from the Netty io_uring event loop that also runs every TLS and
 * DTLS channel, so a packet crosses no thread and wakes nobody. A multishot {@code POLL_ADD} on the queue's fd tells
 * the loop when the inside has packets; it runs the queue's {@link TunLoop}, whose egress queue (without a ring) has
 * each packet framed or sealed by its tunnel's CSTP handler or DTLS endpoint straight away, flushed once per batch.
 * Client packets are written to the queue by the tunnels on the same loop ({@link InboundSink}).
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
    private static final int MAX_WRITE = 65535;

    private final IoUringIoOps pollOps;
    /** A one-shot poll that completes at once while packets wait: reading resumes after the sockets' completions. */
    private final IoUringIoOps readAgainOps;
    private final TunLoop tun;
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(MAX_WRITE);
    private final UnsafeBuffer writeView = new UnsafeBuffer(writeBuffer);
    /** Offloads on: client packets are joined per batch (userspace GRO) before they are written. */
    private final TcpCoalescer coalescer;
    private final Runnable endOfBatch = this::flushCoalesced;
    private boolean flushScheduled;
    /** Client packets were written (or coalesced) since the tunnels' last read batch ended. */
    private boolean written;
    private IoEventLoop loop;
    private IoRegistration registration;

    /**
     * @param port     the TUN queue; its fd is polled through io_uring, reads and writes are non-blocking calls
     * @param fd       the queue's file descriptor
     * @param offloads whether the device was opened with the virtio-net header and TSO/checksum offloads
     * @param counters the data plane's counters
     */
    public SharedTunIo(final TunPort port, final int fd, final boolean offloads, final DataplaneCounters counters)
    {
        // an ICMP answer goes back to the inside as a client packet would (with the virtio-net header if offloads)
        this.tun = new TunLoop(port, offloads, this::offer, counters);
        this.coalescer = offloads ? new TcpCoalescer(tun::write) : null;
        this.pollOps = new IoUringIoOps(IORING_OP_POLL_ADD, (byte)0, (short)0, fd, 0L, 0L, IORING_POLL_ADD_MULTI,
            POLLIN, 0L, (short)0, (short)0, 0, 0L);
        this.readAgainOps = new IoUringIoOps(IORING_OP_POLL_ADD, (byte)0, (short)0, fd, 0L, 0L, 0,
            POLLIN, READ_AGAIN, (short)0, (short)0, 0, 0L);
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
        tun.addRoutes(path);
    }

    /** Removes the routes of {@code path}'s addresses that still belong to its tunnel. Event loop only. */
    public void removeRoutes(final TunnelPath path)
    {
        tun.removeRoutes(path);
    }

    @Override
    public void handle(final IoRegistration registration, final IoEvent event)
    {
        StageTrace.mark(StageTrace.TUN_READABLE);
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
        if (tun.readBatch() == TunLoop.BATCH)
        {
            // more may be waiting and the multishot poll only fires on new arrivals: come back after the sockets had
            // a turn, through the ring rather than the loop's task queue (whose chunks are garbage)
            registration.submit(readAgainOps);
        }
    }

    @Override
    public boolean offer(final DirectBuffer src, final int index, final int length)
    {
        written = true;
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
        // the tunnels' buffers need not wrap a ByteBuffer, which a write(2) through the port takes
        writeView.putBytes(0, src, index, length);
        return tun.write(writeView, 0, length);
    }

    /**
     * A tunnel's read batch ended: the coalesced client packets are written now rather than by the end-of-turn task
     * (which runs only after the loop has submitted its next reads and taken the completions that came meanwhile),
     * and what the inside already answered, e.g. the kernel's own reply to a ping of this address or a TCP ACK, is
     * read and sent in the same step instead of a turn of the loop later, when its poll completion is handled.
     */
    @Override
    public void endOfBatch()
    {
        if (!written)
        {
            return;
        }
        written = false;
        if (flushScheduled)
        {
            flushCoalesced();
        }
        readBatch();
    }

    private void flushCoalesced()
    {
        if (!flushScheduled)
        {
            // written already at the end of the read batch
            return;
        }
        flushScheduled = false;
        coalescer.flush();
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
