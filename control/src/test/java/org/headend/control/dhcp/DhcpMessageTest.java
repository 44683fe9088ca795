package org.headend.control.dhcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The DHCP codec: what a server sends is read field by field, what the relay sends is what servers expect. */
class DhcpMessageTest
{
    private static final byte[] CHADDR = {2, 0x11, 0x22, 0x33, 0x44, 0x55};

    @Test
    void shouldReadADnsmasqOfferWithItsAddressServerAndTimes() throws Exception
    {
        final byte[] offer = corpus("offer");
        final DhcpMessage message = DhcpMessage.decode(offer, offer.length);
        assertEquals(DhcpMessage.BOOTREPLY, message.op());
        assertEquals(DhcpMessage.OFFER, message.messageType());
        assertEquals(0x1234, message.xid());
        assertEquals(0x0A3C002A, message.yiaddr(), "10.60.0.42");
        assertEquals(0x0A3C0001, message.giaddr(), "10.60.0.1");
        assertArrayEquals(CHADDR, message.chaddr());
        assertEquals(0x0A4E0002L, message.intOption(DhcpMessage.OPTION_SERVER_ID, 0));
        assertEquals(120, message.intOption(DhcpMessage.OPTION_LEASE_TIME, 0));
        assertEquals(8, message.intOption(DhcpMessage.OPTION_RENEWAL_TIME, 0));
        assertEquals(16, message.intOption(DhcpMessage.OPTION_REBINDING_TIME, 0));
        assertEquals(0xFFFFFF00L, message.intOption(DhcpMessage.OPTION_SUBNET_MASK, 0));
    }

    @Test
    void shouldWriteARequestServersReadBackWithGiaddrAndOptions() throws Exception
    {
        final Map<Integer, byte[]> options = new LinkedHashMap<>();
        options.put(DhcpMessage.OPTION_MESSAGE_TYPE, new byte[] {DhcpMessage.REQUEST});
        options.put(DhcpMessage.OPTION_REQUESTED_ADDRESS, DhcpMessage.int32(0x0A3C002A));
        final DhcpMessage request = new DhcpMessage(DhcpMessage.BOOTREQUEST, 77, 0, 0, 0, 0, 0, 0x0A3C0001, CHADDR,
            options);
        final byte[] bytes = request.encode();
        assertTrue(bytes.length >= 300, "BOOTP's minimum size, which some servers insist on");
        assertEquals(1, bytes[0]);
        assertEquals(1, bytes[1], "htype Ethernet");
        assertEquals(6, bytes[2], "hlen");
        assertArrayEquals(new byte[] {10, 60, 0, 1}, Arrays.copyOfRange(bytes, 24, 28), "giaddr");
        assertArrayEquals(new byte[] {0x63, (byte)0x82, 0x53, 0x63}, Arrays.copyOfRange(bytes, 236, 240));
        assertArrayEquals(new byte[] {53, 1, 3, 50, 4, 10, 60, 0, 42, (byte)255}, Arrays.copyOfRange(bytes, 240, 250));
        assertEquals(request, DhcpMessage.decode(bytes, bytes.length));
    }

    @Test
    void shouldJoinAnOptionSplitInPartsAndSplitALongOneWhenWriting() throws Exception
    {
        final byte[] split = corpus("split-option");
        final DhcpMessage message = DhcpMessage.decode(split, split.length);
        assertEquals(295, message.options().get(43).length, "RFC 3396: the parts are one option");
        final byte[] again = message.encode();
        assertEquals(message, DhcpMessage.decode(again, again.length));
    }

    @Test
    void shouldRefuseWhatIsNotAWellFormedMessageAndSayWhy() throws Exception
    {
        final byte[] offer = corpus("offer");
        assertTrue(assertThrows(DhcpFormatException.class, () -> DhcpMessage.decode(offer, 239)).getMessage()
            .contains("240 to 1472 bytes"));
        assertTrue(assertThrows(DhcpFormatException.class, () -> DhcpMessage.decode(new byte[1473], 1473))
            .getMessage().contains("not 1473"), "longer than a datagram on Ethernet: refused unread");
        final byte[] noCookie = offer.clone();
        noCookie[236] = 0;
        assertEquals("no DHCP magic cookie", assertThrows(DhcpFormatException.class,
            () -> DhcpMessage.decode(noCookie, noCookie.length)).getMessage());
        final byte[] badHlen = offer.clone();
        badHlen[2] = 17;
        assertEquals("hardware address length 17 (1 to 16)", assertThrows(DhcpFormatException.class,
            () -> DhcpMessage.decode(badHlen, badHlen.length)).getMessage());
        final byte[] truncated = corpus("truncated-option");
        assertEquals("option 54 of 9 bytes runs past the message", assertThrows(DhcpFormatException.class,
            () -> DhcpMessage.decode(truncated, truncated.length)).getMessage());
        final byte[] noEnd = Arrays.copyOf(offer, offer.length - 1);
        assertEquals("the options have no END", assertThrows(DhcpFormatException.class,
            () -> DhcpMessage.decode(noEnd, noEnd.length)).getMessage());
    }

    @Test
    void shouldShowOnlyPrintableServerTextCutAt80Characters() throws Exception
    {
        final byte[] nak = corpus("nak");
        assertEquals("wrong address", DhcpMessage.decode(nak, nak.length).serverText());
        final Map<Integer, byte[]> options = Map.of(DhcpMessage.OPTION_MESSAGE, "a\nb\u0007".repeat(40).getBytes());
        final DhcpMessage message = new DhcpMessage(2, 1, 0, 0, 0, 0, 0, 0, CHADDR, options);
        final String text = message.serverText();
        assertEquals(80, text.length());
        assertTrue(text.startsWith("a?b?a?b?"), text);
    }

    static byte[] corpus(final String name) throws IOException
    {
        try (InputStream in = DhcpMessageTest.class.getResourceAsStream(
            "DhcpMessageFuzzTestInputs/anyDatagramDecodesToAMessageThatRoundTripsOrIsRefusedClearly/" + name))
        {
            return in.readAllBytes();
        }
    }
}
