package org.headend.dataplane.dtls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplayWindowTest
{
    private final ReplayWindow window = new ReplayWindow();

    @Test
    void shouldAcceptAnyFirstRecordIncludingZero()
    {
        assertFalse(window.isReplay(0));
        window.accept(0);
        assertTrue(window.isReplay(0));
    }

    @Test
    void shouldAcceptReorderedRecordsInsideTheWindowOnce()
    {
        window.accept(100);
        assertFalse(window.isReplay(99));
        window.accept(99);
        assertTrue(window.isReplay(99));
        assertFalse(window.isReplay(50));
        assertTrue(window.isReplay(100));
    }

    @Test
    void shouldRefuseRecordsOlderThanTheWindow()
    {
        window.accept(5000);
        assertTrue(window.isReplay(5000 - ReplayWindow.SIZE));
        assertFalse(window.isReplay(5000 - ReplayWindow.SIZE + 1));
    }

    @Test
    void shouldForgetOldBitsWhenTheWindowSlides()
    {
        window.accept(10);
        window.accept(10 + ReplayWindow.SIZE);
        assertTrue(window.isReplay(10), "now too old");
        assertFalse(window.isReplay(10 + ReplayWindow.SIZE - 1), "slot reused for a newer number, never seen");
        window.accept(10 + 2 * ReplayWindow.SIZE + 3);
        assertFalse(window.isReplay(10 + 2 * ReplayWindow.SIZE + 2));
        assertTrue(window.isReplay(10 + 2 * ReplayWindow.SIZE + 3));
    }

    @Test
    void shouldClearSkippedSlotsOnASmallJump()
    {
        for (int s = 0; s < ReplayWindow.SIZE; s++)
        {
            window.accept(s);
        }
        window.accept(ReplayWindow.SIZE + 10);
        for (long s = ReplayWindow.SIZE; s < ReplayWindow.SIZE + 10; s++)
        {
            assertFalse(window.isReplay(s), "skipped " + s);
        }
        assertTrue(window.isReplay(ReplayWindow.SIZE + 10));
        assertTrue(window.isReplay(20), "old but inside the window and seen");
    }

    @Test
    void shouldHandleTheTopOfTheSequenceSpace()
    {
        final long top = (1L << 48) - 1;
        window.accept(top - 1);
        assertFalse(window.isReplay(top));
        window.accept(top);
        assertTrue(window.isReplay(top));
    }
}
