package org.headend.crypto.openssl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * PBKDF2-HMAC-SHA512 with OpenSSL's SHA-512: the same bytes as the JDK's {@code PBKDF2WithHmacSHA512} over the
 * password's UTF-8, for about half its CPU. A local login spends most of its CPU here (5,000 iterations), on the
 * control thread. Thread-safe; control path only.
 * <p>
 * Each iteration is HMAC over a 64-byte value, so with the two key pads hashed once per derivation it is exactly
 * two SHA-512 compressions: the iterations call {@code SHA512_Transform} on a block whose padding is fixed, from the
 * chaining states the pads left. That is about a third less CPU than OpenSSL's own {@code PKCS5_PBKDF2_HMAC}, whose
 * EVP calls copy three digest contexts per iteration (2.4 against 3.7 ms for 5,000 iterations here). Where
 * libcrypto no longer exports the low-level calls (OpenSSL 3 deprecates them), {@code PKCS5_PBKDF2_HMAC} does it.
 */
public final class OpenSslPbkdf2
{
    private static final int BLOCK = 128;
    private static final int DIGEST = 64;
    /** The message an iteration's compression closes: the 128-byte pad block then the 64-byte value, in bits. */
    private static final int ITERATION_MESSAGE_BITS = (BLOCK + DIGEST) * 8;
    private static final ValueLayout.OfLong BIG_ENDIAN = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private OpenSslPbkdf2()
    {
    }

    /** Whether libcrypto is loaded (see {@link EvpAesGcm#unavailableReason()} for why not). */
    public static boolean isAvailable()
    {
        return EvpAesGcm.isAvailable();
    }

    /**
     * @param password   the password's bytes (UTF-8); the native copies are wiped before they are freed
     * @param iterations at least 1
     * @param length     bytes of key to derive, at least 1
     * @throws IllegalStateException when libcrypto is not available or the derivation fails
     */
    public static byte[] sha512(final byte[] password, final byte[] salt, final int iterations, final int length)
    {
        if (!isAvailable())
        {
            throw new IllegalStateException("OpenSSL libcrypto is not available: " + EvpAesGcm.unavailableReason());
        }
        if (iterations < 1 || length < 1)
        {
            throw new IllegalArgumentException("iterations and length must be positive");
        }
        return LibCrypto.hasSha512Calls() ? byCompressions(password, salt, iterations, length)
            : byPkcs5(password, salt, iterations, length);
    }

    /** By {@code SHA512_Transform}, two compressions per iteration. */
    static byte[] byCompressions(final byte[] password, final byte[] salt, final int iterations, final int length)
    {
        final long ctxBytes = LibCrypto.sha512CtxBytes();
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment inner = arena.allocate(ctxBytes, 16); // SHA-512 state after the key ^ ipad block
            final MemorySegment outer = arena.allocate(ctxBytes, 16); // after the key ^ opad block
            final MemorySegment work = arena.allocate(ctxBytes, 16);
            final MemorySegment block = arena.allocate(BLOCK, 16);
            final MemorySegment saltAndIndex = arena.allocate(salt.length + 4L);
            final byte[] out = new byte[length];
            final long[] sum = new long[DIGEST / 8];
            try
            {
                pads(password, block, inner, outer);
                MemorySegment.copy(salt, 0, saltAndIndex, ValueLayout.JAVA_BYTE, 0, salt.length);
                for (int index = 1, done = 0; done < length; index++, done += DIGEST)
                {
                    saltAndIndex.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), salt.length, index);
                    // U1 = HMAC(salt || INT(index)): a message of any length, through Update and Final
                    MemorySegment.copy(inner, 0, work, 0, ctxBytes);
                    check(LibCrypto.sha512Update(work.address(), saltAndIndex.address(), saltAndIndex.byteSize()));
                    check(LibCrypto.sha512Final(block.address(), work.address()));
                    MemorySegment.copy(outer, 0, work, 0, ctxBytes);
                    check(LibCrypto.sha512Update(work.address(), block.address(), DIGEST));
                    check(LibCrypto.sha512Final(block.address(), work.address()));
                    for (int i = 0; i < sum.length; i++)
                    {
                        sum[i] = block.get(BIG_ENDIAN, 8L * i);
                    }
                    // U2..Uc: the block holds U then SHA-512's padding for a 192-byte message, fixed from here on
                    block.asSlice(DIGEST).fill((byte)0);
                    block.set(ValueLayout.JAVA_BYTE, DIGEST, (byte)0x80);
                    block.set(BIG_ENDIAN, BLOCK - 8, ITERATION_MESSAGE_BITS);
                    for (int round = 1; round < iterations; round++)
                    {
                        compress(inner, work, block);
                        compress(outer, work, block);
                        for (int i = 0; i < sum.length; i++)
                        {
                            sum[i] ^= block.get(BIG_ENDIAN, 8L * i);
                        }
                    }
                    for (int k = 0; k < DIGEST && done + k < length; k++)
                    {
                        out[done + k] = (byte)(sum[k / 8] >>> (56 - 8 * (k % 8)));
                    }
                }
                return out;
            }
            finally
            {
                inner.fill((byte)0);
                outer.fill((byte)0);
                work.fill((byte)0);
                block.fill((byte)0);
                Arrays.fill(sum, 0);
            }
        }
    }

    /** The states after the key's inner and outer pad blocks (a key longer than a block is hashed first). */
    private static void pads(final byte[] password, final MemorySegment block, final MemorySegment inner,
        final MemorySegment outer)
    {
        final byte[] key = password.length > BLOCK ? sha512(password) : password;
        try
        {
            for (final MemorySegment state : new MemorySegment[] {inner, outer})
            {
                final int pad = state == inner ? 0x36 : 0x5c;
                for (int i = 0; i < BLOCK; i++)
                {
                    block.set(ValueLayout.JAVA_BYTE, i, (byte)((i < key.length ? key[i] : 0) ^ pad));
                }
                check(LibCrypto.sha512Init(state.address()));
                check(LibCrypto.sha512Update(state.address(), block.address(), BLOCK));
            }
        }
        finally
        {
            if (key != password)
            {
                Arrays.fill(key, (byte)0);
            }
        }
    }

    /**
     * {@code block} (the 64-byte value, then the fixed padding) hashed on from the chaining state of {@code from}:
     * the digest replaces the value.
     */
    private static void compress(final MemorySegment from, final MemorySegment work, final MemorySegment block)
    {
        MemorySegment.copy(from, 0, work, 0, DIGEST);
        LibCrypto.sha512Transform(work.address(), block.address());
        for (int i = 0; i < DIGEST / 8; i++)
        {
            // h[i] is a native-order 64-bit word; the digest is its big-endian bytes
            block.set(BIG_ENDIAN, 8L * i, work.get(ValueLayout.JAVA_LONG, 8L * i));
        }
    }

    /** By OpenSSL's {@code PKCS5_PBKDF2_HMAC}. */
    static byte[] byPkcs5(final byte[] password, final byte[] salt, final int iterations, final int length)
    {
        try (Arena arena = Arena.ofConfined())
        {
            // at least one byte each: an empty password or salt still needs a valid pointer
            final MemorySegment pass = arena.allocate(Math.max(1, password.length));
            final MemorySegment salted = arena.allocate(Math.max(1, salt.length));
            final MemorySegment out = arena.allocate(length);
            MemorySegment.copy(password, 0, pass, ValueLayout.JAVA_BYTE, 0, password.length);
            MemorySegment.copy(salt, 0, salted, ValueLayout.JAVA_BYTE, 0, salt.length);
            try
            {
                if (LibCrypto.pbkdf2HmacSha512(pass.address(), password.length, salted.address(), salt.length,
                    iterations, out.address(), length) != 1)
                {
                    throw new IllegalStateException("PKCS5_PBKDF2_HMAC failed");
                }
                return out.toArray(ValueLayout.JAVA_BYTE);
            }
            finally
            {
                pass.fill((byte)0);
                out.fill((byte)0);
            }
        }
    }

    private static byte[] sha512(final byte[] data)
    {
        try
        {
            return MessageDigest.getInstance("SHA-512").digest(data);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-512 is not available", ex);
        }
    }

    private static void check(final int result)
    {
        if (result != 1)
        {
            throw new IllegalStateException("libcrypto SHA-512 call failed");
        }
    }
}
