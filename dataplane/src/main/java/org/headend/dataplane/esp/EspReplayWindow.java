package org.headend.dataplane.esp;

/**
 * The receive side of one inbound SA's sequence numbers (RFC 4303 §3.4.3 and Appendix A): the high half of an
 * extended sequence number inferred from the low 32 bits a packet carries, and the anti-replay window as a ring of
 * bits (bit {@code seq mod size} stands for {@code seq}), so that advancing it clears bits instead of shifting words.
 * Allocation-free; one thread (the ESP port's event loop).
 *
 * <p>Sequence numbers start at 1; 0 never appears on the wire of a valid SA.
 */
final class EspReplayWindow
{
    private static final long LOW_MASK = 0xFFFF_FFFFL;
    /** The window ESN inference uses when the SA has no anti-replay window of its own. */
    private static final int INFERENCE_WINDOW = 64;

    private final boolean esn;
    private final boolean checks;
    /** Window size in bits, a multiple of 64. */
    private final int size;
    private final long[] bits;
    /** The highest sequence number accepted, 0 before the first. */
    private long top;

    /**
     * @param esn    whether the SA carries 64-bit sequence numbers of which the packets show the low half
     * @param window the anti-replay window in packets (a multiple of 64), or 0 to accept replays
     */
    EspReplayWindow(final boolean esn, final int window)
    {
        this.esn = esn;
        this.checks = window > 0;
        this.size = window > 0 ? window : INFERENCE_WINDOW;
        this.bits = new long[size / 64];
    }

    /**
     * The full sequence number of a packet carrying {@code low} (Appendix A2.2): without ESN the unsigned value
     * itself; with ESN the high half is the window top's, or the one after it when {@code low} is below the window
     * (the counter wrapped), or the one before when the window straddles a wrap and {@code low} lies in its old part.
     */
    long infer(final int low)
    {
        final long seqLow = low & LOW_MASK;
        if (!esn)
        {
            return seqLow;
        }
        final long topLow = top & LOW_MASK;
        final long topHigh = top >>> 32;
        final long high;
        if (topLow >= size - 1)
        {
            // case A: the window lies within one high half
            high = seqLow >= topLow - size + 1 ? topHigh : topHigh + 1;
        }
        else
        {
            // case B: the window's bottom lies in the previous high half
            final long bottom = (topLow - size + 1) & LOW_MASK;
            high = seqLow >= bottom && topHigh > 0 ? topHigh - 1 : topHigh;
        }
        return high << 32 | seqLow;
    }

    /** Whether {@code seq} must be dropped before its integrity check: 0, seen already, or older than the window. */
    boolean isReplay(final long seq)
    {
        if (seq == 0)
        {
            return true;
        }
        if (!checks || Long.compareUnsigned(seq, top) > 0)
        {
            return false;
        }
        if (Long.compareUnsigned(top - seq, size) >= 0)
        {
            return true;
        }
        final int bit = bit(seq);
        return (bits[bit >>> 6] & (1L << bit)) != 0;
    }

    /**
     * Records an authenticated {@code seq} (after {@link #isReplay} said no).
     *
     * @return whether it is the highest seen so far (only such a packet may move the peer's address)
     */
    boolean accept(final long seq)
    {
        final boolean advances = Long.compareUnsigned(seq, top) > 0;
        if (advances)
        {
            final long distance = seq - top;
            if (Long.compareUnsigned(distance, size) >= 0)
            {
                java.util.Arrays.fill(bits, 0L);
            }
            else
            {
                for (long s = top + 1; s != seq; s++)
                {
                    final int bit = bit(s);
                    bits[bit >>> 6] &= ~(1L << bit);
                }
            }
            top = seq;
        }
        final int bit = bit(seq);
        bits[bit >>> 6] |= 1L << bit;
        return advances;
    }

    /** The highest sequence number accepted, 0 before the first. */
    long top()
    {
        return top;
    }

    private int bit(final long seq)
    {
        return (int)Long.remainderUnsigned(seq, size);
    }
}
