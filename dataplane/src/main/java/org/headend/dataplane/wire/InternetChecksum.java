package org.headend.dataplane.wire;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * The Internet checksum (RFC 1071): one's-complement sum of 16-bit big-endian words. Sums are kept unfolded in a
 * {@code long} so ranges can be added up before one final fold. Allocation-free.
 */
public final class InternetChecksum
{
    private InternetChecksum()
    {
    }

    /** Adds the bytes {@code [offset, offset + length)} of {@code buffer} to {@code sum}, as big-endian words. */
    public static long add(final DirectBuffer buffer, final int offset, final int length, final long sum)
    {
        long acc = sum;
        int i = offset;
        final int end = offset + length;
        // 8 bytes at a time: the sum of 32-bit halves folds to the same 16-bit result as word-by-word
        for (; i + 8 <= end; i += 8)
        {
            final long word = buffer.getLong(i, ByteOrder.BIG_ENDIAN);
            acc += (word >>> 32) + (word & 0xFFFF_FFFFL);
        }
        for (; i + 2 <= end; i += 2)
        {
            acc += buffer.getShort(i, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }
        if (i < end)
        {
            acc += (buffer.getByte(i) & 0xFF) << 8;
        }
        return acc;
    }

    /** The IPv4 pseudo-header of a TCP or UDP checksum (RFC 793 §3.1): addresses, protocol, L4 length. */
    public static long pseudoHeader(final int source, final int destination, final int protocol, final int length)
    {
        return (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF) + protocol + length;
    }

    /** Folds a sum to 16 bits (not complemented). */
    public static int fold(final long sum)
    {
        long s = sum;
        while ((s >>> 16) != 0)
        {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int)s;
    }

    /** The checksum to store: the complement of the folded sum. */
    public static int finish(final long sum)
    {
        return ~fold(sum) & 0xFFFF;
    }
}
