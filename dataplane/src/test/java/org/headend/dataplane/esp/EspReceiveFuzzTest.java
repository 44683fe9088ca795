package org.headend.dataplane.esp;

import static org.headend.dataplane.wire.Packets.address;
import static org.headend.dataplane.wire.Packets.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import org.headend.dataplane.api.TunnelAccess;

/**
 * The ESP port's receive path under arbitrary datagrams (demux, replay window, open, trailer, access check): nothing
 * a forger sends reaches the inside or moves the peer, nothing throws, and a packet the client sealed afterwards
 * still arrives, exactly once.
 */
class EspReceiveFuzzTest
{
    private static final int CLIENT = address(192, 168, 100, 10);
    private static final int INSIDE = address(10, 1, 0, 5);

    @FuzzTest
    void forgedDatagramsNeverReachTheInsideAndSealedOnesArriveOnce(final FuzzedDataProvider data)
    {
        try (EspFixture esp = new EspFixture(new TunnelAccess(CLIENT, null, null), 1400))
        {
            final int datagrams = data.consumeInt(0, 8);
            for (int i = 0; i < datagrams; i++)
            {
                final byte[] datagram = data.consumeBytes(data.consumeInt(0, 1600));
                if (datagram.length >= 8 && data.consumeBoolean())
                {
                    // past the demux: the session's own SPI, and a sequence number the window may take
                    ByteBuffer.wrap(datagram).putInt(0, EspFixture.IN_SPI);
                }
                esp.receive(datagram, data.consumeBoolean() ? EspFixture.PEER : EspFixture.LOCAL);
            }
            assertTrue(esp.delivered.isEmpty(), "a datagram nobody sealed reached the inside");
            assertEquals(EspFixture.PEER, esp.session.peer(), "a forged datagram moved the peer");

            final byte[] payload = data.consumeRemainingAsBytes();
            final byte[] inner = ipv4(CLIENT, INSIDE, 20 + Math.min(payload.length, 1000));
            System.arraycopy(payload, 0, inner, 20, inner.length - 20);
            final byte[] sealed = esp.seal(inner, EspFormat.NEXT_HEADER_IPV4);
            esp.receive(sealed, EspFixture.PEER);
            esp.receive(sealed, EspFixture.PEER);
            assertEquals(1, esp.delivered.size(), "the client's packet arrives exactly once");
            assertArrayEquals(inner, esp.delivered.get(0));
        }
    }
}
