package org.headend.dataplane.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class CstpHeaderTest
{
    @Test
    void shouldWriteTheDpdRequestBytesOfTheSpec()
    {
        final ByteBuf out = Unpooled.buffer();
        CstpHeader.write(out, CstpHeader.TYPE_DPD_REQ, 0);
        assertArrayEquals(ByteBufUtil.decodeHexDump("5354460100000300"), ByteBufUtil.getBytes(out));
    }

    @Test
    void shouldReturnPayloadLengthWhenHeaderIsValid()
    {
        final ByteBuf frame = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("53544601001c0000"));
        assertEquals(28, CstpHeader.check(frame, 0));
        assertEquals(CstpHeader.TYPE_DATA, CstpHeader.type(frame, 0));
    }

    @Test
    void shouldRejectBadMagicVersionAndReservedByte()
    {
        assertEquals(CstpHeader.BAD_MAGIC, CstpHeader.check(hex("53545801001c0000"), 0));
        assertEquals(CstpHeader.BAD_VERSION, CstpHeader.check(hex("53544602001c0000"), 0));
        assertEquals(CstpHeader.BAD_RESERVED, CstpHeader.check(hex("53544601001c0001"), 0));
    }

    @Test
    void shouldReadLengthAsUnsignedBigEndian()
    {
        assertEquals(65535, CstpHeader.check(hex("53544601ffff0000"), 0));
    }

    private static ByteBuf hex(final String hex)
    {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    }
}
