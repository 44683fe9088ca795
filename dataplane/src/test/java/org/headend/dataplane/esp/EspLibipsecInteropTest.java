package org.headend.dataplane.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.crypto.jca.JcaAesGcm;
import org.headend.dataplane.api.EspSa;
import org.junit.jupiter.api.Test;

/**
 * ESP as strongSwan's kernel-libipsec (the IKEv2 integration tests' client) writes it: UDP 4500 payloads captured
 * from a charon-to-charon run of the shared harness (aes256gcm16 child SA, ESN off, three pings of 100 bytes),
 * with the child SA's KEYMAT from charon's log. Both directions open here to the pings and their answers.
 */
class EspLibipsecInteropTest
{
    private static final HexFormat HEX = HexFormat.of();
    private static final int CLIENT_VIRTUAL_IP = 0xC633640A; // 198.51.100.10
    private static final int INSIDE_HOST = 0xC0000201; // 192.0.2.1

    private final Map<String, byte[]> keymat = new HashMap<>();
    private final List<byte[]> fromClient = new ArrayList<>();
    private final List<byte[]> fromResponder = new ArrayList<>();

    EspLibipsecInteropTest() throws Exception
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
            EspLibipsecInteropTest.class.getResourceAsStream("libipsec-capture.txt"), StandardCharsets.US_ASCII)))
        {
            for (String line = reader.readLine(); line != null; line = reader.readLine())
            {
                final String[] fields = line.split(" ");
                switch (fields[0])
                {
                    case "keymat-initiator-to-responder", "keymat-responder-to-initiator" ->
                        keymat.put(fields[0], HEX.parseHex(fields[1]));
                    case "client" -> fromClient.add(HEX.parseHex(fields[1]));
                    case "headend" -> fromResponder.add(HEX.parseHex(fields[1]));
                    default -> { }
                }
            }
        }
    }

    @Test
    void shouldOpenTheClientsEchoRequests()
    {
        final byte[] first = fromClient.getFirst();
        final int spi = java.nio.ByteBuffer.wrap(first).getInt();
        try (InboundSa sa = new InboundSa(EspSa.fromKeymat(spi, keymat.get("keymat-initiator-to-responder"), false,
            128), JcaAesGcm::new, null))
        {
            assertEquals(3, fromClient.size());
            for (final byte[] packet : fromClient)
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(packet);
                final int length = sa.open(buffer, 0, packet.length);
                assertEquals(128, length, "IPv4 20 + ICMP 8 + 100 bytes of ping");
                assertEquals(EspFormat.NEXT_HEADER_IPV4, sa.nextHeader());
                assertEquals(CLIENT_VIRTUAL_IP, buffer.getInt(16 + 12, java.nio.ByteOrder.BIG_ENDIAN));
                assertEquals(INSIDE_HOST, buffer.getInt(16 + 16, java.nio.ByteOrder.BIG_ENDIAN));
                assertEquals(8, buffer.getByte(16 + 20), "ICMP echo request");
            }
        }
    }

    @Test
    void shouldOpenTheRespondersEchoRepliesAsTheClientWould()
    {
        final int spi = java.nio.ByteBuffer.wrap(fromResponder.getFirst()).getInt();
        try (InboundSa sa = new InboundSa(EspSa.fromKeymat(spi, keymat.get("keymat-responder-to-initiator"), false,
            128), JcaAesGcm::new, null))
        {
            for (final byte[] packet : fromResponder)
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(packet.clone());
                assertEquals(128, sa.open(buffer, 0, packet.length));
                assertEquals(0, buffer.getByte(16 + 20), "ICMP echo reply");
                assertEquals(INSIDE_HOST, buffer.getInt(16 + 12, java.nio.ByteOrder.BIG_ENDIAN));
            }
            assertTrue(sa.open(new UnsafeBuffer(fromResponder.getFirst().clone()), 0, fromResponder.getFirst().length)
                == InboundSa.REPLAYED, "a captured packet replayed");
        }
    }
}
