package org.headend.dataplane.compress;

import java.util.HexFormat;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;

/** Test inputs: random bytes (incompressible), token soup (compressible), hex, and buffer helpers. */
final class Samples
{
    private Samples()
    {
    }

    static byte[] random(final int length, final long seed)
    {
        final byte[] data = new byte[length];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    /** Random picks from 16 eight-byte tokens: repeats everywhere, like text or a protocol's fixed fields. */
    static byte[] compressible(final int length, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] tokens = random(16 * 8, seed ^ 0x5eed);
        final byte[] data = new byte[length];
        for (int i = 0; i < length; i += 8)
        {
            System.arraycopy(tokens, random.nextInt(16) * 8, data, i, Math.min(8, length - i));
        }
        return data;
    }

    static byte[] hex(final String text)
    {
        return HexFormat.of().parseHex(text.replace(" ", "").replace("\n", ""));
    }

    /** Bytes at {@code offset} of a fresh heap buffer, with something before them so that indexes matter. */
    static UnsafeBuffer at(final int offset, final byte[] data, final int spare)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[offset + data.length + spare]);
        buffer.putBytes(offset, data);
        return buffer;
    }

    static byte[] bytes(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final byte[] out = new byte[length];
        buffer.getBytes(offset, out);
        return out;
    }
}
