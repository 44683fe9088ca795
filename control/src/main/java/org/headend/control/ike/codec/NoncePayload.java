package org.headend.control.ike.codec;

import java.nio.ByteBuffer;

/** The Nonce payload body (RFC 7296 §3.9): 16 to 256 bytes. */
public final class NoncePayload
{
    public static final int MIN_LENGTH = 16;
    public static final int MAX_LENGTH = 256;

    private NoncePayload()
    {
    }

    public static byte[] read(final ByteBuffer buffer, final int offset, final int length) throws IkeParseException
    {
        if (length < MIN_LENGTH || length > MAX_LENGTH)
        {
            throw new IkeParseException("nonce length " + length + " out of range");
        }
        final byte[] nonce = new byte[length];
        buffer.get(offset, nonce);
        return nonce;
    }
}
