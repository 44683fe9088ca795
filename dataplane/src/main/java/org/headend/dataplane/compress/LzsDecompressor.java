package org.headend.dataplane.compress;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * LZS decompression of one packet (docs/protocol/tunnel-and-dtls.md §6.2). The input is untrusted: every offset is
 * checked against what this packet has produced, the output stops at the caller's capacity and at
 * {@link #MAX_OUTPUT}, and a stream without its end marker is refused; each refusal is a {@link CodecStatus} code.
 * Bytes after the end marker are ignored, as openconnect does.
 *
 * <p>Not thread-safe. Stateless between packets, so one instance serves every tunnel of an event loop.
 */
public final class LzsDecompressor
{
    /** Longest packet produced (openconnect's own receive limit). */
    public static final int MAX_OUTPUT = 16_384;
    /** A stream that yields {@link #MAX_OUTPUT} bytes is at most this long; later bytes cannot matter. */
    private static final int MAX_INPUT = (MAX_OUTPUT * 9 + 9 + 7) / 8;
    /** {@link #readBits} result when the input ran out. */
    private static final int END_OF_INPUT = -1;

    private final byte[] in = new byte[MAX_INPUT];
    private final byte[] out = new byte[MAX_OUTPUT];
    private int inLength;
    private int inPos;
    private long bits;
    private int bitCount;

    /**
     * Decompresses the LZS stream {@code src[index, index + length)} into {@code dst} from {@code dstIndex}.
     *
     * @param capacity the most bytes the caller accepts (at most {@link #MAX_OUTPUT} are produced regardless)
     * @return the packet's length, or {@link CodecStatus#TRUNCATED}, {@link CodecStatus#BAD_OFFSET},
     *         {@link CodecStatus#TOO_LONG}
     */
    public int decompress(final DirectBuffer src, final int index, final int length, final MutableDirectBuffer dst,
        final int dstIndex, final int capacity)
    {
        inLength = Math.min(length, MAX_INPUT);
        src.getBytes(index, in, 0, inLength);
        inPos = 0;
        bits = 0;
        bitCount = 0;
        final int result = decode(Math.min(capacity, MAX_OUTPUT));
        if (result > 0)
        {
            dst.putBytes(dstIndex, out, 0, result);
        }
        return result;
    }

    private int decode(final int limit)
    {
        int produced = 0;
        while (true)
        {
            final int tag = readBits(1);
            if (tag == END_OF_INPUT)
            {
                return CodecStatus.TRUNCATED;
            }
            if (tag == 0)
            {
                final int literal = readBits(8);
                if (literal == END_OF_INPUT)
                {
                    return CodecStatus.TRUNCATED;
                }
                if (produced == limit)
                {
                    return CodecStatus.TOO_LONG;
                }
                out[produced++] = (byte)literal;
                continue;
            }
            final int form = readBits(1);
            final int offset = form == END_OF_INPUT ? END_OF_INPUT : readBits(form == 1 ? 7 : 11);
            if (offset == END_OF_INPUT)
            {
                return CodecStatus.TRUNCATED;
            }
            if (offset == 0)
            {
                // the short form with offset 0 is the end marker; the long form with offset 0 is invalid
                return form == 1 ? produced : CodecStatus.BAD_OFFSET;
            }
            if (offset > produced)
            {
                return CodecStatus.BAD_OFFSET;
            }
            final int matchLength = readLength(limit - produced);
            if (matchLength < 0)
            {
                return matchLength;
            }
            // byte by byte on purpose: a match may overlap what it is producing (offset 1 repeats one byte)
            for (int i = 0; i < matchLength; i++, produced++)
            {
                out[produced] = out[produced - offset];
            }
        }
    }

    /** The match length that follows an offset, or a {@link CodecStatus} code; never more than {@code room}. */
    private int readLength(final int room)
    {
        final int first = readBits(2);
        if (first == END_OF_INPUT)
        {
            return CodecStatus.TRUNCATED;
        }
        int matchLength;
        if (first < 3)
        {
            matchLength = first + 2;
        }
        else
        {
            final int second = readBits(2);
            if (second == END_OF_INPUT)
            {
                return CodecStatus.TRUNCATED;
            }
            if (second < 3)
            {
                matchLength = second + 5;
            }
            else
            {
                matchLength = 8;
                int nibble;
                do
                {
                    nibble = readBits(4);
                    if (nibble == END_OF_INPUT)
                    {
                        return CodecStatus.TRUNCATED;
                    }
                    matchLength += nibble;
                    if (matchLength > room)
                    {
                        // stop counting at once: a run of 1111 nibbles must not be read to its end first
                        return CodecStatus.TOO_LONG;
                    }
                }
                while (nibble == 15);
            }
        }
        return matchLength > room ? CodecStatus.TOO_LONG : matchLength;
    }

    /** The next {@code count} (at most 16) bits, most significant first, or {@link #END_OF_INPUT}. */
    private int readBits(final int count)
    {
        while (bitCount < count)
        {
            if (inPos == inLength)
            {
                return END_OF_INPUT;
            }
            bits = bits << 8 | in[inPos++] & 0xFF;
            bitCount += 8;
        }
        bitCount -= count;
        return (int)(bits >>> bitCount) & (1 << count) - 1;
    }
}
