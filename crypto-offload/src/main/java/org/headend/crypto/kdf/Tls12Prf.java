package org.headend.crypto.kdf;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The TLS 1.2 pseudo-random function, RFC 5246 §5: {@code PRF(secret, label, seed) = P_hash(secret, label + seed)},
 * where {@code P_hash} chains HMACs: {@code A(0) = label + seed}, {@code A(i) = HMAC(secret, A(i-1))}, output
 * {@code HMAC(secret, A(1) + label + seed) + HMAC(secret, A(2) + label + seed) + ...}, cut to length.
 * <p>
 * {@link #P_SHA256} serves every suite whose PRF is not named otherwise (the AES-128-GCM ones);
 * {@link #P_SHA384} serves the {@code _SHA384} suites (AES-256-GCM), RFC 5289 §3.
 * <p>
 * The secret is only ever an HMAC key, so it may stay inside the TLS library that made it (a {@link HmacKey} over
 * BouncyCastle's sealed master secret) or be bytes here ({@link #key}). Control-plane code: it allocates.
 */
public enum Tls12Prf
{
    /** P_SHA256. */
    P_SHA256("HmacSHA256"),
    /** P_SHA384. */
    P_SHA384("HmacSHA384");

    /** A secret that computes HMACs with itself as the key, with this PRF's hash. */
    @FunctionalInterface
    public interface HmacKey
    {
        byte[] hmac(byte[] data);
    }

    private final String macAlgorithm;

    Tls12Prf(final String macAlgorithm)
    {
        this.macAlgorithm = macAlgorithm;
    }

    /**
     * @return the JCA name of the HMAC, e.g. {@code "HmacSHA256"}.
     */
    public String macAlgorithm()
    {
        return macAlgorithm;
    }

    /**
     * The JCA HMAC of this PRF keyed with {@code secret}; for one thread at a time.
     */
    public HmacKey key(final byte[] secret)
    {
        try
        {
            final Mac mac = Mac.getInstance(macAlgorithm);
            // An empty secret is legal in the PRF but SecretKeySpec refuses it; HMAC pads keys with zeros
            // to the block size, so a one-byte zero key gives the same result as an empty one.
            mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, macAlgorithm));
            return mac::doFinal;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(macAlgorithm + " is not available", ex);
        }
    }

    /**
     * @param secret the secret (master secret, or pre-master secret for the master secret itself).
     * @param label  ASCII label without a terminator, e.g. {@code "key expansion"}.
     * @param seed   the seed, e.g. {@code server_random + client_random}.
     * @param length bytes wanted.
     * @return {@code length} bytes of PRF output.
     */
    public byte[] derive(final byte[] secret, final String label, final byte[] seed, final int length)
    {
        return derive(key(secret), label, seed, length);
    }

    /**
     * @param secret the secret as an HMAC key of this PRF's hash.
     * @param label  ASCII label without a terminator, e.g. {@code "key expansion"}.
     * @param seed   the seed, e.g. {@code server_random + client_random}.
     * @param length bytes wanted.
     * @return {@code length} bytes of PRF output.
     */
    public byte[] derive(final HmacKey secret, final String label, final byte[] seed, final int length)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("negative length " + length);
        }
        final byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
        final byte[] labelAndSeed = new byte[labelBytes.length + seed.length];
        System.arraycopy(labelBytes, 0, labelAndSeed, 0, labelBytes.length);
        System.arraycopy(seed, 0, labelAndSeed, labelBytes.length, seed.length);
        return pHash(secret, labelAndSeed, length);
    }

    private static byte[] pHash(final HmacKey secret, final byte[] seed, final int length)
    {
        final byte[] out = new byte[length];
        byte[] a = seed;
        byte[] aAndSeed = null;
        int written = 0;
        while (written < length)
        {
            a = secret.hmac(a);
            if (aAndSeed == null)
            {
                aAndSeed = new byte[a.length + seed.length];
                System.arraycopy(seed, 0, aAndSeed, a.length, seed.length);
            }
            System.arraycopy(a, 0, aAndSeed, 0, a.length);
            final byte[] block = secret.hmac(aAndSeed);
            final int chunk = Math.min(block.length, length - written);
            System.arraycopy(block, 0, out, written, chunk);
            written += chunk;
        }
        return out;
    }
}
