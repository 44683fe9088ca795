package org.headend.perf.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HandshakeTraceTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** One DTLS record: type, version DTLS 1.2, epoch, sequence 0, then the body. */
    private static byte[] record(final int type, final int epoch, final byte... body)
    {
        final byte[] r = new byte[13 + body.length];
        r[0] = (byte)type;
        r[1] = (byte)0xFE;
        r[2] = (byte)0xFD;
        r[4] = (byte)epoch;
        r[11] = (byte)(body.length >> 8);
        r[12] = (byte)body.length;
        System.arraycopy(body, 0, r, 13, body.length);
        return r;
    }

    private static byte[] concat(final byte[]... parts)
    {
        int n = 0;
        for (final byte[] p : parts)
        {
            n += p.length;
        }
        final byte[] out = new byte[n];
        int at = 0;
        for (final byte[] p : parts)
        {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void shouldNameTheRecordsOfEachFlight()
    {
        assertEquals("CH", HandshakeTrace.records(record(22, 0, (byte)1, (byte)0), 0, 15));
        final byte[] serverFlight = concat(record(22, 0, (byte)2, (byte)0), record(22, 0, (byte)14, (byte)0));
        assertEquals("SH+SHD", HandshakeTrace.records(serverFlight, 0, serverFlight.length));
        final byte[] last = concat(record(22, 0, (byte)16), record(20, 0, (byte)1), record(22, 1, new byte[40]));
        assertEquals("CKE+CCS+Fin", HandshakeTrace.records(last, 0, last.length), "the encrypted Finished of epoch 1");
        assertEquals("?", HandshakeTrace.records(new byte[5], 0, 5), "shorter than a record header");
    }

    @Test
    void shouldTellWhatWasLastSentAndHeardWhenAHandshakeFails()
    {
        final HandshakeTrace trace = new HandshakeTrace(1_000 * MS);
        final byte[] hello = record(22, 0, (byte)1, (byte)0);
        trace.sent(hello, 0, hello.length, 1_000 * MS);
        final byte[] verify = record(22, 0, (byte)3, (byte)0);
        trace.received(verify, 0, verify.length, 1_004 * MS);
        trace.sent(hello, 0, hello.length, 1_005 * MS);
        trace.sent(hello, 0, hello.length, 2_005 * MS);
        trace.droppedIncoming();

        final String line = trace.describe(13_000 * MS);

        assertTrue(line.startsWith("started "), "a wall-clock time to find the server's log lines by: " + line);
        assertTrue(line.contains(", after 12000 ms: sent 3 received 1 queue-full 1 |"), line);
        assertTrue(line.endsWith(" 0ms>CH 4ms<HVR 5ms>CH 1005ms>CH"), line);
    }

    @Test
    void shouldKeepCountingPastItsBound()
    {
        final HandshakeTrace trace = new HandshakeTrace(0);
        final byte[] hello = record(22, 0, (byte)1, (byte)0);
        for (int i = 0; i < HandshakeTrace.MAX_ENTRIES + 10; i++)
        {
            trace.sent(hello, 0, hello.length, i * MS);
        }

        final String line = trace.describe(100 * MS);

        assertTrue(line.contains("sent " + (HandshakeTrace.MAX_ENTRIES + 10) + " "), line);
        assertEquals(HandshakeTrace.MAX_ENTRIES, line.split(">CH", -1).length - 1, line);
        assertTrue(line.endsWith(" …"), "says that entries were left out: " + line);
    }
}
