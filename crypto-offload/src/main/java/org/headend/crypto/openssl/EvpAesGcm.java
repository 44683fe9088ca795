package org.headend.crypto.openssl;

import org.headend.crypto.AbstractAesGcm;

import java.lang.foreign.MemorySegment;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * AES-GCM through OpenSSL libcrypto's EVP interface, called through FFM.
 * <p>
 * One {@code EVP_CIPHER_CTX} per instance: the cipher and key are set once in the constructor, so a packet costs
 * an IV-only re-init, an AAD update, a data update, a final and a tag ctrl; no key schedule per packet.
 * <p>
 * Allocates nothing per call: heap buffers are passed as heap segments to critical downcalls and off-heap buffers
 * as their address, and the segment wrappers do not escape, so C2 removes them (the allocation test checks it).
 * Not thread-safe; see {@link org.headend.crypto.Aead} for the confinement rule. {@link #close()} frees the context,
 * which OpenSSL wipes.
 */
public final class EvpAesGcm extends AbstractAesGcm
{
    private final MemorySegment ctx;
    private final int[] outLength = new int[1];
    // A heap segment works here because every call that receives it is a critical one.
    private final MemorySegment outLengthSegment = MemorySegment.ofArray(outLength);
    private final String name;

    /**
     * @param key 16 or 32 bytes; copied into the OpenSSL context, not kept.
     * @throws IllegalArgumentException if the key length is wrong.
     * @throws IllegalStateException if libcrypto cannot be loaded (see {@link #isAvailable()}) or refuses the key.
     */
    public EvpAesGcm(final byte[] key)
    {
        super(key.length);
        if (!isAvailable())
        {
            throw new IllegalStateException("OpenSSL libcrypto is not available: " + unavailableReason());
        }
        name = "openssl AES-" + (key.length * Byte.SIZE) + "-GCM";
        ctx = LibCrypto.cipherCtxNew();
        if (MemorySegment.NULL.equals(ctx))
        {
            throw new IllegalStateException("EVP_CIPHER_CTX_new returned NULL");
        }
        try
        {
            // Cipher first, then the IV length, then the key: the IV length must be known before any IV is set.
            check(LibCrypto.encryptInit(ctx, LibCrypto.aesGcm(key.length), MemorySegment.NULL, MemorySegment.NULL),
                "EVP_EncryptInit_ex(cipher)");
            check(LibCrypto.cipherCtxCtrl(ctx, LibCrypto.EVP_CTRL_GCM_SET_IVLEN, NONCE_LENGTH, MemorySegment.NULL),
                "EVP_CIPHER_CTX_ctrl(SET_IVLEN)");
            check(LibCrypto.encryptInit(ctx, MemorySegment.NULL, MemorySegment.ofArray(key), MemorySegment.NULL),
                "EVP_EncryptInit_ex(key)");
        }
        catch (final RuntimeException ex)
        {
            LibCrypto.cipherCtxFree(ctx);
            throw ex;
        }
    }

    /**
     * @return true if libcrypto loaded and its EVP symbols bound.
     */
    public static boolean isAvailable()
    {
        return null == Availability.FAILURE;
    }

    /**
     * @return why libcrypto is not available, or {@code null} if it is.
     */
    public static String unavailableReason()
    {
        final Throwable failure = Availability.FAILURE;
        return null == failure ? null : failure.toString();
    }

    /**
     * @return OpenSSL's version text, e.g. {@code "OpenSSL 3.0.19 27 Jan 2026"}.
     * @throws IllegalStateException if libcrypto is not available.
     */
    public static String libraryVersion()
    {
        if (!isAvailable())
        {
            throw new IllegalStateException("OpenSSL libcrypto is not available: " + unavailableReason());
        }
        return Availability.VERSION;
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
        final MemorySegment ctx = this.ctx;
        if (LibCrypto.encryptInit(ctx, MemorySegment.NULL, MemorySegment.NULL, pointer(nonce, nonceOffset)) != 1)
        {
            return CRYPTO_ERROR;
        }
        if (aadLength != 0 &&
            LibCrypto.encryptUpdate(ctx, MemorySegment.NULL, outLengthSegment, pointer(aad, aadOffset), aadLength) != 1)
        {
            return CRYPTO_ERROR;
        }
        // GCM is a stream mode: update must hand back every byte at once, or the tag would land on ciphertext.
        if (length != 0 && (LibCrypto.encryptUpdate(
            ctx, pointer(out, outOffset), outLengthSegment, pointer(in, inOffset), length) != 1 ||
            outLength[0] != length))
        {
            return CRYPTO_ERROR;
        }
        final MemorySegment tag = pointer(out, outOffset + length);
        if (LibCrypto.encryptFinal(ctx, tag, outLengthSegment) != 1 ||
            LibCrypto.cipherCtxCtrl(ctx, LibCrypto.EVP_CTRL_GCM_GET_TAG, TAG_LENGTH, tag) != 1)
        {
            return CRYPTO_ERROR;
        }
        return length + TAG_LENGTH;
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
        final MemorySegment ctx = this.ctx;
        final int plaintextLength = length - TAG_LENGTH;
        if (LibCrypto.decryptInit(ctx, MemorySegment.NULL, MemorySegment.NULL, pointer(nonce, nonceOffset)) != 1)
        {
            return CRYPTO_ERROR;
        }
        if (aadLength != 0 &&
            LibCrypto.decryptUpdate(ctx, MemorySegment.NULL, outLengthSegment, pointer(aad, aadOffset), aadLength) != 1)
        {
            return CRYPTO_ERROR;
        }
        final MemorySegment plaintext = pointer(out, outOffset);
        if (plaintextLength != 0 && (LibCrypto.decryptUpdate(
            ctx, plaintext, outLengthSegment, pointer(in, inOffset), plaintextLength) != 1 ||
            outLength[0] != plaintextLength))
        {
            return CRYPTO_ERROR;
        }
        if (LibCrypto.cipherCtxCtrl(
            ctx, LibCrypto.EVP_CTRL_GCM_SET_TAG, TAG_LENGTH, pointer(in, inOffset + plaintextLength)) != 1)
        {
            return CRYPTO_ERROR;
        }
        // GCM's final writes nothing, so the plaintext pointer is a safe place to name even when it is at the end.
        return LibCrypto.decryptFinal(ctx, plaintext, outLengthSegment) > 0 ? plaintextLength : AUTH_FAILED;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    protected void release()
    {
        LibCrypto.cipherCtxFree(ctx);
    }

    /**
     * The address of {@code buffer[index]} as FFM wants it: a heap segment for an array-backed buffer (legal
     * because the EVP downcalls are critical), a zero-length native segment otherwise. Ranges were checked by the
     * caller; the segment's own bounds do not matter to native code.
     */
    private static MemorySegment pointer(final DirectBuffer buffer, final int index)
    {
        final byte[] array = buffer.byteArray();
        if (null != array)
        {
            return MemorySegment.ofArray(array).asSlice(buffer.addressOffset() - BufferUtil.ARRAY_BASE_OFFSET + index);
        }
        return MemorySegment.ofAddress(buffer.addressOffset() + index);
    }

    private static void check(final int rc, final String what)
    {
        if (rc != 1)
        {
            throw new IllegalStateException(what + " returned " + rc);
        }
    }

    // Touching LibCrypto here, not in EvpAesGcm's own initialiser, keeps this class usable to ask "why not".
    private static final class Availability
    {
        private static final Throwable FAILURE;
        private static final String VERSION;

        static
        {
            Throwable failure = null;
            String version = null;
            try
            {
                version = LibCrypto.version();
            }
            catch (final ExceptionInInitializerError ex)
            {
                failure = null == ex.getCause() ? ex : ex.getCause();
            }
            catch (final LinkageError | RuntimeException ex)
            {
                failure = ex;
            }
            FAILURE = failure;
            VERSION = version;
        }
    }
}
