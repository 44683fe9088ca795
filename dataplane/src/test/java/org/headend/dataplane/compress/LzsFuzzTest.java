package org.headend.dataplane.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * LZS under hostile and arbitrary input: whatever a client sends, the decompressor answers a packet no longer than
 * asked or one of its documented refusals, never writes outside its window, and every packet survives a round trip.
 */
class LzsFuzzTest
{
    private static final byte GUARD = (byte)0xA5;
    private static final int OFFSET = 7;

    private final LzsCompressor compressor = new LzsCompressor();
    private final LzsDecompressor decompressor = new LzsDecompressor();

    @FuzzTest
    void decompressesAnythingWithinLimitsAndRoundTrips(final byte[] input)
    {
        final int capacity = 1 + (input.length == 0 ? 0 : (input[0] & 0xFF) * 64);
        final byte[] out = new byte[OFFSET + LzsDecompressor.MAX_OUTPUT + OFFSET];
        Arrays.fill(out, GUARD);
        final int status = decompressor.decompress(new UnsafeBuffer(input), 0, input.length, new UnsafeBuffer(out),
            OFFSET, capacity);
        if (status >= 0)
        {
            assertTrue(status <= Math.min(capacity, LzsDecompressor.MAX_OUTPUT), "packet longer than allowed");
        }
        else
        {
            assertTrue(status == CodecStatus.TRUNCATED || status == CodecStatus.BAD_OFFSET
                || status == CodecStatus.TOO_LONG, () -> "undocumented status " + status);
        }
        final int written = Math.max(0, status);
        for (int i = 0; i < OFFSET; i++)
        {
            assertEquals(GUARD, out[i], "wrote before its window");
        }
        for (int i = OFFSET + Math.max(written, Math.min(capacity, LzsDecompressor.MAX_OUTPUT)); i < out.length; i++)
        {
            assertEquals(GUARD, out[i], "wrote past its capacity");
        }

        roundTrip(input);
    }

    private void roundTrip(final byte[] packet)
    {
        final byte[] compressed = new byte[OFFSET + (packet.length * 9 + 16) / 8 + 2];
        final int compressedLength = compressor.compress(new UnsafeBuffer(packet), 0, packet.length,
            new UnsafeBuffer(compressed), OFFSET, compressed.length - OFFSET);
        if (packet.length > LzsCompressor.MAX_INPUT)
        {
            assertEquals(CodecStatus.INPUT_TOO_LONG, compressedLength);
            return;
        }
        assertTrue(compressedLength > 0, () -> "compress refused " + CodecStatus.describe(compressedLength));
        final byte[] restored = new byte[LzsDecompressor.MAX_OUTPUT];
        final int restoredLength = decompressor.decompress(new UnsafeBuffer(compressed), OFFSET, compressedLength,
            new UnsafeBuffer(restored), 0, restored.length);
        assertEquals(packet.length, restoredLength, () -> "decompress answered " + CodecStatus.describe(restoredLength));
        assertArrayEquals(packet, Arrays.copyOf(restored, restoredLength));
    }
}
