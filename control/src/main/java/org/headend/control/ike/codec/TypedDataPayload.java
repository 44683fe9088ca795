package org.headend.control.ike.codec;

import java.nio.ByteBuffer;

/**
 * The payloads whose body is a one-byte type and data: CERT and CERTREQ (type = certificate encoding, RFC 7296
 * §3.6–3.7) have the data right after it; AUTH (type = method, §3.8) has three reserved bytes first.
 */
public final class TypedDataPayload
{
    /** A DER certificate or CERTREQ list larger than this is refused. */
    public static final int MAX_DATA = 16_384;

    private ByteBuffer buffer;
    private int offset;
    private int length;
    private int dataStart;

    /** @param reserved 3 for AUTH, 0 for CERT and CERTREQ */
    public TypedDataPayload wrap(final ByteBuffer buffer, final int offset, final int length, final int reserved)
        throws IkeParseException
    {
        if (length < 1 + reserved + 1 || length - 1 - reserved > MAX_DATA)
        {
            throw new IkeParseException("payload length " + length + " out of range");
        }
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        dataStart = 1 + reserved;
        return this;
    }

    public int kind()
    {
        return buffer.get(offset) & 0xff;
    }

    public byte[] data()
    {
        final byte[] out = new byte[length - dataStart];
        buffer.get(offset + dataStart, out);
        return out;
    }
}
