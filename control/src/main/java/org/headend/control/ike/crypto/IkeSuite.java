package org.headend.control.ike.crypto;

import org.headend.control.ike.codec.Ike;

/**
 * The algorithms one IKE SA negotiated: encryption (AES-GCM-16, or AES-CBC with an HMAC-SHA2 integrity transform),
 * PRF and DH group, with the key lengths RFC 7296 §2.14 derives from them.
 *
 * @param encryption  {@link Ike#ENCR_AES_GCM_16} or {@link Ike#ENCR_AES_CBC}
 * @param keyBits     128, 192 or 256
 * @param integrity   an AUTH_HMAC_SHA2_* transform for CBC, 0 for GCM
 */
public record IkeSuite(int encryption, int keyBits, int integrity, PrfAlgorithm prf, DhGroup group)
{
    public IkeSuite
    {
        if (encryption != Ike.ENCR_AES_GCM_16 && encryption != Ike.ENCR_AES_CBC
            || keyBits != 128 && keyBits != 192 && keyBits != 256)
        {
            throw new IllegalArgumentException("unsupported encryption " + encryption + "/" + keyBits);
        }
        if ((encryption == Ike.ENCR_AES_GCM_16) != (integrity == 0) || integrity != 0 && macName(integrity) == null)
        {
            throw new IllegalArgumentException("integrity " + integrity + " does not go with encryption "
                + encryption);
        }
    }

    public boolean aead()
    {
        return encryption == Ike.ENCR_AES_GCM_16;
    }

    /** SK_e length: the AES key, plus the 4-byte salt for GCM (RFC 5282 §7). */
    public int encryptionKeyLength()
    {
        return keyBits / 8 + (aead() ? 4 : 0);
    }

    /** SK_a length: the HMAC key (the hash length, RFC 4868 §2.1.2), none for GCM. */
    public int integrityKeyLength()
    {
        return switch (integrity)
        {
            case Ike.AUTH_HMAC_SHA2_256_128 -> 32;
            case Ike.AUTH_HMAC_SHA2_384_192 -> 48;
            case Ike.AUTH_HMAC_SHA2_512_256 -> 64;
            default -> 0;
        };
    }

    /** The cipher for one direction, from its SK_e and SK_a. */
    public SkCipher cipher(final byte[] encryptionKey, final byte[] integrityKey)
    {
        return aead() ? new GcmSkCipher(encryptionKey)
            : new CbcHmacSkCipher(encryptionKey, integrityKey, macName(integrity));
    }

    static String macName(final int integrity)
    {
        return switch (integrity)
        {
            case Ike.AUTH_HMAC_SHA2_256_128 -> "HmacSHA256";
            case Ike.AUTH_HMAC_SHA2_384_192 -> "HmacSHA384";
            case Ike.AUTH_HMAC_SHA2_512_256 -> "HmacSHA512";
            default -> null;
        };
    }

    @Override
    public String toString()
    {
        return (aead() ? "AES-GCM-" + keyBits : "AES-CBC-" + keyBits + "/" + macName(integrity)) + " PRF "
            + prf + " DH " + group.number();
    }
}
