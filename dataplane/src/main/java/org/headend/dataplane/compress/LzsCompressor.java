package org.headend.dataplane.compress;

import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * LZS compression of one packet (ANSI X3.241 as openconnect and ocserv use it; docs/protocol/tunnel-and-dtls.md
 * §6.2): greedy longest match within the packet's last 2047 bytes, ties going to the nearest (shorter to encode),
 * then the end marker and zero padding.
 *
 * <p>Matches are found through hash chains keyed by the next two bytes, which are exactly 16 bits, so no key ever
 * collides. The tables live as long as the compressor: instead of clearing 64 Ki entries per packet, every packet
 * gets a fresh range of stamps and older stamps read as empty.
 *
 * <p>Not thread-safe. Stateless between packets, so one instance serves every tunnel of an event loop.
 */
public final class LzsCompressor
{
    /** Longest packet accepted (openconnect's receive limit). */
    public static final int MAX_INPUT = 16_384;
    /** The largest match offset the format can carry. */
    static final int WINDOW = 2047;
    /** Offsets below this take the short (7-bit) form. */
    static final int SHORT_OFFSET_LIMIT = 128;
    /** Chain steps per position: beyond this, longer matches are rare and the search cost is not. */
    private static final int MAX_CHAIN = 16;
    /** Worst case: every byte a 9-bit literal, then the 9-bit end marker and padding. */
    private static final int MAX_OUTPUT = (MAX_INPUT * 9 + 9 + 7) / 8;
    /** Stamps restart (and the table is cleared once) before they could overflow. */
    private static final int STAMP_LIMIT = Integer.MAX_VALUE - 2 * MAX_INPUT;

    private final byte[] in = new byte[MAX_INPUT];
    private final byte[] out = new byte[MAX_OUTPUT];
    /** Most recent stamp (packet base + position) of each two-byte key; below the packet's base means none. */
    private final int[] head = new int[1 << 16];
    /** Previous position with the same key as this one, or -1; written before it can be read in each packet. */
    private final int[] previous = new int[MAX_INPUT];
    private int nextBase = 1;

    private int base;
    private int length;
    private long bits;
    private int bitCount;
    private int outLength;

    /**
     * Compresses {@code src[index, index + length)} into {@code dst} from {@code dstIndex}.
     *
     * @param capacity the most bytes the caller will take; give {@code length - 1} to keep only packets that shrink
     * @return the compressed length, or {@link CodecStatus#OUTPUT_FULL} (the output would exceed {@code capacity}),
     *         or {@link CodecStatus#INPUT_TOO_LONG} (more than {@link #MAX_INPUT} bytes)
     */
    public int compress(final DirectBuffer src, final int index, final int length, final MutableDirectBuffer dst,
        final int dstIndex, final int capacity)
    {
        if (length > MAX_INPUT || length < 0)
        {
            return CodecStatus.INPUT_TOO_LONG;
        }
        src.getBytes(index, in, 0, length);
        startPacket(length);
        final int limit = Math.min(capacity, MAX_OUTPUT);
        int pos = 0;
        while (pos < length)
        {
            final long match = longestMatch(pos);
            final int matchLength = (int)(match >>> 32);
            if (matchLength >= 2)
            {
                putMatch((int)match, matchLength);
                for (int i = 0; i < matchLength; i++)
                {
                    insert(pos + i);
                }
                pos += matchLength;
            }
            else
            {
                putBits(in[pos] & 0xFF, 9);
                insert(pos);
                pos++;
            }
            if (outLength > limit)
            {
                return CodecStatus.OUTPUT_FULL;
            }
        }
        putBits(0b1_1000_0000, 9);
        if (bitCount > 0)
        {
            putBits(0, 8 - bitCount);
        }
        if (outLength > limit)
        {
            return CodecStatus.OUTPUT_FULL;
        }
        dst.putBytes(dstIndex, out, 0, outLength);
        return outLength;
    }

    private void startPacket(final int length)
    {
        if (nextBase > STAMP_LIMIT)
        {
            Arrays.fill(head, 0);
            nextBase = 1;
        }
        // the range is taken before any work, so that a packet abandoned half-way leaves only stale stamps
        this.base = nextBase;
        nextBase += length + 1;
        this.length = length;
        bits = 0;
        bitCount = 0;
        outLength = 0;
    }

    /** The longest match for {@code pos}: length in the high 32 bits, offset in the low; length 0 when none. */
    private long longestMatch(final int pos)
    {
        if (pos + 1 >= length)
        {
            return 0;
        }
        final int longest = length - pos;
        int bestLength = 0;
        int bestOffset = 0;
        int candidate = head[key(pos)] - base;
        for (int steps = 0; steps < MAX_CHAIN && candidate >= 0 && pos - candidate <= WINDOW; steps++)
        {
            // the two key bytes are equal by construction
            int n = 2;
            while (n < longest && in[candidate + n] == in[pos + n])
            {
                n++;
            }
            if (n > bestLength)
            {
                bestLength = n;
                bestOffset = pos - candidate;
                if (n == longest)
                {
                    break;
                }
            }
            candidate = previous[candidate];
        }
        return (long)bestLength << 32 | bestOffset;
    }

    private void insert(final int pos)
    {
        if (pos + 1 >= length)
        {
            return;
        }
        final int key = key(pos);
        final int older = head[key] - base;
        previous[pos] = older >= 0 ? older : -1;
        head[key] = base + pos;
    }

    private int key(final int pos)
    {
        return (in[pos] & 0xFF) << 8 | in[pos + 1] & 0xFF;
    }

    private void putMatch(final int offset, final int matchLength)
    {
        if (offset < SHORT_OFFSET_LIMIT)
        {
            putBits(0b11 << 7 | offset, 9);
        }
        else
        {
            putBits(0b10 << 11 | offset, 13);
        }
        if (matchLength < 5)
        {
            putBits(matchLength - 2, 2);
        }
        else if (matchLength < 8)
        {
            putBits(0b1100 | matchLength - 5, 4);
        }
        else
        {
            putBits(0b1111, 4);
            int rest = matchLength - 8;
            while (rest >= 15)
            {
                putBits(0b1111, 4);
                rest -= 15;
            }
            putBits(rest, 4);
        }
    }

    /** Appends the low {@code count} (at most 24) bits of {@code value}, most significant first. */
    private void putBits(final int value, final int count)
    {
        bits = bits << count | value;
        bitCount += count;
        while (bitCount >= 8)
        {
            bitCount -= 8;
            out[outLength++] = (byte)(bits >>> bitCount);
        }
    }
}
