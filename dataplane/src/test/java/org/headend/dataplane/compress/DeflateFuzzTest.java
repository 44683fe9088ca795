package org.headend.dataplane.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * CSTP deflate under arbitrary input: a client's frames either inflate to a packet within the caller's limit or are
 * refused with a documented status that breaks the stream for good; and any sequence of packets the headend
 * compresses comes back whole through one continuing stream.
 */
class DeflateFuzzTest
{
    private static final Set<Integer> REFUSALS = Set.of(CodecStatus.TRUNCATED, CodecStatus.INPUT_TOO_LONG,
        CodecStatus.TOO_LONG, CodecStatus.BAD_STREAM, CodecStatus.CHECKSUM_MISMATCH, CodecStatus.STREAM_BROKEN);

    @FuzzTest
    void hostileFramesAreRefusedCleanlyAndPacketsRoundTrip(final FuzzedDataProvider data)
    {
        final int capacity = data.consumeInt(0, DeflateDecompressor.MAX_OUTPUT + 64);
        try (DeflateDecompressor hostile = new DeflateDecompressor())
        {
            boolean refused = false;
            for (int frame = 0; frame < 3 && data.remainingBytes() > 0; frame++)
            {
                final byte[] payload = data.consumeBytes(data.consumeInt(0, 4096));
                final byte[] out = new byte[DeflateDecompressor.MAX_OUTPUT + 16];
                final int status = hostile.decompress(new UnsafeBuffer(payload), 0, payload.length,
                    new UnsafeBuffer(out), 0, capacity);
                if (refused)
                {
                    assertEquals(CodecStatus.STREAM_BROKEN, status, "a refused stream must stay refused");
                }
                else if (status < 0)
                {
                    assertTrue(REFUSALS.contains(status), () -> "undocumented status " + status);
                    refused = true;
                }
                else
                {
                    assertTrue(status <= Math.min(capacity, DeflateDecompressor.MAX_OUTPUT),
                        () -> "inflated " + status + " bytes for a capacity of " + capacity);
                }
            }
        }

        try (DeflateCompressor compressor = new DeflateCompressor();
             DeflateDecompressor decompressor = new DeflateDecompressor())
        {
            while (data.remainingBytes() > 0)
            {
                final byte[] packet = data.consumeBytes(data.consumeInt(0, DeflateCompressor.MAX_INPUT));
                final byte[] frame = new byte[DeflateDecompressor.MAX_INPUT + DeflateCompressor.TRAILER_LENGTH];
                final int frameLength = compressor.compress(new UnsafeBuffer(packet), 0, packet.length,
                    new UnsafeBuffer(frame), 0, frame.length);
                assertTrue(frameLength >= DeflateCompressor.TRAILER_LENGTH,
                    () -> "compress refused: " + CodecStatus.describe(frameLength));
                final byte[] restored = new byte[DeflateDecompressor.MAX_OUTPUT];
                final int restoredLength = decompressor.decompress(new UnsafeBuffer(frame), 0, frameLength,
                    new UnsafeBuffer(restored), 0, restored.length);
                assertEquals(packet.length, restoredLength,
                    () -> "decompress answered " + CodecStatus.describe(restoredLength));
                assertArrayEquals(packet, Arrays.copyOf(restored, restoredLength));
            }
        }
    }
}
