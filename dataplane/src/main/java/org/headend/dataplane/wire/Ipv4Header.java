package org.headend.dataplane.wire;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fields of an IPv4 header (RFC 791 §3.1) the data plane routes and filters on. Network byte order; addresses
 * are returned as the big-endian int of their four bytes.
 */
public final class Ipv4Header
{
    /** Version (high nibble) and header length (low nibble). */
    public static final int VERSION_IHL_OFFSET = 0;
    /** Total length of the packet, header included. */
    public static final int TOTAL_LENGTH_OFFSET = 2;
    /** Source address. */
    public static final int SOURCE_OFFSET = 12;
    /** Destination address. */
    public static final int DESTINATION_OFFSET = 16;
    /** The smallest valid header, without options. */
    public static final int MIN_LENGTH = 20;

    private Ipv4Header()
    {
    }

    /** The IP version nibble of the packet at {@code index} (4 or 6 for packets we carry). */
    public static int version(final ByteBuf buf, final int index)
    {
        return (buf.getByte(index + VERSION_IHL_OFFSET) >> 4) & 0xF;
    }

    /** The source address of the IPv4 packet at {@code index}. */
    public static int source(final ByteBuf buf, final int index)
    {
        return buf.getInt(index + SOURCE_OFFSET);
    }

    /** The IP version nibble of the packet at {@code index}. */
    public static int version(final ByteBuffer buf, final int index)
    {
        return (buf.get(index + VERSION_IHL_OFFSET) >> 4) & 0xF;
    }

    /** The destination address of the IPv4 packet at {@code index}; {@code buf} must be big-endian. */
    public static int destination(final ByteBuffer buf, final int index)
    {
        assert buf.order() == ByteOrder.BIG_ENDIAN;
        return buf.getInt(index + DESTINATION_OFFSET);
    }

    /** Formats a big-endian IPv4 int as a dotted quad; for logs and the CLI, never on the packet path. */
    public static String format(final int address)
    {
        return ((address >>> 24) & 0xFF) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
            + (address & 0xFF);
    }
}
