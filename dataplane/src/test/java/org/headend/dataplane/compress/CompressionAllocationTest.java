package org.headend.dataplane.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * After warm-up, compressing and decompressing a 1400-byte packet allocates nothing, with either codec, either way,
 * on the off-heap buffers the data plane hands over.
 */
class CompressionAllocationTest
{
    private static final int PACKET = 1400;
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private final UnsafeBuffer plain = new UnsafeBuffer(ByteBuffer.allocateDirect(PACKET));
    private final UnsafeBuffer packed = new UnsafeBuffer(ByteBuffer.allocateDirect(2 * PACKET));
    private final UnsafeBuffer unpacked = new UnsafeBuffer(ByteBuffer.allocateDirect(PACKET));

    CompressionAllocationTest()
    {
        plain.putBytes(0, Samples.compressible(PACKET, 1));
    }

    @Test
    void shouldCompressAndDecompressLzsWithoutAllocating()
    {
        final LzsCompressor compressor = new LzsCompressor();
        final LzsDecompressor decompressor = new LzsDecompressor();
        final Runnable roundTrip = () ->
        {
            final int n = compressor.compress(plain, 0, PACKET, packed, 0, PACKET - 1);
            if (n <= 0 || decompressor.decompress(packed, 0, n, unpacked, 0, PACKET) != PACKET)
            {
                throw new AssertionError("LZS round trip failed");
            }
        };
        assertEquals(0, allocatedAfterWarmUp(roundTrip, 100_000), "bytes allocated by 100k LZS round trips");
    }

    @Test
    void shouldDeflateAndInflateWithoutAllocating()
    {
        try (DeflateCompressor compressor = new DeflateCompressor();
            DeflateDecompressor decompressor = new DeflateDecompressor())
        {
            final Runnable roundTrip = () ->
            {
                final int n = compressor.compress(plain, 0, PACKET, packed, 0, PACKET - 1);
                if (n <= 0 || decompressor.decompress(packed, 0, n, unpacked, 0, PACKET) != PACKET)
                {
                    throw new AssertionError("deflate round trip failed");
                }
            };
            assertEquals(0, allocatedAfterWarmUp(roundTrip, 50_000), "bytes allocated by 50k deflate round trips");
        }
    }

    /** Bytes this thread allocated running {@code count} times, after a warm-up; the best of a few rounds. */
    private static long allocatedAfterWarmUp(final Runnable action, final int count)
    {
        run(action, count);
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 5 && allocated != 0; round++)
        {
            THREADS.getCurrentThreadAllocatedBytes();
            final long before = THREADS.getCurrentThreadAllocatedBytes();
            run(action, count);
            allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        }
        return allocated;
    }

    private static void run(final Runnable action, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            action.run();
        }
    }
}
