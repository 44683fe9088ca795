package org.headend.control.ike.codec;

import java.nio.ByteBuffer;

/**
 * The Delete payload body (RFC 7296 §3.11): protocol, SPI size, SPI count and the SPIs. Deleting the IKE SA has
 * protocol 1 and no SPIs; child SAs are listed by 4-byte SPI.
 */
public final class DeletePayload
{
    private ByteBuffer buffer;
    private int offset;

    public DeletePayload wrap(final ByteBuffer buffer, final int offset, final int length) throws IkeParseException
    {
        if (length < 4)
        {
            throw new IkeParseException("delete payload too short");
        }
        final int protocol = buffer.get(offset) & 0xff;
        final int spiSize = buffer.get(offset + 1) & 0xff;
        final int count = buffer.getShort(offset + 2) & 0xffff;
        final boolean ike = protocol == Ike.PROTOCOL_IKE && spiSize == 0 && count == 0;
        final boolean child = (protocol == Ike.PROTOCOL_ESP || protocol == Ike.PROTOCOL_AH) && spiSize == 4;
        if (!ike && !child || count > Ike.MAX_DELETE_SPIS || length != 4 + spiSize * count)
        {
            throw new IkeParseException("bad delete payload");
        }
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int protocol()
    {
        return buffer.get(offset) & 0xff;
    }

    public int spiCount()
    {
        return buffer.getShort(offset + 2) & 0xffff;
    }

    /** The 4-byte SPI at {@code index}, as an int. */
    public int childSpi(final int index)
    {
        return buffer.getInt(offset + 4 + 4 * index);
    }
}
