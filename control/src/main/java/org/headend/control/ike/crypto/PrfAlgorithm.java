package org.headend.control.ike.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.headend.control.ike.codec.Ike;

/**
 * The pseudorandom functions of RFC 4868 §2.1 (PRF_HMAC_SHA2_256/384/512) and prf+ (RFC 7296 §2.13). The preferred
 * key length, used for SK_d, SK_pi and SK_pr, is the output length.
 */
public enum PrfAlgorithm
{
    HMAC_SHA2_256(Ike.PRF_HMAC_SHA2_256, "HmacSHA256", 32),
    HMAC_SHA2_384(Ike.PRF_HMAC_SHA2_384, "HmacSHA384", 48),
    HMAC_SHA2_512(Ike.PRF_HMAC_SHA2_512, "HmacSHA512", 64);

    /** prf+ stops at 255 blocks (the counter is one byte). */
    private static final int MAX_BLOCKS = 255;

    private final int id;
    private final String jcaName;
    private final int length;

    PrfAlgorithm(final int id, final String jcaName, final int length)
    {
        this.id = id;
        this.jcaName = jcaName;
        this.length = length;
    }

    public int id()
    {
        return id;
    }

    /** The output and preferred key length in bytes. */
    public int length()
    {
        return length;
    }

    public static PrfAlgorithm of(final int id)
    {
        for (final PrfAlgorithm prf : values())
        {
            if (prf.id == id)
            {
                return prf;
            }
        }
        return null;
    }

    /** prf(key, data...). */
    public byte[] prf(final byte[] key, final byte[]... data)
    {
        final Mac mac = mac(key);
        for (final byte[] part : data)
        {
            mac.update(part);
        }
        return mac.doFinal();
    }

    /** prf+(key, seed) cut to {@code size} bytes: T1 = prf(K, S|0x01), Tn = prf(K, Tn-1|S|n). */
    public byte[] prfPlus(final byte[] key, final byte[] seed, final int size)
    {
        if (size > MAX_BLOCKS * length)
        {
            throw new IllegalArgumentException("prf+ cannot make " + size + " bytes");
        }
        final Mac mac = mac(key);
        final byte[] out = new byte[size];
        byte[] block = new byte[0];
        for (int n = 1, at = 0; at < size; n++)
        {
            mac.update(block);
            mac.update(seed);
            mac.update((byte)n);
            block = mac.doFinal();
            final int take = Math.min(block.length, size - at);
            System.arraycopy(block, 0, out, at, take);
            at += take;
        }
        return out;
    }

    private Mac mac(final byte[] key)
    {
        try
        {
            final Mac mac = Mac.getInstance(jcaName);
            // HMAC takes any key length; an empty key is legal for prf (the JCA refuses it, so use one zero byte,
            // which HMAC pads to the same block of zeros).
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, jcaName));
            return mac;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(jcaName + " is missing from the JDK", ex);
        }
    }
}
