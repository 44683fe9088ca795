package org.headend.control.dtls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * A tunnel's ClientHellos get cookie work at a bounded rate: a replay flood is ignored after the burst, hellos that
 * answer a cookie keep their own rate while hellos without one flood, and the rate comes back with time.
 */
class HelloBudgetTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final int ID_LENGTH = 32;
    private static final byte[] FIRST = hello(new byte[0]);
    private static final byte[] WITH_COOKIE = hello(new byte[32]);

    private final HelloBudget budget = new HelloBudget();

    @Test
    void shouldIgnoreAReplayFloodAfterTheBurst()
    {
        final long start = 5 * SECOND;
        int taken = 0;
        // 10,000 replays within one second
        for (int i = 0; i < 10_000; i++)
        {
            if (budget.take(FIRST, FIRST.length, ID_LENGTH, start + i * 100_000L))
            {
                taken++;
            }
        }
        assertTrue(taken >= HelloBudget.BURST && taken <= HelloBudget.BURST + HelloBudget.PER_SECOND,
            "cookie work for " + taken + " of 10,000 replays in a second");
    }

    @Test
    void shouldKeepTheCookieAnswersRateWhileHellosWithoutACookieFlood()
    {
        final long now = 7 * SECOND;
        for (int i = 0; i < 100; i++)
        {
            budget.take(FIRST, FIRST.length, ID_LENGTH, now);
        }
        assertFalse(budget.take(FIRST, FIRST.length, ID_LENGTH, now));
        assertTrue(budget.take(WITH_COOKIE, WITH_COOKIE.length, ID_LENGTH, now),
            "the honest client's second hello, with the cookie it was given");
    }

    @Test
    void shouldGiveAHelloAgainAfterTheRatesInterval()
    {
        final long now = 9 * SECOND;
        while (budget.take(FIRST, FIRST.length, ID_LENGTH, now))
        {
            // use up the burst
        }
        assertFalse(budget.take(FIRST, FIRST.length, ID_LENGTH, now + SECOND / HelloBudget.PER_SECOND / 2));
        assertTrue(budget.take(FIRST, FIRST.length, ID_LENGTH, now + SECOND / HelloBudget.PER_SECOND),
            "a client resending its hello a second later is answered");
        assertTrue(budget.take(FIRST, FIRST.length, ID_LENGTH, now + 60 * SECOND));
    }

    /** A DTLS 1.2 ClientHello datagram with a 32-byte session_id and {@code cookie}, as openconnect sends it. */
    private static byte[] hello(final byte[] cookie)
    {
        final int body = 2 + 32 + 1 + ID_LENGTH + 1 + cookie.length + 4 + 2;
        final ByteBuffer b = ByteBuffer.allocate(13 + 12 + body);
        b.put((byte)22).putShort((short)0xFEFF).putShort((short)0).putShort((short)0).putInt(0);
        b.putShort((short)(12 + body));
        b.put((byte)1).put(uint24(body)).putShort((short)0).put(uint24(0)).put(uint24(body));
        b.putShort((short)0xFEFD).put(new byte[32]);
        b.put((byte)ID_LENGTH).put(new byte[ID_LENGTH]);
        b.put((byte)cookie.length).put(cookie);
        b.putShort((short)2).putShort((short)0x00A8).put((byte)1).put((byte)0);
        return b.array();
    }

    private static byte[] uint24(final int value)
    {
        return new byte[] {(byte)(value >> 16), (byte)(value >> 8), (byte)value};
    }
}
