package org.headend.control.ike.codec;

import java.nio.ByteBuffer;

/**
 * The Encrypted payload (SK, RFC 7296 §3.14) or Encrypted Fragment payload (SKF, RFC 7383 §2.5) body: for SKF a
 * fragment number and total first, then IV, ciphertext and ICV, whose split depends on the negotiated cipher.
 */
public final class EncryptedPayload
{
    /** Fragments of one message at most (RFC 7383 leaves it to the receiver). */
    public static final int MAX_FRAGMENTS = 32;

    private int contentOffset;
    private int contentLength;
    private int fragmentNumber;
    private int totalFragments;

    /** @param fragment true for an SKF payload */
    public EncryptedPayload wrap(final ByteBuffer buffer, final int offset, final int length, final boolean fragment)
        throws IkeParseException
    {
        if (fragment)
        {
            if (length < 4)
            {
                throw new IkeParseException("SKF payload too short");
            }
            fragmentNumber = buffer.getShort(offset) & 0xffff;
            totalFragments = buffer.getShort(offset + 2) & 0xffff;
            if (fragmentNumber == 0 || totalFragments == 0 || fragmentNumber > totalFragments
                || totalFragments > MAX_FRAGMENTS)
            {
                throw new IkeParseException("bad fragment " + fragmentNumber + " of " + totalFragments);
            }
            contentOffset = offset + 4;
            contentLength = length - 4;
        }
        else
        {
            fragmentNumber = 1;
            totalFragments = 1;
            contentOffset = offset;
            contentLength = length;
        }
        return this;
    }

    /** Where the IV starts. */
    public int contentOffset()
    {
        return contentOffset;
    }

    /** IV, ciphertext and ICV together. */
    public int contentLength()
    {
        return contentLength;
    }

    public int fragmentNumber()
    {
        return fragmentNumber;
    }

    public int totalFragments()
    {
        return totalFragments;
    }
}
