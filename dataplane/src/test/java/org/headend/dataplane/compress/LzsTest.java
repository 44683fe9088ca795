package org.headend.dataplane.compress;

import static org.headend.dataplane.compress.Samples.at;
import static org.headend.dataplane.compress.Samples.bytes;
import static org.headend.dataplane.compress.Samples.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** LZS against the reference vectors of docs/protocol/tunnel-and-dtls.md §6.3, round trips, and hostile input. */
class LzsTest
{
    private static final int OFFSET = 3;
    private static final String LONG_OFFSET_VECTOR = """
        00 00 40 40 30 20 14 0c 07 04 02 41 40 b0 60 34 1c 0f 08 04 42 41 30 a0 54
        2c 17 0c 06 43 41 b0 e0 74 3c 1f 10 08 44 42 31 20 94 4c 27 14 0a 45 42 b1
        60 b4 5c 2f 18 0c 46 43 31 a0 d4 6c 37 1c 0e 47 43 b1 e0 f4 7c 3f 20 10 48
        44 32 21 14 8c 47 24 12 49 44 b2 61 34 9c 4f 28 14 4a 45 32 a1 54 ac 57 2c
        16 4b 45 b2 e1 74 bc 5f 30 18 4c 46 33 21 94 cc 67 34 1a 4d 46 b3 61 b4 dc
        6f 38 1c 4e 47 33 a1 d4 ec 77 3c 1e 4f 47 b3 e1 f4 fc 7f 40 20 61 05 60 00""";

    private final LzsCompressor compressor = new LzsCompressor();
    private final LzsDecompressor decompressor = new LzsDecompressor();

    static Stream<Arguments> vectors()
    {
        final byte[] longOffset = new byte[134];
        for (int i = 0; i < 130; i++)
        {
            longOffset[i] = (byte)i;
        }
        longOffset[130] = 0;
        longOffset[131] = 1;
        longOffset[132] = 2;
        longOffset[133] = 3;
        final byte[] fortyA = new byte[40];
        Arrays.fill(fortyA, (byte)'a');
        final byte[] threeHundredA = new byte[300];
        Arrays.fill(threeHundredA, (byte)'A');
        return Stream.of(
            Arguments.of("A", ascii("A"), "20 e0 00"),
            Arguments.of("AB", ascii("AB"), "20 90 b0 00"),
            Arguments.of("ABC", ascii("ABC"), "20 90 88 78 00"),
            Arguments.of("ABABABAB", ascii("ABABABAB"), "20 90 b0 5b 80"),
            Arguments.of("40 x a", fortyA, "30 e0 7f fc 70 00"),
            Arguments.of("Hello", ascii("Hello, Hello, Hello!"), "24 19 4d 86 c3 78 b0 41 87 f4 10 e0 00"),
            Arguments.of("300 x A", threeHundredA, "20 e0 7f ff ff ff ff ff ff ff ff ff db 00"),
            Arguments.of("long offset", longOffset, LONG_OFFSET_VECTOR),
            Arguments.of("ICMP echo", hex("""
                45 00 00 3c 1c 46 00 00 80 01 99 b2 c0 00 02 46 c0 00 02 82 08 00 4d 54 00 01 00 07
                61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70 71 72 73 74 75 76 77 61 62 63 64 65 66 67 68 69"""),
                """
                22 80 00 03 c0 e1 1b 0a 20 00 29 95 93 00 00 02 23 61 14 10 20 00 4d 2a 00 00 20 00 39 84
                c4 63 32 19 4c c6 73 41 a4 d4 6b 36 1b 4d c6 f3 81 c4 e4 73 3a 1d 4e c7 7c bf 8e 00"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldProduceTheReferenceEncodersBytes(final String name, final byte[] plain, final String compressed)
    {
        final byte[] expected = hex(compressed);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[OFFSET + 64 + plain.length * 2]);
        final int n = compressor.compress(at(OFFSET, plain, 0), OFFSET, plain.length, out, OFFSET, out.capacity());
        assertArrayEquals(expected, bytes(out, OFFSET, n));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldDecodeTheReferenceVectors(final String name, final byte[] plain, final String compressed)
    {
        final byte[] in = hex(compressed);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[OFFSET + plain.length]);
        assertEquals(plain.length, decompressor.decompress(at(OFFSET, in, 0), OFFSET, in.length, out, OFFSET,
            plain.length));
        assertArrayEquals(plain, bytes(out, OFFSET, plain.length));
    }

    @Test
    void shouldRefuseTheLongFormWithOffsetZero()
    {
        assertEquals(CodecStatus.BAD_OFFSET, decompress(hex("80 01 80"), 100));
    }

    @Test
    void shouldRefuseAMatchReachingBeforeThePacket()
    {
        // literal 'A', then a short match at offset 2 although one byte exists
        assertEquals(CodecStatus.BAD_OFFSET, decompress(bits("0 01000001", "1 1 0000010 00", "1 1 0000000"), 100));
        // three literals, then the long form with offset 200
        assertEquals(CodecStatus.BAD_OFFSET, decompress(bits("0 01000001".repeat(3), "1 0 00011001000 00",
            "1 1 0000000"), 100));
    }

    @Test
    void shouldRefuseEveryTruncationOfAValidStream()
    {
        final byte[] plain = Samples.compressible(1400, 7);
        final byte[] packed = compress(plain, 4000);
        for (int cut = 0; cut < packed.length; cut++)
        {
            assertEquals(CodecStatus.TRUNCATED, decompress(Arrays.copyOf(packed, cut), 2000), "cut at " + cut);
        }
        assertEquals(plain.length, decompress(packed, 2000));
    }

    @Test
    void shouldStopAtTheCapacityAndAtSixteenKilobytes()
    {
        final byte[] packed = hex("20 e0 7f ff ff ff ff ff ff ff ff ff db 00");
        assertEquals(300, decompress(packed, 300));
        assertEquals(CodecStatus.TOO_LONG, decompress(packed, 299));
        final byte[] literals = compress(Samples.random(100, 3), 200);
        assertEquals(CodecStatus.TOO_LONG, decompress(literals, 99));
        // 'A' then one match whose length nibbles add up to about 1.5 million bytes, far past the limit
        final StringBuilder bomb = new StringBuilder("0 01000001 1 1 0000001 1111");
        bomb.append(" 1111".repeat(100_000)).append(" 0000 110000000");
        assertEquals(CodecStatus.TOO_LONG, decompress(bits(bomb.toString()), Integer.MAX_VALUE));
    }

    @Test
    void shouldIgnoreBytesAfterTheEndMarker()
    {
        final byte[] packed = hex("20 90 b0 5b 80");
        final byte[] trailing = Arrays.copyOf(packed, packed.length + 5);
        Arrays.fill(trailing, packed.length, trailing.length, (byte)0xAB);
        assertEquals(8, decompress(trailing, 100));
    }

    @Test
    void shouldNeverThrowOnGarbageAndNeverWriteBeyondTheCapacity()
    {
        final SplittableRandom random = new SplittableRandom(42);
        final int capacity = 1500;
        final UnsafeBuffer out = new UnsafeBuffer(new byte[capacity + 16]);
        for (int i = 0; i < 200_000; i++)
        {
            final byte[] garbage = Samples.random(random.nextInt(1, 64), random.nextLong());
            out.setMemory(capacity, 16, (byte)0x5A);
            final int n = decompressor.decompress(new UnsafeBuffer(garbage), 0, garbage.length, out, 0, capacity);
            assertTrue(n <= capacity, "produced " + n);
            assertTrue(n >= CodecStatus.STREAM_BROKEN, "code " + n);
            for (int j = 0; j < 16; j++)
            {
                assertEquals(0x5A, out.getByte(capacity + j));
            }
        }
    }

    static IntStream lengths()
    {
        final IntStream edges = IntStream.of(0, 1, 2, 3, 4, 7, 8, 9, 127, 128, 129, 255, 256, 1399, 1400, 2046, 2047,
            2048, 2049, 4095, 4096, 4097, 8191, 16_383, 16_384);
        return IntStream.concat(edges, new SplittableRandom(5).ints(60, 0, 16_385));
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void shouldRoundTripRandomAndCompressibleDataOfEveryLength(final int length)
    {
        for (final byte[] plain : new byte[][] {Samples.random(length, length), Samples.compressible(length, length),
            new byte[length]})
        {
            final byte[] packed = compress(plain, LzsCompressor.MAX_INPUT * 2);
            assertTrue(packed.length <= (length * 9 + 9 + 7) / 8, "worst case is 9 bits a byte");
            final UnsafeBuffer out = new UnsafeBuffer(new byte[OFFSET + length]);
            assertEquals(length, decompressor.decompress(at(OFFSET, packed, 0), OFFSET, packed.length, out, OFFSET,
                length));
            assertArrayEquals(plain, bytes(out, OFFSET, length));
        }
    }

    @Test
    void shouldShrinkCompressibleDataAndGiveUpOnRandomDataWithinTheCapacity()
    {
        final byte[] compressible = Samples.compressible(1400, 1);
        assertTrue(compress(compressible, 1399).length < 700, "token soup halves at least");
        final byte[] random = Samples.random(1400, 1);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[1400]);
        assertEquals(CodecStatus.OUTPUT_FULL, compressor.compress(new UnsafeBuffer(random), 0, 1400, out, 0, 1399));
        // a packet abandoned half-way must not leave anything the next packet could match against
        assertArrayEquals(compressible, roundTrip(compressible));
    }

    @Test
    void shouldRefusePacketsLongerThanSixteenKilobytes()
    {
        final UnsafeBuffer big = new UnsafeBuffer(new byte[LzsCompressor.MAX_INPUT + 1]);
        assertEquals(CodecStatus.INPUT_TOO_LONG, compressor.compress(big, 0, big.capacity(),
            new UnsafeBuffer(new byte[40_000]), 0, 40_000));
    }

    @Test
    void shouldWorkOnOffHeapBuffers()
    {
        final byte[] plain = Samples.compressible(1400, 9);
        final UnsafeBuffer src = new UnsafeBuffer(ByteBuffer.allocateDirect(1500));
        final UnsafeBuffer packed = new UnsafeBuffer(ByteBuffer.allocateDirect(1500));
        final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(1500));
        src.putBytes(10, plain);
        final int n = compressor.compress(src, 10, plain.length, packed, 20, 1400);
        assertEquals(plain.length, decompressor.decompress(packed, 20, n, out, 30, 1400));
        assertArrayEquals(plain, bytes(out, 30, plain.length));
    }

    private byte[] roundTrip(final byte[] plain)
    {
        final byte[] packed = compress(plain, LzsCompressor.MAX_INPUT * 2);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[plain.length]);
        assertEquals(plain.length, decompressor.decompress(new UnsafeBuffer(packed), 0, packed.length, out, 0,
            plain.length));
        return bytes(out, 0, plain.length);
    }

    private byte[] compress(final byte[] plain, final int capacity)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[capacity]);
        final int n = compressor.compress(new UnsafeBuffer(plain), 0, plain.length, out, 0, capacity);
        assertTrue(n >= 0, CodecStatus.describe(n));
        return bytes(out, 0, n);
    }

    private int decompress(final byte[] packed, final int capacity)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[Math.min(capacity, LzsDecompressor.MAX_OUTPUT)]);
        return decompressor.decompress(new UnsafeBuffer(packed), 0, packed.length, out, 0, capacity);
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** A bit string (blanks ignored) padded with zeros to whole bytes. */
    private static byte[] bits(final String... groups)
    {
        final String all = String.join("", groups).replace(" ", "");
        final byte[] out = new byte[(all.length() + 7) / 8];
        for (int i = 0; i < all.length(); i++)
        {
            if (all.charAt(i) == '1')
            {
                out[i / 8] |= (byte)(0x80 >>> (i % 8));
            }
        }
        return out;
    }
}
