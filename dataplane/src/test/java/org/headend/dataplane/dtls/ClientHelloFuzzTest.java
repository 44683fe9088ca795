package org.headend.dataplane.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * The DTLS port's demultiplexer under arbitrary datagrams: a session id is only ever taken from the first fragment
 * of an epoch-0 DTLS 1.0/1.2 ClientHello, is 1–32 bytes copied from the datagram, and nothing is read outside it.
 */
class ClientHelloFuzzTest
{
    private static final int PAD = 5;

    @FuzzTest
    void sessionIdComesOnlyFromAWellPlacedClientHello(final byte[] datagram)
    {
        // the datagram sits between guard bytes, as in a pooled buffer: any read past its end would see them
        final ByteBuf buffer = Unpooled.buffer(PAD + datagram.length + PAD);
        buffer.writeZero(PAD).writeBytes(datagram).writeBytes(new byte[] {22, 1, 1, 1, 1});
        final boolean handshake = ClientHello.isHandshake(buffer, PAD, datagram.length);
        assertEquals(datagram.length >= DtlsRecordHeader.HEADER_LENGTH && datagram[0] == 22, handshake);

        final byte[] id = ClientHello.sessionId(buffer, PAD, datagram.length);
        if (id == null)
        {
            return;
        }
        assertTrue(handshake, "a session id from a datagram that is not a handshake record");
        final int version = (datagram[1] & 0xFF) << 8 | datagram[2] & 0xFF;
        assertTrue(version == DtlsRecordHeader.VERSION_DTLS12 || version == DtlsRecordHeader.VERSION_DTLS10);
        assertEquals(0, datagram[3] | datagram[4], "epoch must be 0");
        assertEquals(1, datagram[13], "handshake type must be ClientHello");
        assertEquals(0, datagram[19] | datagram[20] | datagram[21], "must be the first fragment");
        assertTrue(id.length >= 1 && id.length <= 32, () -> "session id of " + id.length + " bytes");
        assertEquals(id.length, datagram[59] & 0xFF);
        assertTrue(60 + id.length <= datagram.length, "session id read past the datagram");
        assertArrayEquals(Arrays.copyOfRange(datagram, 60, 60 + id.length), id);
    }
}
