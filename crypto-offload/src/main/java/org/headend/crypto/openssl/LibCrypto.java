package org.headend.crypto.openssl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The one native boundary of this module: OpenSSL 3 libcrypto's EVP cipher calls, bound once into
 * {@code static final} method handles.
 * <p>
 * The per-packet calls (init with an IV, update, final, ctrl) are bound with {@code Linker.Option.critical(true)}:
 * they are short and never block, so skipping the thread-state transition is safe. They take pointers as raw
 * {@code long} addresses, as {@code Libc.read/write} do in native-config: on LP64 System V a pointer and a long
 * travel in the same register, and a raw address needs no {@link MemorySegment} object per call, so the packet
 * path allocates nothing whatever the JIT manages to inline. (Critical calls could also take heap segments, but
 * {@code MemorySegment.ofArray} allocates per call; {@link EvpAesGcm} stages heap buffers instead.)
 * <p>
 * Context creation, freeing and the version query run at set-up and use ordinary downcalls.
 * <p>
 * Loading fails (this class does not initialise) when the library is missing or native access is not enabled;
 * {@link EvpAesGcm#isAvailable()} turns that into a yes/no with a reason. All methods are thread-safe; the
 * contexts they are given are not. The caller guarantees every address is live and its range is in bounds.
 * Nothing outside this package sees a libcrypto pointer.
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
    /** A NULL pointer argument. */
    static final long NULL = 0L;

    private static final int OPENSSL_VERSION = 0;
    private static final long VERSION_STRING_MAX = 256;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup CRYPTO = SymbolLookup.libraryLookup(
        System.getProperty(LIBRARY_PROP_NAME, LIBRARY_DEFAULT), Arena.global());
    private static final Linker.Option CRITICAL = Linker.Option.critical(true);

    // int EVP_EncryptInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *type, ENGINE *impl, const uchar *key,
    //                        const uchar *iv)
    private static final FunctionDescriptor INIT = FunctionDescriptor.of(
        JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    // int EVP_EncryptUpdate(EVP_CIPHER_CTX *ctx, uchar *out, int *outl, const uchar *in, int inl)
    private static final FunctionDescriptor UPDATE = FunctionDescriptor.of(
        JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT);
    // int EVP_EncryptFinal_ex(EVP_CIPHER_CTX *ctx, uchar *out, int *outl)
    private static final FunctionDescriptor FINAL = FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG);

    private static final MethodHandle OPENSSL_VERSION_STRING = bind(
        "OpenSSL_version", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle CIPHER_CTX_NEW = bind(
        "EVP_CIPHER_CTX_new", FunctionDescriptor.of(JAVA_LONG));
    private static final MethodHandle CIPHER_CTX_FREE = bind(
        "EVP_CIPHER_CTX_free", FunctionDescriptor.ofVoid(JAVA_LONG));
    private static final MethodHandle AES_128_GCM = bind("EVP_aes_128_gcm", FunctionDescriptor.of(JAVA_LONG));
    private static final MethodHandle AES_256_GCM = bind("EVP_aes_256_gcm", FunctionDescriptor.of(JAVA_LONG));
    private static final MethodHandle ENCRYPT_INIT = bind("EVP_EncryptInit_ex", INIT, CRITICAL);
    private static final MethodHandle DECRYPT_INIT = bind("EVP_DecryptInit_ex", INIT, CRITICAL);
    private static final MethodHandle ENCRYPT_UPDATE = bind("EVP_EncryptUpdate", UPDATE, CRITICAL);
    private static final MethodHandle DECRYPT_UPDATE = bind("EVP_DecryptUpdate", UPDATE, CRITICAL);
    private static final MethodHandle ENCRYPT_FINAL = bind("EVP_EncryptFinal_ex", FINAL, CRITICAL);
    private static final MethodHandle DECRYPT_FINAL = bind("EVP_DecryptFinal_ex", FINAL, CRITICAL);
    // int EVP_CIPHER_CTX_ctrl(EVP_CIPHER_CTX *ctx, int type, int arg, void *ptr)
    private static final MethodHandle CIPHER_CTX_CTRL = bind(
        "EVP_CIPHER_CTX_ctrl", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG), CRITICAL);

    // const EVP_MD *EVP_sha512(void); int PKCS5_PBKDF2_HMAC(const char *pass, int passlen, const uchar *salt,
    // int saltlen, int iter, const EVP_MD *digest, int keylen, uchar *out): a password check, not per packet
    private static final MethodHandle SHA512 = bind("EVP_sha512", FunctionDescriptor.of(JAVA_LONG));
    private static final MethodHandle PBKDF2_HMAC = bind("PKCS5_PBKDF2_HMAC", FunctionDescriptor.of(
        JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG));

    private LibCrypto()
    {
    }

    /**
     * The low-level SHA-512 calls {@link OpenSslPbkdf2} iterates with. OpenSSL 3 deprecates them, so a later release
     * may not export them: bound apart, so that their absence leaves the rest of this class usable.
     */
    private static final class Sha512Calls
    {
        /** {@code sizeof(SHA512_CTX)} on LP64: {@code h[8]}, {@code Nl}, {@code Nh}, a 128-byte block, two ints. */
        static final long CTX_BYTES = 216;
        // int SHA512_Init(SHA512_CTX *c); int SHA512_Update(SHA512_CTX *c, const void *data, size_t len);
        // int SHA512_Final(uchar *md, SHA512_CTX *c); void SHA512_Transform(SHA512_CTX *c, const uchar *data)
        static final MethodHandle INIT = bindIfPresent("SHA512_Init", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        static final MethodHandle UPDATE = bindIfPresent("SHA512_Update",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        static final MethodHandle FINAL = bindIfPresent("SHA512_Final",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
        // one compression of 128 bytes: short and never blocking, called 10,000 times per 5,000-iteration login
        static final MethodHandle TRANSFORM = bindIfPresent("SHA512_Transform",
            FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG), CRITICAL);
        static final boolean PRESENT = INIT != null && UPDATE != null && FINAL != null && TRANSFORM != null;
    }

    /** Whether libcrypto exports the low-level SHA-512 calls below. */
    static boolean hasSha512Calls()
    {
        return Sha512Calls.PRESENT;
    }

    /** Bytes of a {@code SHA512_CTX}, whose first 64 are the chaining state {@code h[0..7]} in native order. */
    static long sha512CtxBytes()
    {
        return Sha512Calls.CTX_BYTES;
    }

    /** SHA512_Init. @return 1 on success. */
    static int sha512Init(final long ctx)
    {
        try
        {
            return (int)Sha512Calls.INIT.invokeExact(ctx);
        }
        catch (final Throwable ex)
        {
            throw unexpected("SHA512_Init", ex);
        }
    }

    /** SHA512_Update. @return 1 on success. */
    static int sha512Update(final long ctx, final long data, final long length)
    {
        try
        {
            return (int)Sha512Calls.UPDATE.invokeExact(ctx, data, length);
        }
        catch (final Throwable ex)
        {
            throw unexpected("SHA512_Update", ex);
        }
    }

    /** SHA512_Final: the 64-byte digest to {@code md}. @return 1 on success. */
    static int sha512Final(final long md, final long ctx)
    {
        try
        {
            return (int)Sha512Calls.FINAL.invokeExact(md, ctx);
        }
        catch (final Throwable ex)
        {
            throw unexpected("SHA512_Final", ex);
        }
    }

    /** SHA512_Transform: one compression of the 128-byte {@code block} into {@code ctx}'s {@code h}. */
    static void sha512Transform(final long ctx, final long block)
    {
        try
        {
            Sha512Calls.TRANSFORM.invokeExact(ctx, block);
        }
        catch (final Throwable ex)
        {
            throw unexpected("SHA512_Transform", ex);
        }
    }

    /**
     * PKCS5_PBKDF2_HMAC with SHA-512 over native memory.
     *
     * @return 1 on success.
     */
    static int pbkdf2HmacSha512(final long pass, final int passLength, final long salt, final int saltLength,
        final int iterations, final long out, final int outLength)
    {
        try
        {
            final long sha512 = (long)SHA512.invokeExact();
            return (int)PBKDF2_HMAC.invokeExact(pass, passLength, salt, saltLength, iterations, sha512, outLength, out);
        }
        catch (final Throwable ex)
        {
            throw unexpected("PKCS5_PBKDF2_HMAC", ex);
        }
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
     * @return a new cipher context, or {@link #NULL} if OpenSSL is out of memory.
     */
    static long cipherCtxNew()
    {
        try
        {
            return (long)CIPHER_CTX_NEW.invokeExact();
        }
        catch (final Throwable ex)
        {
            throw unexpected("EVP_CIPHER_CTX_new", ex);
        }
    }

    /**
     * Wipes and frees a context; OpenSSL ignores {@link #NULL}.
     */
    static void cipherCtxFree(final long ctx)
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
    static long aesGcm(final int keyLength)
    {
        try
        {
            return keyLength == 16 ? (long)AES_128_GCM.invokeExact() : (long)AES_256_GCM.invokeExact();
        }
        catch (final Throwable ex)
        {
            throw unexpected("EVP_aes_*_gcm", ex);
        }
    }

    /**
     * EVP_EncryptInit_ex without an engine: any of cipher, key and iv may be {@link #NULL} to keep what the context
     * has.
     *
     * @return 1 on success.
     */
    static int encryptInit(final long ctx, final long cipher, final long key, final long iv)
    {
        try
        {
            return (int)ENCRYPT_INIT.invokeExact(ctx, cipher, NULL, key, iv);
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
    static int decryptInit(final long ctx, final long cipher, final long key, final long iv)
    {
        try
        {
            return (int)DECRYPT_INIT.invokeExact(ctx, cipher, NULL, key, iv);
        }
        catch (final Throwable ex)
        {
            throw unexpected("EVP_DecryptInit_ex", ex);
        }
    }

    /**
     * EVP_EncryptUpdate on native memory: with {@code out} = {@link #NULL} the input is AAD.
     *
     * @return 1 on success; the bytes written are stored at {@code outLength}.
     */
    static int encryptUpdate(final long ctx, final long out, final long outLength, final long in, final int inLength)
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
     * EVP_DecryptUpdate on native memory, as {@link #encryptUpdate}.
     *
     * @return 1 on success.
     */
    static int decryptUpdate(final long ctx, final long out, final long outLength, final long in, final int inLength)
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
    static int encryptFinal(final long ctx, final long out, final long outLength)
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
     * EVP_DecryptFinal_ex; for GCM this is where the tag is checked, and no bytes are written.
     *
     * @return a positive value if the tag matched, 0 or less if not.
     */
    static int decryptFinal(final long ctx, final long out, final long outLength)
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
    static int cipherCtxCtrl(final long ctx, final int type, final int arg, final long ptr)
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

    private static MethodHandle bindIfPresent(final String name, final FunctionDescriptor descriptor,
        final Linker.Option... options)
    {
        return CRYPTO.find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor, options)).orElse(null);
    }

    // A downcall only throws for a bug in the binding (wrong types), never for what the C function returns.
    private static IllegalStateException unexpected(final String call, final Throwable cause)
    {
        return new IllegalStateException("downcall " + call + " failed", cause);
    }
}
