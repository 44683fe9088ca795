package org.headend.dataplane.dtls;

/**
 * The anti-replay window of one DTLS read epoch (RFC 6347 §4.1.2.6): a record whose sequence number was already
 * accepted, or is older than the window, is dropped. 1024 records wide, so that reordering inside a burst at tens of
 * Gbit/s never looks like a replay. Single-threaded; allocation-free.
 */
public final class ReplayWindow
{
    public static final int SIZE = 1024;
    private static final int WORDS = SIZE / 64;

    private final long[] bits = new long[WORDS];
    private long highest = -1;

    /** Whether {@code sequence} must be dropped: seen before, or too old to tell. Does not change the window. */
    public boolean isReplay(final long sequence)
    {
        if (sequence > highest)
        {
            return false;
        }
        if (highest - sequence >= SIZE)
        {
            return true;
        }
        final int bit = (int)(sequence % SIZE);
        return (bits[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    /** Records {@code sequence} as received; call only after the record authenticated. */
    public void accept(final long sequence)
    {
        if (sequence > highest)
        {
            final long advance = highest < 0 ? SIZE : sequence - highest;
            if (advance >= SIZE)
            {
                java.util.Arrays.fill(bits, 0L);
            }
            else
            {
                for (long s = highest + 1; s < sequence; s++)
                {
                    final int bit = (int)(s % SIZE);
                    bits[bit >>> 6] &= ~(1L << (bit & 63));
                }
            }
            highest = sequence;
        }
        final int bit = (int)(sequence % SIZE);
        bits[bit >>> 6] |= 1L << (bit & 63);
    }

    /** The highest sequence number accepted, -1 before the first. */
    public long highest()
    {
        return highest;
    }
}
