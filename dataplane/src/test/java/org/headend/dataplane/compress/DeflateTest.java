package org.headend.dataplane.compress;

import static org.headend.dataplane.compress.Samples.bytes;
import static org.headend.dataplane.compress.Samples.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.Adler32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CSTP deflate against the vector of docs/protocol/tunnel-and-dtls.md §6.4 (only the decoded bytes and the Adler-32
 * trailers are normative), against a zlib sender that behaves like openconnect's (one stream, sync flush), and
 * against hostile input.
 */
class DeflateTest
{
    private static final byte[] HELLO = "Hello, Hello, Hello!".getBytes(StandardCharsets.US_ASCII);
    /** Packet 1 and 2 as openconnect's zlib (4 KiB window, sync flush) sends them, trailers included. */
    private static final byte[] VECTOR_1 = hex("f2 48 cd c9 c9 d7 51 f0 40 a2 14 01 00 00 00 ff ff 46 3e 06 96");
    private static final byte[] VECTOR_2 = hex("f2 c0 22 06 00 00 00 ff ff 10 2f 0d 2b");

    private final DeflateCompressor compressor = new DeflateCompressor();
    private final DeflateDecompressor decompressor = new DeflateDecompressor();

    @AfterEach
    void close()
    {
        compressor.close();
        decompressor.close();
    }

    @Test
    void shouldInflateTheDocumentedStreamAndAcceptItsChecksums()
    {
        assertArrayEquals(HELLO, inflate(VECTOR_1));
        assertArrayEquals(HELLO, inflate(VECTOR_2), "packet 2 refers back into packet 1");
    }

    @Test
    void shouldSendTheDocumentedChecksumsAndEndEachPacketWithTheFlushMarker()
    {
        final byte[] first = deflate(HELLO, 100);
        final byte[] second = deflate(HELLO, 100);
        assertArrayEquals(hex("46 3e 06 96"), Arrays.copyOfRange(first, first.length - 4, first.length));
        assertArrayEquals(hex("10 2f 0d 2b"), Arrays.copyOfRange(second, second.length - 4, second.length));
        for (final byte[] packet : List.of(first, second))
        {
            assertArrayEquals(hex("00 00 ff ff"), Arrays.copyOfRange(packet, packet.length - 8, packet.length - 4));
        }
        assertArrayEquals(HELLO, inflate(first));
        assertArrayEquals(HELLO, inflate(second));
    }

    @Test
    void shouldMakeEveryPacketDecodableAloneSoNoDistanceReachesPastTheClientsWindow()
    {
        // the stream repeats 1 KiB chunks from 6 KiB back: a 32 KiB-window deflater with sync flush would use them
        final byte[] stream = farRepeats(200 * 1024);
        for (int at = 0; at + 1400 <= stream.length; at += 1400)
        {
            final byte[] plain = Arrays.copyOfRange(stream, at, at + 1400);
            final byte[] packet = deflate(plain, 1500);
            final Inflater alone = new Inflater(true);
            alone.setInput(packet, 0, packet.length - DeflateCompressor.TRAILER_LENGTH);
            final byte[] out = new byte[2000];
            try
            {
                assertEquals(1400, alone.inflate(out), "packet at " + at + " needs earlier packets");
            }
            catch (final DataFormatException ex)
            {
                throw new AssertionError("packet at " + at + " refers outside itself: " + ex.getMessage(), ex);
            }
            finally
            {
                alone.end();
            }
            assertArrayEquals(plain, Arrays.copyOf(out, 1400));
        }
    }

    @Test
    void shouldRoundTripPacketsOfEveryLengthAndSkipThoseThatDoNotShrink()
    {
        final SplittableRandom random = new SplittableRandom(11);
        final int[] edges = {0, 1, 2, 19, 20, 255, 256, 1399, 1400, 2048, 4095, 4096};
        int skipped = 0;
        int sent = 0;
        for (int i = 0; i < 3000; i++)
        {
            final int length = i < edges.length ? edges[i] : random.nextInt(0, DeflateCompressor.MAX_INPUT + 1);
            final byte[] plain = switch (i % 3)
            {
                case 0 -> Samples.random(length, i);
                case 1 -> Samples.compressible(length, i);
                default -> new byte[length];
            };
            final UnsafeBuffer out = new UnsafeBuffer(new byte[2 * length + 64]);
            final int n = compressor.compress(new UnsafeBuffer(plain), 0, length, out, 0, length - 1);
            if (n == CodecStatus.OUTPUT_FULL)
            {
                skipped++;
                continue;
            }
            sent++;
            assertTrue(n > 0 && n < length, "length " + length + " gave " + n);
            assertArrayEquals(plain, inflate(bytes(out, 0, n)), "packet " + i);
        }
        assertTrue(skipped > 900 && sent > 1500, "skipped " + skipped + ", sent " + sent);
    }

    @Test
    void shouldRefusePacketsLongerThanTheClientsWindowWithoutTouchingTheStream()
    {
        final byte[] big = new byte[DeflateCompressor.MAX_INPUT + 1];
        assertEquals(CodecStatus.INPUT_TOO_LONG, compressor.compress(new UnsafeBuffer(big), 0, big.length,
            new UnsafeBuffer(new byte[10_000]), 0, 10_000));
        final byte[] first = deflate(HELLO, 100);
        assertArrayEquals(hex("46 3e 06 96"), Arrays.copyOfRange(first, first.length - 4, first.length),
            "the checksum still starts from 1");
    }

    @Test
    void shouldFollowAnOpenconnectLikeSenderAcrossPacketsThatReferToEachOther()
    {
        // zlib with sync flush and one stream, as openconnect sends (the JDK's window is larger than its 4 KiB)
        final Deflater client = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        final Adler32 adler = new Adler32();
        final byte[] stream = farRepeats(300 * 1024);
        final byte[] buffer = new byte[4000];
        for (int at = 0; at + 1400 <= stream.length; at += 1400)
        {
            client.setInput(stream, at, 1400);
            final int n = client.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            adler.update(stream, at, 1400);
            final byte[] packet = Arrays.copyOf(buffer, n + 4);
            new UnsafeBuffer(packet).putInt(n, (int)adler.getValue(), ByteOrder.BIG_ENDIAN);
            assertArrayEquals(Arrays.copyOfRange(stream, at, at + 1400), inflate(packet), "packet at " + at);
        }
        client.end();
    }

    @Test
    void shouldBreakTheStreamOnAChecksumMismatch()
    {
        final byte[] bad = VECTOR_1.clone();
        bad[bad.length - 1] ^= 1;
        assertEquals(CodecStatus.CHECKSUM_MISMATCH, decompress(bad, 1500));
        assertEquals(CodecStatus.STREAM_BROKEN, decompress(VECTOR_1, 1500), "nothing decodes after a failure");
    }

    @Test
    void shouldRefuseGarbageTruncationAndTheEndOfTheStream()
    {
        assertEquals(CodecStatus.TRUNCATED, new DeflateDecompressor().decompress(new UnsafeBuffer(new byte[3]), 0, 3,
            new UnsafeBuffer(new byte[10]), 0, 10));
        assertEquals(CodecStatus.BAD_STREAM, fresh(hex("ff ff ff ff ff ff 00 00 00 01")));
        // a final block: openconnect never ends its stream, so this is not a tunnel's traffic
        final Deflater finishing = new Deflater(6, true);
        finishing.setInput(HELLO);
        finishing.finish();
        final byte[] buffer = new byte[100];
        final int n = finishing.deflate(buffer);
        finishing.end();
        assertEquals(CodecStatus.BAD_STREAM, fresh(Arrays.copyOf(buffer, n + 4)));
        final byte[] oversized = new byte[DeflateDecompressor.MAX_INPUT + 5];
        assertEquals(CodecStatus.INPUT_TOO_LONG, fresh(oversized));
    }

    @Test
    void shouldStopABombAtTheCapacity()
    {
        // 1 MiB of zeros deflates to about 1 KiB
        final Deflater bomb = new Deflater(9, true);
        bomb.setInput(new byte[1 << 20]);
        final byte[] buffer = new byte[1 << 16];
        final int n = bomb.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
        bomb.end();
        assertTrue(n < 4096);
        assertEquals(CodecStatus.TOO_LONG, fresh(Arrays.copyOf(buffer, n + 4)));
        final byte[] plain = Samples.compressible(1400, 3);
        final byte[] packet = deflate(plain, 1500);
        assertEquals(CodecStatus.TOO_LONG, decompress(packet, 1399), "one byte short of the packet");
    }

    @Test
    void shouldAnswerStreamBrokenOnceClosed()
    {
        compressor.close();
        decompressor.close();
        assertEquals(CodecStatus.STREAM_BROKEN, compressor.compress(new UnsafeBuffer(HELLO), 0, HELLO.length,
            new UnsafeBuffer(new byte[100]), 0, 100));
        assertEquals(CodecStatus.STREAM_BROKEN, decompress(VECTOR_1, 100));
    }

    /** 1 KiB random chunks where every fourth repeats the one 6 KiB earlier: the only matches lie far back. */
    static byte[] farRepeats(final int length)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        final List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; out.size() < length; i++)
        {
            final byte[] chunk = i % 4 == 3 && i >= 6 ? chunks.get(i - 6) : Samples.random(1024, i);
            chunks.add(chunk);
            out.writeBytes(chunk);
        }
        return Arrays.copyOf(out.toByteArray(), length);
    }

    private byte[] deflate(final byte[] plain, final int capacity)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[capacity + 7]);
        final int n = compressor.compress(new UnsafeBuffer(plain), 0, plain.length, out, 7, capacity);
        assertTrue(n > 0, CodecStatus.describe(n));
        return bytes(out, 7, n);
    }

    private byte[] inflate(final byte[] packet)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[DeflateDecompressor.MAX_OUTPUT + 5]);
        final UnsafeBuffer in = new UnsafeBuffer(new byte[packet.length + 5]);
        in.putBytes(5, packet);
        final int n = decompressor.decompress(in, 5, packet.length, out, 5, DeflateDecompressor.MAX_OUTPUT);
        assertTrue(n >= 0, CodecStatus.describe(n));
        return bytes(out, 5, n);
    }

    private int decompress(final byte[] packet, final int capacity)
    {
        return decompressor.decompress(new UnsafeBuffer(packet), 0, packet.length,
            new UnsafeBuffer(new byte[DeflateDecompressor.MAX_OUTPUT]), 0, capacity);
    }

    private static int fresh(final byte[] packet)
    {
        final DeflateDecompressor one = new DeflateDecompressor();
        try
        {
            return one.decompress(new UnsafeBuffer(packet), 0, packet.length,
                new UnsafeBuffer(new byte[DeflateDecompressor.MAX_OUTPUT]), 0, DeflateDecompressor.MAX_OUTPUT);
        }
        finally
        {
            one.close();
        }
    }
}
