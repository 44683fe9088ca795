package org.headend.control.ike.codec;

import java.nio.ByteBuffer;

/** The Notify payload body (RFC 7296 §3.10): protocol, SPI size, type, SPI, data. */
public final class NotifyPayload
{
    public static final int MAX_DATA = 4096;

    private ByteBuffer buffer;
    private int offset;
    private int length;

    public NotifyPayload wrap(final ByteBuffer buffer, final int offset, final int length) throws IkeParseException
    {
        if (length < 4)
        {
            throw new IkeParseException("notify payload too short");
        }
        final int spiSize = buffer.get(offset + 1) & 0xff;
        if (spiSize != 0 && spiSize != 4 && spiSize != 8 || 4 + spiSize > length
            || length - 4 - spiSize > MAX_DATA)
        {
            throw new IkeParseException("bad notify SPI size or length");
        }
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public int protocol()
    {
        return buffer.get(offset) & 0xff;
    }

    public int notifyType()
    {
        return buffer.getShort(offset + 2) & 0xffff;
    }

    public byte[] spi()
    {
        final byte[] out = new byte[buffer.get(offset + 1) & 0xff];
        buffer.get(offset + 4, out);
        return out;
    }

    public byte[] data()
    {
        final int spiSize = buffer.get(offset + 1) & 0xff;
        final byte[] out = new byte[length - 4 - spiSize];
        buffer.get(offset + 4 + spiSize, out);
        return out;
    }
}
