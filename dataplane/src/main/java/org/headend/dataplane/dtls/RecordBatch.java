package org.headend.dataplane.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.headend.dataplane.trace.StageTrace;
import org.headend.nativecfg.udp.UdpSender;

/**
 * The records one DTLS endpoint seals in a batch, on their way out as one datagram each or as one UDP GSO send of
 * equal-sized records (the last may be shorter; a longer one starts the next send). With a {@link UdpSender} (the
 * io_uring socket) records are sealed in place into a native slab and sent with one sendmsg(2), allocating nothing;
 * otherwise (the NIO socket) into a pooled buffer written through the channel in a reused envelope.
 *
 * <p>Thread: the port's event loop.
 */
public final class RecordBatch
{
    /** The kernel's limit on segments in one UDP GSO send (UDP_MAX_SEGMENTS). */
    private static final int MAX_SEGMENTS = 64;

    private final Channel channel;
    private final boolean gso;
    private final UdpSender sender;
    private final SendSlabs slabs;
    private final OutboundDatagrams envelopes;
    private final AtomicCounter sendErrors;
    private InetSocketAddress peer;
    private UdpSender.Destination destination;

    private UnsafeBuffer slab;
    private ByteBuf pending;
    private int used;
    private int segment;
    private int count;

    /**
     * @param sender     sends on the channel's socket directly, or null to write through the channel
     * @param sendErrors counts sends the kernel refused (a full socket buffer among them)
     */
    public RecordBatch(final Channel channel, final boolean gso, final UdpSender sender, final SendSlabs slabs,
        final OutboundDatagrams envelopes, final AtomicCounter sendErrors)
    {
        this.channel = channel;
        this.gso = gso;
        this.sender = sender;
        this.slabs = slabs;
        this.envelopes = envelopes;
        this.sendErrors = sendErrors;
    }

    /** Where the records go from now on (at start, and after a NAT rebinding). Control path: allocates. */
    public void peer(final InetSocketAddress peer)
    {
        emit();
        this.peer = peer;
        this.destination = sender == null ? null : sender.destination(peer);
    }

    /** Points {@code view} at room for one record of {@code recordLength} bytes, sending what must go first. */
    public void open(final int recordLength, final UnsafeBuffer view)
    {
        if (count > 0 && (recordLength > segment || count == MAX_SEGMENTS
            || used + recordLength > SendSlabs.SLAB_BYTES))
        {
            emit();
        }
        if (count == 0)
        {
            segment = recordLength;
            if (sender != null)
            {
                slab = slabs.take();
            }
            else
            {
                pending = channel.alloc().directBuffer(gso ? SendSlabs.SLAB_BYTES : recordLength);
            }
        }
        if (sender != null)
        {
            view.wrap(slab, used, recordLength);
        }
        else if (pending.hasMemoryAddress())
        {
            view.wrap(pending.memoryAddress() + used, recordLength);
        }
        else
        {
            final java.nio.ByteBuffer nio = pending.internalNioBuffer(used, recordLength);
            view.wrap(nio, nio.position(), recordLength);
        }
    }

    /** Takes the record sealed in the view of {@link #open}: {@code sealed} bytes. */
    public void commit(final int sealed)
    {
        used += sealed;
        count++;
        if (!gso || sealed < segment)
        {
            emit();
        }
    }

    /** Sends the batch's records now. */
    public void emit()
    {
        if (count == 0)
        {
            return;
        }
        final int segmentSize = count == 1 ? 0 : segment;
        if (sender != null)
        {
            StageTrace.mark(StageTrace.DATAGRAM_SEND);
            if (sender.send(destination, slab.addressOffset(), used, segmentSize) < 0)
            {
                sendErrors.increment();
            }
            StageTrace.mark(StageTrace.DATAGRAM_OUT);
            slabs.give(slab);
            slab = null;
        }
        else
        {
            pending.writerIndex(used);
            channel.write(envelopes.take(pending, segmentSize, peer), channel.voidPromise());
            pending = null;
        }
        used = 0;
        count = 0;
    }

    /** Pushes what {@link #emit} wrote through the channel out of it. */
    public void flush()
    {
        if (sender == null)
        {
            channel.flush();
        }
    }

    /** Drops the records not sent (the endpoint closes). */
    public void discard()
    {
        if (slab != null)
        {
            slabs.give(slab);
            slab = null;
        }
        if (pending != null)
        {
            pending.release();
            pending = null;
        }
        used = 0;
        count = 0;
    }
}
