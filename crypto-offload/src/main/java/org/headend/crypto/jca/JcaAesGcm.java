package org.headend.crypto.jca;

import org.headend.crypto.AbstractAesGcm;

import java.nio.ByteBuffer;
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
 * Heap buffers go to the {@code byte[]} API. Off-heap buffers that wrap a {@link ByteBuffer} go to the
 * {@code ByteBuffer} API through cached views (no copy in this class); off-heap buffers over a raw address are
 * copied through scratch arrays. Not thread-safe; see {@link org.headend.crypto.Aead}.
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
    private final View inView = new View();
    private final View outView = new View();
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
        inView.clear();
        outView.clear();
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
        if (null == inArray && null == in.byteBuffer() || null == outArray && null == out.byteBuffer())
        {
            return cryptThroughScratch(in, inOffset, length, out, outOffset, outLength);
        }
        return cipher.doFinal(inView.of(in, inOffset, length), outView.of(out, outOffset, outLength));
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

    /**
     * A {@link ByteBuffer} over the same memory as an Agrona buffer, kept while the caller keeps passing buffers
     * over the same backing store, so that the ByteBuffer API is used without a new view per call.
     */
    private static final class View
    {
        private Object backing;
        private ByteBuffer view;

        ByteBuffer of(final DirectBuffer buffer, final int index, final int length)
        {
            final byte[] array = buffer.byteArray();
            final Object backing = null != array ? array : buffer.byteBuffer();
            if (backing != this.backing)
            {
                view = null != array ? ByteBuffer.wrap(array) : buffer.byteBuffer().duplicate();
                this.backing = backing;
            }
            // Where index 0 of the Agrona buffer sits in the backing store; it changes when the buffer is re-wrapped.
            final int base = buffer.wrapAdjustment();
            view.clear();
            view.limit(base + index + length).position(base + index);
            return view;
        }

        void clear()
        {
            backing = null;
            view = null;
        }
    }
}
