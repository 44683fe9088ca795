package org.headend.dataplane.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EspReplayWindowTest
{
    private static final long WRAP = 1L << 32;

    /** What the receiver does with a packet carrying {@code low}: infer, check, accept. */
    private static long receive(final EspReplayWindow window, final long low)
    {
        final long seq = window.infer((int)low);
        if (window.isReplay(seq))
        {
            return -1;
        }
        window.accept(seq);
        return seq;
    }

    @Test
    void shouldNeverAcceptSequenceNumberZero()
    {
        final EspReplayWindow window = new EspReplayWindow(false, 64);
        assertTrue(window.isReplay(0));
        final EspReplayWindow none = new EspReplayWindow(false, 0);
        assertTrue(none.isReplay(0), "0 is never sent, even without anti-replay");
    }

    @Test
    void shouldAcceptReorderedPacketsInsideTheWindowOnce()
    {
        final EspReplayWindow window = new EspReplayWindow(false, 64);
        assertEquals(100, receive(window, 100));
        assertEquals(99, receive(window, 99));
        assertEquals(-1, receive(window, 99));
        assertEquals(-1, receive(window, 100));
        assertEquals(37, receive(window, 37), "the oldest number still inside a 64-packet window");
        assertEquals(-1, receive(window, 36), "one older than the window");
    }

    @Test
    void shouldKeepAWindowOfItsConfiguredSize()
    {
        final EspReplayWindow window = new EspReplayWindow(false, 1024);
        receive(window, 5000);
        assertFalse(window.isReplay(5000 - 1023));
        assertTrue(window.isReplay(5000 - 1024));
    }

    @Test
    void shouldForgetOldBitsWhenTheWindowSlides()
    {
        final EspReplayWindow window = new EspReplayWindow(false, 128);
        for (long seq = 1; seq <= 128; seq++)
        {
            assertEquals(seq, receive(window, seq));
        }
        // each slot of the ring now stands for a newer number: none of them was seen
        assertEquals(200, receive(window, 200));
        for (long seq = 129; seq < 200; seq++)
        {
            assertFalse(window.isReplay(seq), "never seen: " + seq);
        }
        assertTrue(window.isReplay(72), "older than the window after the jump");
        // a jump beyond the whole window clears everything
        assertEquals(100_000, receive(window, 100_000));
        assertFalse(window.isReplay(100_000 - 127));
        assertTrue(window.isReplay(100_000));
    }

    @Test
    void shouldReportOnlyTheNewestPacketAsAdvancing()
    {
        final EspReplayWindow window = new EspReplayWindow(false, 64);
        assertTrue(window.accept(10));
        assertFalse(window.accept(9), "a late packet must not move the peer's address");
        assertTrue(window.accept(11));
    }

    @Test
    void shouldAcceptReplaysWithoutAWindowButStillInferTheHighHalf()
    {
        final EspReplayWindow window = new EspReplayWindow(true, 0);
        assertEquals(5, receive(window, 5));
        assertEquals(5, receive(window, 5), "no anti-replay: the same number again is taken");
        window.accept(WRAP - 3);
        assertEquals(WRAP + 2, window.infer(2), "the counter wrapped");
    }

    @Test
    void shouldWithoutEsnTakeTheLowHalfAsTheWholeNumber()
    {
        final EspReplayWindow window = new EspReplayWindow(false, 64);
        receive(window, WRAP - 1);
        assertEquals(1, window.infer(1), "no ESN: a wrapped counter is a replay of 1, not 2^32 + 1");
        assertTrue(window.isReplay(window.infer(1)));
    }

    @Test
    void shouldInferTheNextHighHalfWhenTheLowCounterWraps()
    {
        final EspReplayWindow window = new EspReplayWindow(true, 64);
        assertEquals(WRAP - 2, receive(window, WRAP - 2));
        // case A: the window lies in high half 0; a low number below it belongs to high half 1
        assertEquals(WRAP + 1, receive(window, 1));
        // case B: the window now straddles the wrap; numbers in its old part belong to high half 0
        assertEquals(WRAP - 1, receive(window, WRAP - 1), "a late packet from before the wrap");
        assertEquals(-1, receive(window, WRAP - 2), "and the one already seen is still refused");
        assertEquals(WRAP + 2, receive(window, 2));
        // below the bottom of a straddling window is read as the current high half, far ahead: only the ICV, whose
        // AAD carries the inferred high half, can tell, and a packet the peer sent before the wrap fails it
        assertEquals(2 * WRAP - 70, window.infer((int)(WRAP - 70)));
    }

    @Test
    void shouldTreatANumberFarBelowTheWindowAfterAWrapAsTheNextHighHalf()
    {
        final EspReplayWindow window = new EspReplayWindow(true, 64);
        window.accept(3 * WRAP + 1000);
        // case A with the low half well inside: a number below the window's bottom can only be from high half 4
        assertEquals(4 * WRAP + 10, window.infer(10));
        assertEquals(3 * WRAP + 990, window.infer(990), "inside the window: same high half");
        assertEquals(3 * WRAP + 5000, window.infer(5000), "ahead of the window: same high half");
    }
}
