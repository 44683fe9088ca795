package org.headend.crypto;

import java.util.Objects;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * What both AES-GCM implementations share, so that they reject the same arguments and return the same codes:
 * range checks, the closed state and the repeated-nonce check. Subclasses see only checked arguments.
 */
public abstract class AbstractAesGcm implements Aead
{
    private boolean closed;
    private boolean hasSealed;
    private long lastSealNonceHead;
    private int lastSealNonceTail;

    /**
     * @param keyLength {@link #KEY_LENGTH_128} or {@link #KEY_LENGTH_256}.
     * @throws IllegalArgumentException for any other length.
     */
    protected AbstractAesGcm(final int keyLength)
    {
        if (keyLength != KEY_LENGTH_128 && keyLength != KEY_LENGTH_256)
        {
            throw new IllegalArgumentException("AES-GCM key must be 16 or 32 bytes, not " + keyLength);
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public final int seal(
        final DirectBuffer nonce, final int nonceOffset,
        final DirectBuffer aad, final int aadOffset, final int aadLength,
        final DirectBuffer in, final int inOffset, final int length,
        final MutableDirectBuffer out, final int outOffset)
    {
        checkOpen();
        checkCommon(nonce, nonceOffset, aad, aadOffset, aadLength, in, inOffset, length);
        Objects.checkFromIndexSize(outOffset, length + TAG_LENGTH, out.capacity());

        // Native byte order is fine: the two words are only compared for equality.
        final long nonceHead = nonce.getLong(nonceOffset);
        final int nonceTail = nonce.getInt(nonceOffset + Long.BYTES);
        if (hasSealed && nonceHead == lastSealNonceHead && nonceTail == lastSealNonceTail)
        {
            return NONCE_REUSED;
        }
        hasSealed = true;
        lastSealNonceHead = nonceHead;
        lastSealNonceTail = nonceTail;

        return sealChecked(nonce, nonceOffset, aad, aadOffset, aadLength, in, inOffset, length, out, outOffset);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public final int open(
        final DirectBuffer nonce, final int nonceOffset,
        final DirectBuffer aad, final int aadOffset, final int aadLength,
        final DirectBuffer in, final int inOffset, final int length,
        final MutableDirectBuffer out, final int outOffset)
    {
        checkOpen();
        checkCommon(nonce, nonceOffset, aad, aadOffset, aadLength, in, inOffset, length);
        if (length < TAG_LENGTH)
        {
            return TOO_SHORT;
        }
        Objects.checkFromIndexSize(outOffset, length - TAG_LENGTH, out.capacity());

        return openChecked(nonce, nonceOffset, aad, aadOffset, aadLength, in, inOffset, length, out, outOffset);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public final void close()
    {
        if (!closed)
        {
            closed = true;
            release();
        }
    }

    /**
     * {@link #seal} after its checks: every range lies inside its buffer and the nonce is not a repeat.
     *
     * @return as {@link #seal}.
     */
    protected abstract int sealChecked(
        DirectBuffer nonce, int nonceOffset,
        DirectBuffer aad, int aadOffset, int aadLength,
        DirectBuffer in, int inOffset, int length,
        MutableDirectBuffer out, int outOffset);

    /**
     * {@link #open} after its checks: every range lies inside its buffer and {@code length >= TAG_LENGTH}.
     *
     * @return as {@link #open}.
     */
    protected abstract int openChecked(
        DirectBuffer nonce, int nonceOffset,
        DirectBuffer aad, int aadOffset, int aadLength,
        DirectBuffer in, int inOffset, int length,
        MutableDirectBuffer out, int outOffset);

    /**
     * Free what the implementation holds; called once, by the first {@link #close()}.
     */
    protected abstract void release();

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("AEAD used after close: " + name());
        }
    }

    private static void checkCommon(
        final DirectBuffer nonce, final int nonceOffset,
        final DirectBuffer aad, final int aadOffset, final int aadLength,
        final DirectBuffer in, final int inOffset, final int length)
    {
        Objects.checkFromIndexSize(nonceOffset, NONCE_LENGTH, nonce.capacity());
        if (aadLength != 0)
        {
            Objects.checkFromIndexSize(aadOffset, aadLength, aad.capacity());
        }
        Objects.checkFromIndexSize(inOffset, length, in.capacity());
    }
}
