package org.headend.control.config;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.headend.crypto.openssl.OpenSslPbkdf2;

/**
 * A local user's password as stored and shown in the configuration: PBKDF2-HMAC-SHA512, printed the way the ASA
 * prints its own hashes ({@code $sha512$ITERATIONS$SALT$HASH pbkdf2}). The clear text is never kept.
 */
public final class PasswordHash
{
    private static final int ITERATIONS = 5000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(final int iterations, final byte[] salt, final byte[] hash)
    {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** Hashes a clear-text password with a fresh random salt. */
    public static PasswordHash of(final String clearText)
    {
        final byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(ITERATIONS, salt, derive(clearText, salt, ITERATIONS, HASH_BYTES));
    }

    /**
     * Parses the stored form {@code $sha512$ITERATIONS$SALT$HASH} (salt and hash in base64).
     *
     * @throws IllegalArgumentException when the text is not in that form
     */
    public static PasswordHash parse(final String stored)
    {
        final String[] parts = stored.split("\\$", -1);
        if (parts.length != 5 || !parts[0].isEmpty() || !"sha512".equals(parts[1]))
        {
            throw new IllegalArgumentException("not a pbkdf2 password hash");
        }
        try
        {
            final int iterations = Integer.parseInt(parts[2]);
            if (iterations < 1000 || iterations > 1_000_000)
            {
                throw new IllegalArgumentException("pbkdf2 iteration count out of range");
            }
            final byte[] salt = Base64.getDecoder().decode(parts[3]);
            final byte[] hash = Base64.getDecoder().decode(parts[4]);
            if (salt.length < 8 || salt.length > 64 || hash.length < 16 || hash.length > 64)
            {
                throw new IllegalArgumentException("pbkdf2 salt or hash has a bad length");
            }
            return new PasswordHash(iterations, salt, hash);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("pbkdf2 iteration count is not a number", ex);
        }
    }

    /** Whether {@code candidate} is this password; runs in time independent of where the bytes differ. */
    public boolean matches(final String candidate)
    {
        if (candidate == null)
        {
            return false;
        }
        return MessageDigest.isEqual(derive(candidate, salt, iterations, hash.length), hash);
    }

    /** The stored form, as written in the configuration (followed there by the keyword {@code pbkdf2}). */
    public String stored()
    {
        final Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$sha512$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    private static byte[] derive(final String clearText, final byte[] salt, final int iterations, final int length)
    {
        if (OpenSslPbkdf2.isAvailable())
        {
            // the same bytes as the JDK's PBKDF2WithHmacSHA512 (which encodes the password as UTF-8), at about
            // half its CPU: this is most of a local login's cost, on the control thread
            final byte[] utf8 = clearText.getBytes(StandardCharsets.UTF_8);
            try
            {
                return OpenSslPbkdf2.sha512(utf8, salt, iterations, length);
            }
            finally
            {
                Arrays.fill(utf8, (byte)0);
            }
        }
        final PBEKeySpec spec = new PBEKeySpec(clearText.toCharArray(), salt, iterations, length * 8);
        try
        {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is not available", ex);
        }
        finally
        {
            spec.clearPassword();
        }
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof PasswordHash that && iterations == that.iterations
            && MessageDigest.isEqual(salt, that.salt) && MessageDigest.isEqual(hash, that.hash);
    }

    @Override
    public int hashCode()
    {
        return 31 * iterations + Arrays.hashCode(salt);
    }

    @Override
    public String toString()
    {
        return stored();
    }
}
