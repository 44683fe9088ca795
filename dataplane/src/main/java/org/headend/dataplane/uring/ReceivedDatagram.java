package org.headend.dataplane.uring;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A flyweight over one multishot-receive completion: the slot the kernel filled holds
 * {@code struct io_uring_recvmsg_out}, then the source {@code sockaddr_in}, then the payload. One instance per port
 * is re-pointed at every completion, so receiving allocates nothing; it is valid only inside
 * {@link DatagramHandler#onDatagram}, after which its slot goes back to the kernel.
 */
public final class ReceivedDatagram
{
    /** struct io_uring_recvmsg_out: namelen, controllen, payloadlen, flags. */
    static final int OUT_SIZE = 16;
    static final int NAME_SIZE = 16;
    /** Where the payload starts in a slot: the header and the reserved name length before it. */
    static final int PAYLOAD_OFFSET = OUT_SIZE + NAME_SIZE;
    /** CMSG_SPACE(sizeof(int)): room for the UDP_GRO control message, between the name and the payload. */
    static final int GRO_CONTROL_SIZE = 24;
    private static final int OUT_CONTROL_LENGTH = 4;
    private static final int SOL_UDP = 17;
    static final int UDP_GRO = 104;
    private static final int OUT_PAYLOAD_LENGTH = 8;
    private static final int OUT_FLAGS = 12;
    private static final int MSG_TRUNC = 0x20;
    static final ValueLayout.OfShort NET_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt NET_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private MemorySegment slots;
    private long slot;
    private int capacity;
    private int bufferId;
    private int payloadOffset;

    void wrap(final MemorySegment slots, final long slot, final int slotSize, final int bufferId,
        final int payloadOffset)
    {
        this.slots = slots;
        this.slot = slot;
        this.payloadOffset = payloadOffset;
        this.capacity = slotSize - payloadOffset;
        this.bufferId = bufferId;
    }

    /**
     * With UDP GRO on, the size of each datagram the kernel joined into this payload (the last may be shorter);
     * otherwise, or when nothing was joined, {@link #length()}.
     */
    public int segmentSize()
    {
        final long control = slot + PAYLOAD_OFFSET;
        if (slots.get(JAVA_INT, slot + OUT_CONTROL_LENGTH) >= GRO_CONTROL_SIZE - 4
            && slots.get(JAVA_INT, control + 8) == SOL_UDP && slots.get(JAVA_INT, control + 12) == UDP_GRO)
        {
            return slots.get(JAVA_INT, control + 16);
        }
        return length();
    }

    /** Bytes of payload in {@link #segment()} from {@link #offset()}: the datagram's length, or less if truncated. */
    public int length()
    {
        return Math.min(slots.get(JAVA_INT, slot + OUT_PAYLOAD_LENGTH), capacity);
    }

    /** Whether the datagram was longer than a slot holds (its tail is lost). */
    public boolean truncated()
    {
        return (slots.get(JAVA_INT, slot + OUT_FLAGS) & MSG_TRUNC) != 0;
    }

    /** The memory holding the payload (shared by every slot; read only {@link #length()} bytes from offset). */
    public MemorySegment segment()
    {
        return slots;
    }

    /** Where the payload starts in {@link #segment()}. */
    public long offset()
    {
        return slot + payloadOffset;
    }

    /** The provided buffer the kernel chose. */
    public int bufferId()
    {
        return bufferId;
    }

    /** Source IPv4 address, host order (127.0.0.1 is 0x7f000001). */
    public int sourceAddress()
    {
        return slots.get(NET_INT, slot + OUT_SIZE + 4);
    }

    /** Source UDP port. */
    public int sourcePort()
    {
        return Short.toUnsignedInt(slots.get(NET_SHORT, slot + OUT_SIZE + 2));
    }

    /** The source as the kernel wrote it, for a reply: {@code sockaddr_in} at this offset of {@link #segment()}. */
    long sockaddrOffset()
    {
        return slot + OUT_SIZE;
    }
}
