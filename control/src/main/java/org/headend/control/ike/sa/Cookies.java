package org.headend.control.ike.sa;

import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless cookies for IKE_SA_INIT under load (RFC 7296 §2.6): Cookie = version ‖ HMAC-SHA256(secret, Ni ‖ IPi
 * ‖ SPIi). The secret changes every {@link #ROTATE_NANOS}; a cookie made with the previous secret is still
 * accepted, so a client that got one just before the change is not refused.
 */
final class Cookies
{
    static final long ROTATE_NANOS = 120_000_000_000L;

    private final SecureRandom random;
    private byte[] current = new byte[32];
    private byte[] previous = new byte[32];
    private int version;
    private long rotatedAt;

    Cookies(final SecureRandom random, final long nowNanos)
    {
        this.random = random;
        random.nextBytes(current);
        random.nextBytes(previous);
        rotatedAt = nowNanos;
    }

    byte[] make(final byte[] nonce, final InetAddress peer, final long spiI, final long nowNanos)
    {
        rotate(nowNanos);
        return cookie(version, current, nonce, peer, spiI);
    }

    boolean valid(final byte[] cookie, final byte[] nonce, final InetAddress peer, final long spiI,
        final long nowNanos)
    {
        rotate(nowNanos);
        if (cookie.length != 36)
        {
            return false;
        }
        final int cookieVersion = (cookie[0] & 0xff) << 24 | (cookie[1] & 0xff) << 16 | (cookie[2] & 0xff) << 8
            | cookie[3] & 0xff;
        final byte[] secret = cookieVersion == version ? current : cookieVersion == version - 1 ? previous : null;
        return secret != null && MessageDigest.isEqual(cookie, cookie(cookieVersion, secret, nonce, peer, spiI));
    }

    private void rotate(final long nowNanos)
    {
        if (nowNanos - rotatedAt >= ROTATE_NANOS)
        {
            previous = current;
            current = new byte[32];
            random.nextBytes(current);
            version++;
            rotatedAt = nowNanos;
        }
    }

    private static byte[] cookie(final int version, final byte[] secret, final byte[] nonce, final InetAddress peer,
        final long spiI)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(nonce);
            mac.update(peer.getAddress());
            for (int i = 0; i < 8; i++)
            {
                mac.update((byte)(spiI >>> (56 - 8 * i)));
            }
            final byte[] out = new byte[36];
            out[0] = (byte)(version >>> 24);
            out[1] = (byte)(version >>> 16);
            out[2] = (byte)(version >>> 8);
            out[3] = (byte)version;
            System.arraycopy(mac.doFinal(), 0, out, 4, 32);
            return out;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 is missing from the JDK", ex);
        }
    }
}
