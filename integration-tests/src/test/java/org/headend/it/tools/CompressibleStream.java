package org.headend.it.tools;

import java.util.SplittableRandom;

/**
 * Seeded data that tunnel compression can shrink, in 1 KiB chunks: most chunks are random picks among 32 eight-byte
 * tokens (so any single packet holds repeats LZS and deflate find), and every fourth chunk repeats the one 6 KiB
 * earlier verbatim, a repeat beyond openconnect's 4 KiB deflate window that a 32 KiB-window deflater with a plain
 * sync flush would refer back to and so break the client's inflater.
 */
final class CompressibleStream
{
    static final int CHUNK = 1024;
    private static final int TOKEN = 8;
    private static final int TOKENS = 32;
    private static final int REPEAT_BACK = 6;

    private final SplittableRandom random;
    private final byte[] tokens = new byte[TOKENS * TOKEN];
    /** The last {@link #REPEAT_BACK} chunks, chunk i at i % REPEAT_BACK. */
    private final byte[][] recent = new byte[REPEAT_BACK][CHUNK];
    private long chunkIndex;

    CompressibleStream(final long seed)
    {
        random = new SplittableRandom(seed);
        random.nextBytes(tokens);
    }

    /** Fills {@code buffer} (a whole number of chunks) with the stream's next bytes. */
    void nextBytes(final byte[] buffer)
    {
        if (buffer.length % CHUNK != 0)
        {
            throw new IllegalArgumentException("buffer must hold whole chunks of " + CHUNK);
        }
        for (int at = 0; at < buffer.length; at += CHUNK, chunkIndex++)
        {
            final byte[] chunk = recent[(int)(chunkIndex % REPEAT_BACK)];
            // a repeat chunk is the one REPEAT_BACK chunks ago, still in its slot: leave it as it is
            if (chunkIndex % 4 != 3 || chunkIndex < REPEAT_BACK)
            {
                for (int i = 0; i < CHUNK; i += TOKEN)
                {
                    System.arraycopy(tokens, random.nextInt(TOKENS) * TOKEN, chunk, i, TOKEN);
                }
            }
            System.arraycopy(chunk, 0, buffer, at, CHUNK);
        }
    }
}
