package org.headend.crypto.openssl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The one native boundary of this module: OpenSSL 3 libcrypto's EVP cipher calls, bound once into
 * {@code static final} method handles.
 * <p>
 * The per-packet calls (init with an IV, update, final, ctrl) are bound with {@code Linker.Option.critical(true)}:
 * they are short and never block, so skipping the thread-state transition is safe and lets them take heap
 * segments, which spares the caller a copy into native memory. Context creation, freeing and the version query
 * run at set-up and use ordinary downcalls.
 * <p>
 * Loading fails (this class does not initialise) when the library is missing or native access is not enabled;
 * {@link EvpAesGcm#isAvailable()} turns that into a yes/no with a reason. All methods are thread-safe; the
 * contexts they are given are not. Nothing outside this package sees a libcrypto {@link MemorySegment}.
 */
// Binding downcalls and reading a C string are restricted operations; this class is where the module does them.
@SuppressWarnings("restricted")
final class LibCrypto
{
    /** System property naming the libcrypto to load, for hosts where it is not on the loader path. */
    static final String LIBRARY_PROP_NAME = "headend.crypto.libcrypto";
    /** OpenSSL 3's soname on Debian and most distributions. */
    static final String LIBRARY_DEFAULT = "libcrypto.so.3";

    /** EVP_CIPHER_CTX_ctrl: set the IV length before the IV (GCM's default is already 12). */
    static final int EVP_CTRL_GCM_SET_IVLEN = 0x9;
    /** EVP_CIPHER_CTX_ctrl: copy the tag out after EncryptFinal. */
    static final int EVP_CTRL_GCM_GET_TAG = 0x10;
    /** EVP_CIPHER_CTX_ctrl: give the expected tag before DecryptFinal. */
    static final int EVP_CTRL_GCM_SET_TAG = 0x11;

    private static final int OPENSSL_VERSION = 0;
    private static final long VERSION_STRING_MAX = 256;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup CRYPTO = SymbolLookup.libraryLookup(
        System.getProperty(LIBRARY_PROP_NAME, LIBRARY_DEFAULT), Arena.global());
    private static final Linker.Option CRITICAL = Linker.Option.critical(true);

    private static final FunctionDescriptor INIT = FunctionDescriptor.of(
        JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final FunctionDescriptor UPDATE = FunctionDescriptor.of(
        JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor FINAL = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);

    private static final MethodHandle OPENSSL_VERSION_STRING = bind(
        "OpenSSL_version", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle CIPHER_CTX_NEW = bind(
        "EVP_CIPHER_CTX_new", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle CIPHER_CTX_FREE = bind(
        "EVP_CIPHER_CTX_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle AES_128_GCM = bind("EVP_aes_128_gcm", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle AES_256_GCM = bind("EVP_aes_256_gcm", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle ENCRYPT_INIT = bind("EVP_EncryptInit_ex", INIT, CRITICAL);
    private static final MethodHandle DECRYPT_INIT = bind("EVP_DecryptInit_ex", INIT, CRITICAL);
    private static final MethodHandle ENCRYPT_UPDATE = bind("EVP_EncryptUpdate", UPDATE, CRITICAL);
    private static final MethodHandle DECRYPT_UPDATE = bind("EVP_DecryptUpdate", UPDATE, CRITICAL);
    private static final MethodHandle ENCRYPT_FINAL = bind("EVP_EncryptFinal_ex", FINAL, CRITICAL);
    private static final MethodHandle DECRYPT_FINAL = bind("EVP_DecryptFinal_ex", FINAL, CRITICAL);
    private static final MethodHandle CIPHER_CTX_CTRL = bind(
        "EVP_CIPHER_CTX_ctrl", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), CRITICAL);

    private LibCrypto()
    {
    }

    /**
     * @return OpenSSL's version text, e.g. {@code "OpenSSL 3.0.19 27 Jan 2026"}.
     */
    static String version()
    {
        try
        {
            final MemorySegment text = (MemorySegment)OPENSSL_VERSION_STRING.invokeExact(OPENSSL_VERSION);
            return text.reinterpret(VERSION_STRING_MAX).getString(0);
        }
        catch (final Throwable ex)
        {
            throw unexpected("OpenSSL_version", ex);
        }
    }

    /**
     * @return a new cipher context, or {@link MemorySegment#NULL} if OpenSSL is out of memory.
     */
    static MemorySegment cipherCtxNew()
    {
        try
        {
            return (MemorySegment)CIPHER_CTX_NEW.invokeExact();
        }
        catch (final Throwable ex)
        {
            throw unexpected("EVP_CIPHER_CTX_new", ex);
        }
    }

    /**
     * Wipes and frees a context; {@link MemorySegment#NULL} is ignored by OpenSSL.
     */
    static void cipherCtxFree(final MemorySegment ctx)
    {
        try
        {
            CIPHER_CTX_FREE.invokeExact(ctx);
        }
        catch (final Throwable ex)
        {
            throw unexpected("EVP_CIPHER_CTX_free", ex);
        }
    }

    /**
     * @param keyLength 16 or 32.
     * @return the static EVP_CIPHER for AES-GCM with that key size; it is never freed.
     */
    static MemorySegment aesGcm(final int keyLength)
    {
        try
        {
            return keyLength == 16 ? (MemorySegment)AES_128_GCM.invokeExact() : (MemorySegment)AES_256_GCM.invokeExact();
        }
        catch (final Throwable ex)
        {
            throw unexpected("EVP_aes_*_gcm", ex);
        }
    }

    /**
     * EVP_EncryptInit_ex: any of cipher, key and iv may be {@link MemorySegment#NULL} to keep what the context has.
     *
     * @return 1 on success.
     */
    static int encryptInit(
        final MemorySegment ctx, final MemorySegment cipher, final MemorySegment key, final MemorySegment iv)
    {
        try
        {
            return (int)ENCRYPT_INIT.invokeExact(ctx, cipher, MemorySegment.NULL, key, iv);
        }
        catch (final Throwable ex)
        {
            throw unexpected("EVP_EncryptInit_ex", ex);
        }
    }

    /**
     * EVP_DecryptInit_ex, as {@link #encryptInit}.
     *
     * @return 1 on success.
     */
    static int decryptInit(
        final MemorySegment ctx, final MemorySegment cipher, final MemorySegment key, final MemorySegment iv)
    {
        try
        {
            return (int)DECRYPT_INIT.invokeExact(ctx, cipher, MemorySegment.NULL, key, iv);
        }
        catch (final Throwable ex)
        {
            throw unexpected("EVP_DecryptInit_ex", ex);
        }
    }

    /**
     * EVP_EncryptUpdate: with {@code out} = {@link MemorySegment#NULL} the input is AAD.
     *
     * @return 1 on success; the bytes written are stored at {@code outLength}.
     */
    static int encryptUpdate(
        final MemorySegment ctx, final MemorySegment out, final MemorySegment outLength,
        final MemorySegment in, final int inLength)
    {
        try
        {
            return (int)ENCRYPT_UPDATE.invokeExact(ctx, out, outLength, in, inLength);
        }
        catch (final Throwable ex)
        {
            throw unexpected("EVP_EncryptUpdate", ex);
        }
    }

    /**
     * EVP_DecryptUpdate, as {@link #encryptUpdate}.
     *
     * @return 1 on success.
     */
    static int decryptUpdate(
        final MemorySegment ctx, final MemorySegment out, final MemorySegment outLength,
        final MemorySegment in, final int inLength)
    {
        try
        {
            return (int)DECRYPT_UPDATE.invokeExact(ctx, out, outLength, in, inLength);
        }
        catch (final Throwable ex)
        {
            throw unexpected("EVP_DecryptUpdate", ex);
        }
    }

    /**
     * EVP_EncryptFinal_ex; GCM writes no bytes here.
     *
     * @return 1 on success.
     */
    static int encryptFinal(final MemorySegment ctx, final MemorySegment out, final MemorySegment outLength)
    {
        try
        {
            return (int)ENCRYPT_FINAL.invokeExact(ctx, out, outLength);
        }
        catch (final Throwable ex)
        {
            throw unexpected("EVP_EncryptFinal_ex", ex);
        }
    }

    /**
     * EVP_DecryptFinal_ex; for GCM this is where the tag is checked.
     *
     * @return a positive value if the tag matched, 0 or less if not.
     */
    static int decryptFinal(final MemorySegment ctx, final MemorySegment out, final MemorySegment outLength)
    {
        try
        {
            return (int)DECRYPT_FINAL.invokeExact(ctx, out, outLength);
        }
        catch (final Throwable ex)
        {
            throw unexpected("EVP_DecryptFinal_ex", ex);
        }
    }

    /**
     * EVP_CIPHER_CTX_ctrl.
     *
     * @return 1 on success for the GCM controls used here.
     */
    static int cipherCtxCtrl(final MemorySegment ctx, final int type, final int arg, final MemorySegment ptr)
    {
        try
        {
            return (int)CIPHER_CTX_CTRL.invokeExact(ctx, type, arg, ptr);
        }
        catch (final Throwable ex)
        {
            throw unexpected("EVP_CIPHER_CTX_ctrl", ex);
        }
    }

    private static MethodHandle bind(final String name, final FunctionDescriptor descriptor,
        final Linker.Option... options)
    {
        final MemorySegment symbol = CRYPTO.find(name).orElseThrow(
            () -> new UnsatisfiedLinkError("libcrypto has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    // A downcall only throws for a bug in the binding (wrong types), never for what the C function returns.
    private static IllegalStateException unexpected(final String call, final Throwable cause)
    {
        return new IllegalStateException("downcall " + call + " failed", cause);
    }
}
