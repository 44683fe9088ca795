package org.headend.control.ike.codec;

import java.nio.ByteBuffer;

/** The Key Exchange payload body (RFC 7296 §3.4): DH group number and the public value. */
public final class KePayload
{
    /** The largest public value accepted: MODP-8192 is 1024 bytes. */
    public static final int MAX_KEY_DATA = 1024;

    private ByteBuffer buffer;
    private int offset;
    private int length;

    public KePayload wrap(final ByteBuffer buffer, final int offset, final int length) throws IkeParseException
    {
        if (length < 5 || length - 4 > MAX_KEY_DATA)
        {
            throw new IkeParseException("KE payload length " + length + " out of range");
        }
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public int group()
    {
        return buffer.getShort(offset) & 0xffff;
    }

    public byte[] keyData()
    {
        final byte[] out = new byte[length - 4];
        buffer.get(offset + 4, out);
        return out;
    }
}
