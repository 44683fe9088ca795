package org.headend.dataplane.compress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.Adler32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The receiving half of CSTP deflate (docs/protocol/tunnel-and-dtls.md §6.4): inflates each frame's data as the
 * next piece of the client's one raw deflate stream, then compares the running Adler-32 of everything inflated with
 * the frame's 4-byte trailer. The JDK's 32 KiB window reads openconnect's 4 KiB-window stream.
 *
 * <p>One refused frame desynchronises the stream for good, so any refusal (bad data, a checksum mismatch, output
 * beyond the caller's capacity or {@link #MAX_OUTPUT}) leaves it broken and every later call answers
 * {@link CodecStatus#STREAM_BROKEN}; the tunnel should end, as openconnect ends it on its side.
 *
 * <p>Not thread-safe: one per tunnel, on its event loop. {@link #close} frees zlib's native memory.
 */
public final class DeflateDecompressor implements AutoCloseable
{
    /** Longest packet produced. */
    public static final int MAX_OUTPUT = 16_384;
    /** Longest deflate data accepted per frame: far more than {@link #MAX_OUTPUT} bytes ever need. */
    public static final int MAX_INPUT = 2 * MAX_OUTPUT;

    private final Inflater inflater = new Inflater(true);
    private final Adler32 adler = new Adler32();
    private final ByteBuffer in = ByteBuffer.allocateDirect(MAX_INPUT);
    private final UnsafeBuffer inView = new UnsafeBuffer(in);
    /** One byte more than the longest packet, so that "too long" shows as a full buffer. */
    private final ByteBuffer inflated = ByteBuffer.allocateDirect(MAX_OUTPUT + 1);
    private final UnsafeBuffer inflatedView = new UnsafeBuffer(inflated);
    private boolean broken;

    /**
     * Inflates one frame payload (deflate data, then the big-endian Adler-32) into {@code dst} from
     * {@code dstIndex}.
     *
     * @param capacity the most bytes the caller accepts
     * @return the packet's length, or {@link CodecStatus#TRUNCATED}, {@link CodecStatus#INPUT_TOO_LONG},
     *         {@link CodecStatus#TOO_LONG}, {@link CodecStatus#BAD_STREAM}, {@link CodecStatus#CHECKSUM_MISMATCH},
     *         {@link CodecStatus#STREAM_BROKEN}
     */
    public int decompress(final DirectBuffer src, final int index, final int length, final MutableDirectBuffer dst,
        final int dstIndex, final int capacity)
    {
        final int status = inflate(src, index, length, Math.max(0, Math.min(capacity, MAX_OUTPUT)));
        if (status < 0)
        {
            broken = true;
            return status;
        }
        dst.putBytes(dstIndex, inflatedView, 0, status);
        return status;
    }

    private int inflate(final DirectBuffer src, final int index, final int length, final int limit)
    {
        if (broken)
        {
            return CodecStatus.STREAM_BROKEN;
        }
        if (length < DeflateCompressor.TRAILER_LENGTH)
        {
            return CodecStatus.TRUNCATED;
        }
        final int deflatedLength = length - DeflateCompressor.TRAILER_LENGTH;
        if (deflatedLength > MAX_INPUT)
        {
            return CodecStatus.INPUT_TOO_LONG;
        }
        inView.putBytes(0, src, index, deflatedLength);
        in.limit(deflatedLength).position(0);
        inflater.setInput(in);
        inflated.limit(limit + 1).position(0);
        try
        {
            while (!inflater.needsInput())
            {
                final int remaining = inflater.getRemaining();
                final int produced = inflater.inflate(inflated);
                if (inflated.position() > limit)
                {
                    return CodecStatus.TOO_LONG;
                }
                // openconnect never ends its stream nor uses a dictionary; either means garbage
                if (inflater.finished() || inflater.needsDictionary()
                    || produced == 0 && inflater.getRemaining() == remaining)
                {
                    return CodecStatus.BAD_STREAM;
                }
            }
        }
        catch (final DataFormatException ex)
        {
            // thrown by the JDK for invalid data; it happens once, since the tunnel ends with it
            return CodecStatus.BAD_STREAM;
        }
        final int packetLength = inflated.position();
        inflated.flip();
        adler.update(inflated);
        if ((int)adler.getValue() != src.getInt(index + deflatedLength, ByteOrder.BIG_ENDIAN))
        {
            return CodecStatus.CHECKSUM_MISMATCH;
        }
        return packetLength;
    }

    /** Frees zlib's memory; later calls answer {@link CodecStatus#STREAM_BROKEN}. Idempotent. */
    @Override
    public void close()
    {
        broken = true;
        inflater.end();
    }
}
