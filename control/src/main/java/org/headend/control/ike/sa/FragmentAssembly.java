package org.headend.control.ike.sa;

/**
 * Reassembly of one fragmented message (RFC 7383 §2.6): the decrypted contents of its SKF fragments, kept until all
 * have arrived, bounded in count ({@link org.headend.control.ike.codec.EncryptedPayload#MAX_FRAGMENTS}) and in total
 * size. A fragment announcing a different total than the ones kept starts the message over (§2.6.1 lets the sender
 * refragment with a smaller size).
 */
final class FragmentAssembly
{
    /** The most plaintext one reassembled message may have. */
    static final int MAX_TOTAL_BYTES = 64 * 1024;

    private long messageId = -1;
    private byte[][] parts;
    private int received;
    private int bytes;
    private int firstType;

    /**
     * Adds fragment {@code number} of {@code total} of message {@code messageId}.
     *
     * @param firstType the SKF's "next payload" (meaningful in fragment 1 only)
     * @return the whole inner payload chain once every fragment is in, else null
     */
    byte[] add(final long messageId, final int number, final int total, final int firstType, final byte[] content)
    {
        if (messageId != this.messageId || parts == null || parts.length != total)
        {
            this.messageId = messageId;
            parts = new byte[total][];
            received = 0;
            bytes = 0;
        }
        if (parts[number - 1] != null || bytes + content.length > MAX_TOTAL_BYTES)
        {
            return null;
        }
        parts[number - 1] = content;
        received++;
        bytes += content.length;
        if (number == 1)
        {
            this.firstType = firstType;
        }
        if (received < total)
        {
            return null;
        }
        final byte[] whole = new byte[bytes];
        int at = 0;
        for (final byte[] part : parts)
        {
            System.arraycopy(part, 0, whole, at, part.length);
            at += part.length;
        }
        parts = null;
        return whole;
    }

    /** The first inner payload's type, from fragment 1. */
    int firstType()
    {
        return firstType;
    }
}
