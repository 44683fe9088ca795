package org.headend.dataplane.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.net.InetSocketAddress;

/**
 * One DTLS send (a single record, or a UDP GSO run of equal-sized records) that goes back to its
 * {@link OutboundDatagrams} pool when the channel releases it after the write: the envelope of every send is reused,
 * where a {@code new DatagramPacket} per send was garbage at every packet rate.
 *
 * <p>It overrides the accessors the datagram channels read ({@link #content}, {@link #recipient},
 * {@link #segmentSize}) and the reference counting; the fields of the Netty superclass are never used. A segment size
 * of 0 is a plain datagram: the io_uring channel adds no {@code UDP_SEGMENT} control message then, and the NIO channel
 * never reads it.
 *
 * <p>Thread: the UDP port's event loop (channels release written messages on their own loop).
 */
final class OutboundDatagram extends SegmentedDatagramPacket
{
    /** The superclass insists on a message, an address and a positive segment size; none of them is ever read. */
    private static final InetSocketAddress UNUSED_ADDRESS = new InetSocketAddress(0);

    private final OutboundDatagrams pool;
    private ByteBuf records;
    private InetSocketAddress peer;
    private int segment;

    OutboundDatagram(final OutboundDatagrams pool, final ByteBuf placeholder)
    {
        super(placeholder, 1, UNUSED_ADDRESS);
        this.pool = pool;
    }

    /** Fills this envelope for one send; it owns {@code records} until the channel releases it. */
    OutboundDatagram set(final ByteBuf records, final int segmentSize, final InetSocketAddress peer)
    {
        this.records = records;
        this.segment = segmentSize;
        this.peer = peer;
        return this;
    }

    @Override
    public ByteBuf content()
    {
        return records;
    }

    @Override
    public InetSocketAddress recipient()
    {
        return peer;
    }

    @Override
    public InetSocketAddress sender()
    {
        return null;
    }

    @Override
    public int segmentSize()
    {
        return segment;
    }

    @Override
    public int refCnt()
    {
        return records == null ? 0 : records.refCnt();
    }

    @Override
    public OutboundDatagram retain()
    {
        records.retain();
        return this;
    }

    @Override
    public OutboundDatagram retain(final int increment)
    {
        records.retain(increment);
        return this;
    }

    @Override
    public OutboundDatagram touch()
    {
        return this;
    }

    @Override
    public OutboundDatagram touch(final Object hint)
    {
        return this;
    }

    @Override
    public boolean release()
    {
        return release(1);
    }

    @Override
    public boolean release(final int decrement)
    {
        final ByteBuf content = records;
        if (!content.release(decrement))
        {
            return false;
        }
        records = null;
        peer = null;
        pool.give(this);
        return true;
    }

    @Override
    public String toString()
    {
        return "OutboundDatagram(=> " + peer + ", " + records + ", segment " + segment + ')';
    }
}
