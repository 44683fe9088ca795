package org.headend.crypto.openssl;

import org.headend.crypto.AbstractAesGcm;

import java.lang.foreign.Arena;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static org.headend.crypto.openssl.LibCrypto.NULL;

/**
 * AES-GCM through OpenSSL libcrypto's EVP interface, called through FFM.
 * <p>
 * One {@code EVP_CIPHER_CTX} per instance: the cipher and key are set once in the constructor, so a packet costs
 * an IV-only re-init, an AAD update, a data update, a final and a tag ctrl; no key schedule per packet.
 * <p>
 * <b>Allocation and copies.</b> Nothing is allocated per call, whatever the buffers. Off-heap buffers (direct
 * {@code ByteBuffer}s, raw addresses: what the data plane's rings and sockets use) go to OpenSSL as raw addresses,
 * with no copy. Array-backed buffers are copied through a native scratch area the instance owns: passing them as
 * heap segments to the critical downcalls avoids the copy but not the allocation, because
 * {@code MemorySegment.ofArray} makes a session object per call that C2 does not scalar-replace (measured: 64 to
 * about 700 bytes per seal+open, depending on the JIT profile). The scratch grows to the largest heap record seen.
 * It is the calling thread's, not the instance's: a call uses it only while it runs, and a tunnel has two instances,
 * so 10,000 tunnels held 40 MB of scratch where the few threads that seal and open need a few KB.
 * <p>
 * Not thread-safe; see {@link org.headend.crypto.Aead} for the confinement rule. {@link #close()} frees the context,
 * which OpenSSL wipes, and the native memory.
 */
public final class EvpAesGcm extends AbstractAesGcm
{
    // The fixed native block: the int OpenSSL writes output lengths to, a staged nonce, a sink for the GCM final
    // (which writes nothing), and the key while it is being set.
    private static final int OUT_LENGTH_OFFSET = 0;
    private static final int NONCE_OFFSET = 8;
    private static final int FINAL_SINK_OFFSET = NONCE_OFFSET + 16;
    private static final int KEY_OFFSET = FINAL_SINK_OFFSET + 16;
    private static final int BLOCK_LENGTH = KEY_OFFSET + KEY_LENGTH_256;
    private static final int MIN_SCRATCH_LENGTH = 2048;

    private final Arena arena;
    private final long ctx;
    private final UnsafeBuffer block;
    private final long outLengthAddress;
    private final long nonceAddress;
    private final long finalSinkAddress;
    private final String name;
    /** The scratch of the thread that last used this instance (one per thread; see the class comment). */
    private Scratch threadScratch = Scratch.NONE;
    /** Set by {@link #ensureScratch} for the call under way. */
    private UnsafeBuffer scratch;

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

        // Shared, not confined: the instance is often made on the control thread and used on a data-plane one.
        arena = Arena.ofShared();
        final long blockAddress = arena.allocate(BLOCK_LENGTH, Long.BYTES).address();
        block = new UnsafeBuffer(blockAddress, BLOCK_LENGTH);
        outLengthAddress = blockAddress + OUT_LENGTH_OFFSET;
        nonceAddress = blockAddress + NONCE_OFFSET;
        finalSinkAddress = blockAddress + FINAL_SINK_OFFSET;

        ctx = LibCrypto.cipherCtxNew();
        if (NULL == ctx)
        {
            arena.close();
            throw new IllegalStateException("EVP_CIPHER_CTX_new returned NULL");
        }
        block.putBytes(KEY_OFFSET, key);
        try
        {
            try
            {
                // Cipher first, then the IV length, then the key: the IV length must be known before any IV is set.
                check(LibCrypto.encryptInit(ctx, LibCrypto.aesGcm(key.length), NULL, NULL),
                    "EVP_EncryptInit_ex(cipher)");
                check(LibCrypto.cipherCtxCtrl(ctx, LibCrypto.EVP_CTRL_GCM_SET_IVLEN, NONCE_LENGTH, NULL),
                    "EVP_CIPHER_CTX_ctrl(SET_IVLEN)");
                check(LibCrypto.encryptInit(ctx, NULL, blockAddress + KEY_OFFSET, NULL), "EVP_EncryptInit_ex(key)");
            }
            finally
            {
                block.setMemory(KEY_OFFSET, KEY_LENGTH_256, (byte)0);
            }
        }
        catch (final RuntimeException ex)
        {
            LibCrypto.cipherCtxFree(ctx);
            arena.close();
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
        final long ctx = this.ctx;
        if (LibCrypto.encryptInit(ctx, NULL, NULL, nonceAddress(nonce, nonceOffset)) != 1)
        {
            return CRYPTO_ERROR;
        }
        if (aadLength != 0 &&
            LibCrypto.encryptUpdate(ctx, NULL, outLengthAddress, inputAddress(aad, aadOffset, aadLength), aadLength)
            != 1)
        {
            return CRYPTO_ERROR;
        }

        // A heap side goes through scratch: input copied in, output (ciphertext and tag) produced there.
        final int recordLength = length + TAG_LENGTH;
        final boolean outIsHeap = null != out.byteArray();
        if (outIsHeap)
        {
            ensureScratch(recordLength);
        }
        final long inAddress = length == 0 ? NULL : inputAddress(in, inOffset, length);
        final long outAddress = outIsHeap ? scratch.addressOffset() : out.addressOffset() + outOffset;

        // GCM is a stream mode: update must hand back every byte at once, or the tag would land on ciphertext.
        if (length != 0 &&
            (LibCrypto.encryptUpdate(ctx, outAddress, outLengthAddress, inAddress, length) != 1 ||
            outLength() != length))
        {
            return CRYPTO_ERROR;
        }
        if (LibCrypto.encryptFinal(ctx, finalSinkAddress, outLengthAddress) != 1 || outLength() != 0 ||
            LibCrypto.cipherCtxCtrl(ctx, LibCrypto.EVP_CTRL_GCM_GET_TAG, TAG_LENGTH, outAddress + length) != 1)
        {
            return CRYPTO_ERROR;
        }
        if (outIsHeap)
        {
            out.putBytes(outOffset, scratch, 0, recordLength);
        }
        return recordLength;
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
        final long ctx = this.ctx;
        final int plaintextLength = length - TAG_LENGTH;
        if (LibCrypto.decryptInit(ctx, NULL, NULL, nonceAddress(nonce, nonceOffset)) != 1)
        {
            return CRYPTO_ERROR;
        }
        if (aadLength != 0 &&
            LibCrypto.decryptUpdate(ctx, NULL, outLengthAddress, inputAddress(aad, aadOffset, aadLength), aadLength)
            != 1)
        {
            return CRYPTO_ERROR;
        }

        // A heap side goes through scratch; a heap output is copied out only once the tag has verified.
        final boolean outIsHeap = null != out.byteArray();
        if (outIsHeap)
        {
            ensureScratch(length);
        }
        final long inAddress = inputAddress(in, inOffset, length);
        final long outAddress = outIsHeap ? scratch.addressOffset() : out.addressOffset() + outOffset;

        if (plaintextLength != 0 &&
            (LibCrypto.decryptUpdate(ctx, outAddress, outLengthAddress, inAddress, plaintextLength) != 1 ||
            outLength() != plaintextLength))
        {
            return CRYPTO_ERROR;
        }
        if (LibCrypto.cipherCtxCtrl(ctx, LibCrypto.EVP_CTRL_GCM_SET_TAG, TAG_LENGTH, inAddress + plaintextLength)
            != 1)
        {
            return CRYPTO_ERROR;
        }
        if (LibCrypto.decryptFinal(ctx, finalSinkAddress, outLengthAddress) <= 0)
        {
            return AUTH_FAILED;
        }
        if (outIsHeap)
        {
            out.putBytes(outOffset, scratch, 0, plaintextLength);
        }
        return plaintextLength;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    protected void release()
    {
        LibCrypto.cipherCtxFree(ctx);
        arena.close();
        threadScratch = Scratch.NONE;
    }

    /**
     * Where OpenSSL may read {@code length} bytes of {@code buffer} from: the buffer itself when it is off-heap,
     * else the start of scratch, after a copy. Scratch is re-used by each input in turn (AAD, then payload):
     * OpenSSL consumes an input within the call, and the payload's input copy is made before its output is
     * written, so in-place heap records work too.
     */
    private long inputAddress(final DirectBuffer buffer, final int offset, final int length)
    {
        if (null == buffer.byteArray())
        {
            return buffer.addressOffset() + offset;
        }
        ensureScratch(length);
        scratch.putBytes(0, buffer, offset, length);
        return scratch.addressOffset();
    }

    private long nonceAddress(final DirectBuffer nonce, final int nonceOffset)
    {
        if (null == nonce.byteArray())
        {
            return nonce.addressOffset() + nonceOffset;
        }
        block.putBytes(NONCE_OFFSET, nonce, nonceOffset, NONCE_LENGTH);
        return nonceAddress;
    }

    /**
     * Points {@link #scratch} at the calling thread's scratch, at least {@code length} long. Allocates only when a
     * thread's heap record is larger than any before it on that thread (or on its first one).
     */
    private void ensureScratch(final int length)
    {
        Scratch mine = threadScratch;
        if (mine.owner != Thread.currentThread())
        {
            mine = Scratch.OF_THREAD.get();
            threadScratch = mine;
        }
        mine.ensure(length);
        scratch = mine.buffer;
    }

    /**
     * A thread's native scratch: grows, never shrinks. Its memory is freed by the GC once the thread is gone (an
     * automatic arena), so a short-lived thread that sealed a heap record leaks nothing.
     */
    private static final class Scratch
    {
        static final Scratch NONE = new Scratch(null);
        static final ThreadLocal<Scratch> OF_THREAD = ThreadLocal.withInitial(() -> new Scratch(Thread.currentThread()));

        final Thread owner;
        final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
        /** Keeps the memory reachable for as long as the thread's scratch is. */
        private java.lang.foreign.MemorySegment memory;

        Scratch(final Thread owner)
        {
            this.owner = owner;
        }

        void ensure(final int length)
        {
            if (buffer.capacity() < length)
            {
                final int newLength = Math.max(MIN_SCRATCH_LENGTH, Integer.highestOneBit(length - 1) << 1);
                memory = Arena.ofAuto().allocate(newLength, Long.BYTES);
                buffer.wrap(memory.address(), newLength);
            }
        }
    }

    private int outLength()
    {
        return block.getInt(OUT_LENGTH_OFFSET);
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
