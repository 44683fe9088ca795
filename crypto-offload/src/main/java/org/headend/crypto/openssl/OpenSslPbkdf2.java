package org.headend.crypto.openssl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * PBKDF2-HMAC-SHA512 by OpenSSL's {@code PKCS5_PBKDF2_HMAC}: the same bytes as the JDK's
 * {@code PBKDF2WithHmacSHA512} over the password's UTF-8, for about a third less CPU (OpenSSL computes the HMAC
 * pads once per derivation and has assembler SHA-512; the JDK hashes both pads again every iteration). A local
 * login spends most of its CPU here (5,000 iterations), on the control thread. Thread-safe; control path only.
 */
public final class OpenSslPbkdf2
{
    private OpenSslPbkdf2()
    {
    }

    /** Whether libcrypto is loaded (see {@link EvpAesGcm#unavailableReason()} for why not). */
    public static boolean isAvailable()
    {
        return EvpAesGcm.isAvailable();
    }

    /**
     * @param password   the password's bytes (UTF-8); the native copy is wiped before it is freed
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
}
