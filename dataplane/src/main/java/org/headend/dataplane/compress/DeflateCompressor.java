package org.headend.dataplane.compress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.Adler32;
import java.util.zip.Deflater;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The sending half of CSTP deflate (docs/protocol/tunnel-and-dtls.md §6.4): one raw deflate stream for the life of
 * a CONNECT, each packet followed by the running big-endian Adler-32 of every byte sent compressed so far.
 *
 * <p>openconnect inflates with a 4 KiB window, but the JDK's deflater always keeps 32 KiB, so a plain sync flush
 * would sooner or later refer further back than the client can see. Each packet therefore ends with a <em>full</em>
 * flush, which also forgets the history: no match crosses a packet boundary, and since packets longer than
 * {@link #MAX_INPUT} are refused, no match inside one reaches past 4 KiB either. The same property makes dropping a
 * packet's output safe: the next packet does not depend on it, so a packet that does not shrink can still go out
 * plain, and the checksum, which covers only what was sent compressed, skips it.
 *
 * <p>Not thread-safe: one per tunnel, on its event loop. {@link #close} frees zlib's native memory.
 */
public final class DeflateCompressor implements AutoCloseable
{
    /** Longest packet compressed; longer ones must go plain (see the class comment). */
    public static final int MAX_INPUT = 4096;
    /** The Adler-32 after each packet's deflate data. */
    public static final int TRAILER_LENGTH = 4;
    /**
     * Fastest level: each packet starts with an empty history, which caps what slower levels could gain, and the
     * appliance's cores have TLS to do as well.
     */
    private static final int LEVEL = Deflater.BEST_SPEED;
    /** Well above zlib's bound for {@link #MAX_INPUT} bytes plus the flush marker: one call always finishes. */
    private static final int DEFLATED_CAPACITY = 2 * MAX_INPUT + 64;

    private final Deflater deflater = new Deflater(LEVEL, true);
    private final Adler32 adler = new Adler32();
    private final ByteBuffer in = ByteBuffer.allocateDirect(MAX_INPUT);
    private final UnsafeBuffer inView = new UnsafeBuffer(in);
    private final ByteBuffer deflated = ByteBuffer.allocateDirect(DEFLATED_CAPACITY);
    private final UnsafeBuffer deflatedView = new UnsafeBuffer(deflated);
    private boolean broken;

    /**
     * Compresses one packet and appends the running Adler-32.
     *
     * @param capacity the most bytes the caller will take, trailer included; give {@code length - 1} to keep only
     *                 packets that shrink
     * @return the frame payload's length, or {@link CodecStatus#OUTPUT_FULL} (send the packet plain: the stream and
     *         the checksum are as if it never came), {@link CodecStatus#INPUT_TOO_LONG} (likewise), or
     *         {@link CodecStatus#STREAM_BROKEN} after {@link #close}
     */
    public int compress(final DirectBuffer src, final int index, final int length, final MutableDirectBuffer dst,
        final int dstIndex, final int capacity)
    {
        if (broken)
        {
            return CodecStatus.STREAM_BROKEN;
        }
        if (length > MAX_INPUT || length < 0)
        {
            return CodecStatus.INPUT_TOO_LONG;
        }
        inView.putBytes(0, src, index, length);
        in.limit(length).position(0);
        deflater.setInput(in);
        deflated.clear();
        deflater.deflate(deflated, Deflater.FULL_FLUSH);
        if (!deflater.needsInput() || !deflated.hasRemaining())
        {
            // cannot happen with the capacity above; if it did, output would be left inside zlib for the next packet
            broken = true;
            return CodecStatus.STREAM_BROKEN;
        }
        final int deflatedLength = deflated.position();
        if (deflatedLength + TRAILER_LENGTH > capacity)
        {
            return CodecStatus.OUTPUT_FULL;
        }
        in.position(0);
        adler.update(in);
        dst.putBytes(dstIndex, deflatedView, 0, deflatedLength);
        dst.putInt(dstIndex + deflatedLength, (int)adler.getValue(), ByteOrder.BIG_ENDIAN);
        return deflatedLength + TRAILER_LENGTH;
    }

    /** Frees zlib's memory; later calls answer {@link CodecStatus#STREAM_BROKEN}. Idempotent. */
    @Override
    public void close()
    {
        broken = true;
        deflater.end();
    }
}
