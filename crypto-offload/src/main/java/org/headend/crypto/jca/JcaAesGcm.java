package org.headend.crypto.jca;

import org.headend.crypto.AbstractAesGcm;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * AES-GCM through the JDK's {@code AES/GCM/NoPadding} (SunJCE, with its AES-NI/AVX-512 intrinsics). The fallback
 * when libcrypto cannot be loaded; gives the same bytes as {@link org.headend.crypto.openssl.EvpAesGcm}.
 * <p>
 * <b>Allocates per call</b>, and cannot avoid it: GCM in JCA takes its nonce only through
 * {@code Cipher.init(..., new GCMParameterSpec(...))}, which copies the nonce, and SunJCE's init copies it again and
 * builds fresh per-operation state; a cipher cannot be re-used without a new init because SunJCE refuses to
 * encrypt twice under one IV. A tag mismatch arrives as an {@link AEADBadTagException}, so a flood of forged
 * records costs a stack trace each here, where the OpenSSL path only returns a code.
 * <p>
 * Heap buffers go to the {@code byte[]} API in place. Off-heap ones are copied through scratch arrays: SunJCE's
 * {@code ByteBuffer} path copies direct buffers into temporary arrays of its own anyway, and allocates them per
 * call (measured about 5.9 KB per 1400-byte seal+open against about 2 KB through our arrays). Not thread-safe;
 * see {@link org.headend.crypto.Aead}.
 */
public final class JcaAesGcm extends AbstractAesGcm
{
    /** The JCA transformation used. */
    public static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private static final int TAG_BITS = TAG_LENGTH * Byte.SIZE;
    private static final int INITIAL_SCRATCH = 2048;

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final String name;
    private final byte[] nonceScratch = new byte[NONCE_LENGTH];
    private byte[] aadScratch = new byte[64];
    private byte[] inScratch = new byte[INITIAL_SCRATCH];
    private byte[] outScratch = new byte[INITIAL_SCRATCH];

    /**
     * @param key 16 or 32 bytes; copied.
     * @throws IllegalArgumentException if the key length is wrong.
     * @throws IllegalStateException if the JDK has no AES/GCM (it always should).
     */
    public JcaAesGcm(final byte[] key)
    {
        super(key.length);
        try
        {
            cipher = Cipher.getInstance(TRANSFORMATION);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(TRANSFORMATION + " is not available", ex);
        }
        this.key = new SecretKeySpec(key, "AES");
        name = "jdk AES-" + (key.length * Byte.SIZE) + "-GCM (" + cipher.getProvider().getName() + ")";
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String name()
    {
        return name;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    protected int sealChecked(
        final DirectBuffer nonce, final int nonceOffset,
        final DirectBuffer aad, final int aadOffset, final int aadLength,
        final DirectBuffer in, final int inOffset, final int length,
        final MutableDirectBuffer out, final int outOffset)
    {
        try
        {
            start(Cipher.ENCRYPT_MODE, nonce, nonceOffset, aad, aadOffset, aadLength);
            return crypt(in, inOffset, length, out, outOffset, length + TAG_LENGTH);
        }
        catch (final GeneralSecurityException ex)
        {
            return CRYPTO_ERROR;
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    protected int openChecked(
        final DirectBuffer nonce, final int nonceOffset,
        final DirectBuffer aad, final int aadOffset, final int aadLength,
        final DirectBuffer in, final int inOffset, final int length,
        final MutableDirectBuffer out, final int outOffset)
    {
        try
        {
            start(Cipher.DECRYPT_MODE, nonce, nonceOffset, aad, aadOffset, aadLength);
            return crypt(in, inOffset, length, out, outOffset, length - TAG_LENGTH);
        }
        catch (final AEADBadTagException ex)
        {
            return AUTH_FAILED;
        }
        catch (final GeneralSecurityException ex)
        {
            return CRYPTO_ERROR;
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    protected void release()
    {
        // Key bytes inside SecretKeySpec and SunJCE cannot be reached to wipe; the scratch arrays can.
        Arrays.fill(nonceScratch, (byte)0);
        Arrays.fill(aadScratch, (byte)0);
        Arrays.fill(inScratch, (byte)0);
        Arrays.fill(outScratch, (byte)0);
    }

    private void start(
        final int mode, final DirectBuffer nonce, final int nonceOffset,
        final DirectBuffer aad, final int aadOffset, final int aadLength) throws GeneralSecurityException
    {
        final byte[] nonceArray = nonce.byteArray();
        if (null != nonceArray)
        {
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonceArray, arrayIndex(nonce, nonceOffset),
                NONCE_LENGTH));
        }
        else
        {
            nonce.getBytes(nonceOffset, nonceScratch, 0, NONCE_LENGTH);
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonceScratch, 0, NONCE_LENGTH));
        }

        if (aadLength != 0)
        {
            final byte[] aadArray = aad.byteArray();
            if (null != aadArray)
            {
                cipher.updateAAD(aadArray, arrayIndex(aad, aadOffset), aadLength);
            }
            else
            {
                if (aadScratch.length < aadLength)
                {
                    aadScratch = new byte[aadLength];
                }
                aad.getBytes(aadOffset, aadScratch, 0, aadLength);
                cipher.updateAAD(aadScratch, 0, aadLength);
            }
        }
    }

    private int crypt(
        final DirectBuffer in, final int inOffset, final int length,
        final MutableDirectBuffer out, final int outOffset, final int outLength) throws GeneralSecurityException
    {
        final byte[] inArray = in.byteArray();
        final byte[] outArray = out.byteArray();
        if (null != inArray && null != outArray)
        {
            return cipher.doFinal(inArray, arrayIndex(in, inOffset), length, outArray, arrayIndex(out, outOffset));
        }
        return cryptThroughScratch(in, inOffset, length, out, outOffset, outLength);
    }

    private int cryptThroughScratch(
        final DirectBuffer in, final int inOffset, final int length,
        final MutableDirectBuffer out, final int outOffset, final int outLength) throws GeneralSecurityException
    {
        if (inScratch.length < length)
        {
            inScratch = new byte[length];
        }
        if (outScratch.length < outLength)
        {
            outScratch = new byte[outLength];
        }
        in.getBytes(inOffset, inScratch, 0, length);
        final int written = cipher.doFinal(inScratch, 0, length, outScratch, 0);
        out.putBytes(outOffset, outScratch, 0, written);
        return written;
    }

    private static int arrayIndex(final DirectBuffer buffer, final int index)
    {
        return (int)(buffer.addressOffset() - BufferUtil.ARRAY_BASE_OFFSET) + index;
    }
}
