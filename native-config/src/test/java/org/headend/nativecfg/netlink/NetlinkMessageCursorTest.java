package org.headend.nativecfg.netlink;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetlinkMessageCursorTest
{
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment buffer = arena.allocate(256, 8);
    private final NetlinkMessageWriter writer = new NetlinkMessageWriter(buffer);
    private final NetlinkMessageCursor cursor = new NetlinkMessageCursor();

    @Test
    void shouldReadBackWhatWriterWroteWhenMessageIsWellFormed()
    {
        final int length = writer.begin(NetlinkProtocol.RTM_NEWADDR, NetlinkProtocol.NLM_F_REQUEST, 7)
            .putByte(2).putByte(24).putByte(0).putByte(0).putInt(5)
            .putAttribute(NetlinkProtocol.IFA_LOCAL, new byte[]{ 10, 0, 0, 1 })
            .putAttribute(NetlinkProtocol.IFLA_IFNAME, "tun0")
            .finish();

        assertEquals(16 + 8 + 8 + NetlinkProtocol.align(4 + 5), length, "attributes padded to 4 bytes");
        cursor.wrap(buffer, length);
        assertTrue(cursor.nextMessage());
        assertEquals(NetlinkProtocol.RTM_NEWADDR, cursor.type());
        assertEquals(7, cursor.sequence());
        assertEquals(24, cursor.payloadByte(NetlinkProtocol.IFADDRMSG_PREFIXLEN_OFFSET));
        assertEquals(5, cursor.payloadInt(NetlinkProtocol.IFADDRMSG_INDEX_OFFSET));
        cursor.startAttributes(NetlinkProtocol.IFADDRMSG_SIZE);
        assertTrue(cursor.nextAttribute());
        assertArrayEquals(new byte[]{ 10, 0, 0, 1 }, cursor.attributeBytes());
        assertTrue(cursor.nextAttribute());
        assertEquals("tun0", cursor.attributeString(16));
        assertFalse(cursor.nextAttribute());
        assertFalse(cursor.nextMessage());
    }

    @Test
    void shouldRejectMessageWhenLengthExceedsDatagram()
    {
        final int length = writer.begin(NetlinkProtocol.RTM_NEWADDR, 0, 1).putInt(0).putInt(0).finish();
        cursor.wrap(buffer, length - 1);
        assertThrows(MalformedNetlinkException.class, cursor::nextMessage);
    }

    @Test
    void shouldRejectMessageWhenLengthIsBelowHeaderSize()
    {
        writer.begin(NetlinkProtocol.RTM_NEWADDR, 0, 1).putInt(0).finish();
        buffer.set(JAVA_INT_UNALIGNED, NetlinkProtocol.NLMSG_LEN_OFFSET, 8);
        cursor.wrap(buffer, 20);
        assertThrows(MalformedNetlinkException.class, cursor::nextMessage);
    }

    @Test
    void shouldRejectHeaderWhenDatagramEndsInsideIt()
    {
        cursor.wrap(buffer, 10);
        assertThrows(MalformedNetlinkException.class, cursor::nextMessage);
    }

    @Test
    void shouldRejectDatagramLengthWhenLargerThanBuffer()
    {
        assertThrows(MalformedNetlinkException.class, () -> cursor.wrap(buffer, 257));
    }

    @Test
    void shouldRejectAttributeWhenItOverrunsMessage()
    {
        final int length = writer.begin(NetlinkProtocol.RTM_NEWADDR, 0, 1)
            .putByte(2).putByte(24).putByte(0).putByte(0).putInt(5)
            .putAttribute(NetlinkProtocol.IFA_LOCAL, new byte[]{ 10, 0, 0, 1 })
            .finish();
        buffer.set(JAVA_SHORT_UNALIGNED, 16 + 8, (short)200);
        cursor.wrap(buffer, length);
        assertTrue(cursor.nextMessage());
        cursor.startAttributes(NetlinkProtocol.IFADDRMSG_SIZE);
        assertThrows(MalformedNetlinkException.class, cursor::nextAttribute);
    }

    @Test
    void shouldRejectPayloadWhenShorterThanFamilyHeader()
    {
        final int length = writer.begin(NetlinkProtocol.RTM_NEWADDR, 0, 1).putInt(0).finish();
        cursor.wrap(buffer, length);
        assertTrue(cursor.nextMessage());
        assertThrows(MalformedNetlinkException.class, () -> cursor.requirePayload(NetlinkProtocol.IFADDRMSG_SIZE));
    }

    @Test
    void shouldExtractKernelMessageWhenErrorCarriesExtendedAck()
    {
        final int length = writer.begin(
                NetlinkProtocol.NLMSG_ERROR, NetlinkProtocol.NLM_F_CAPPED | NetlinkProtocol.NLM_F_ACK_TLVS, 3)
            .putInt(-22)
            .putInt(32).putShort(NetlinkProtocol.RTM_NEWROUTE).putShort(5).putInt(3).putInt(0)
            .putAttribute(NetlinkProtocol.NLMSGERR_ATTR_MSG, "Invalid prefsrc address")
            .finish();
        cursor.wrap(buffer, length);
        assertTrue(cursor.nextMessage());
        assertEquals(22, cursor.errorCode());
        assertEquals("Invalid prefsrc address", cursor.extendedAckMessage());
    }

    @Test
    void shouldRejectEchoedRequestWhenItsLengthOverrunsError()
    {
        final int length = writer.begin(NetlinkProtocol.NLMSG_ERROR, NetlinkProtocol.NLM_F_ACK_TLVS, 3)
            .putInt(-22)
            .putInt(4000).putShort(NetlinkProtocol.RTM_NEWROUTE).putShort(5).putInt(3).putInt(0)
            .finish();
        cursor.wrap(buffer, length);
        assertTrue(cursor.nextMessage());
        assertThrows(MalformedNetlinkException.class, cursor::extendedAckMessage);
    }

    @Test
    void shouldReturnNoKernelMessageWhenAcknowledgementHasNone()
    {
        final int length = writer.begin(NetlinkProtocol.NLMSG_ERROR, NetlinkProtocol.NLM_F_CAPPED, 3)
            .putInt(0)
            .putInt(16).putShort(NetlinkProtocol.RTM_NEWROUTE).putShort(5).putInt(3).putInt(0)
            .finish();
        cursor.wrap(buffer, length);
        assertTrue(cursor.nextMessage());
        assertEquals(0, cursor.errorCode());
        assertNull(cursor.extendedAckMessage());
    }

    @Test
    void shouldFailWhenRequestDoesNotFitBuffer()
    {
        writer.begin(NetlinkProtocol.RTM_NEWADDR, 0, 1);
        assertThrows(IllegalStateException.class, () -> writer.putAttribute(1, new byte[300]));
    }
}
