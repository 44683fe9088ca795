package org.headend.control.auth.saml;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KDF;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Cisco's {@code AC_ECIES} wrap of the SSO token for a client in external-browser mode (aaa.md §2.3; openconnect
 * {@code hpke.c}): the token travels through the user's browser to the client's local listener, so it is sealed for
 * the client's STRAP DH key ({@code X-AnyConnect-STRAP-DH-Pubkey}, a P-256 SubjectPublicKeyInfo) and nobody who sees
 * the URL can use it. A fresh ephemeral P-256 key per token; ECDH; HKDF-SHA256 without salt, info
 * {@code AC_ECIES}, 32 bytes; AES-256-GCM with a 96-bit tag. The blob is {@code 0x0001} then TLVs (u16 type, u16
 * length): 1 our ephemeral public key (SPKI DER), 2 the tag, 3 the ciphertext, 4 the IV.
 */
public final class AcEcies
{
    private static final byte[] INFO = "AC_ECIES".getBytes(StandardCharsets.US_ASCII);
    private static final int TAG_BYTES = 12;
    private static final int IV_BYTES = 12;
    /** A P-256 SubjectPublicKeyInfo is 91 bytes; anything far larger is not one. */
    private static final int MAX_KEY_TEXT = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private AcEcies()
    {
    }

    /**
     * Reads the client's STRAP DH public key from its header value.
     *
     * @throws GeneralSecurityException when it is not a base64 P-256 public key
     */
    public static ECPublicKey clientKey(final String headerValue) throws GeneralSecurityException
    {
        if (headerValue == null || headerValue.length() > MAX_KEY_TEXT)
        {
            throw new GeneralSecurityException("no STRAP DH public key, or too long");
        }
        final byte[] der;
        try
        {
            der = Base64.getDecoder().decode(headerValue.strip());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new GeneralSecurityException("STRAP DH public key is not base64", ex);
        }
        final PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256)
        {
            throw new GeneralSecurityException("STRAP DH public key is not a P-256 key");
        }
        return ec;
    }

    /** The blob for {@code /api/sso/BLOB} (before base64): {@code token} sealed for {@code client}. */
    public static byte[] wrap(final ECPublicKey client, final String token) throws GeneralSecurityException
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        final KeyPair ephemeral = generator.generateKeyPair();
        final KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(ephemeral.getPrivate());
        agreement.doPhase(client, true);
        final byte[] secret = agreement.generateSecret();
        final byte[] key = KDF.getInstance("HKDF-SHA256").deriveKey("AES",
            HKDFParameterSpec.ofExtract().addIKM(secret).thenExpand(INFO, 32)).getEncoded();
        Arrays.fill(secret, (byte)0);
        final byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, iv));
        Arrays.fill(key, (byte)0);
        final byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.US_ASCII));
        final byte[] ciphertext = Arrays.copyOf(sealed, sealed.length - TAG_BYTES);
        final byte[] tag = Arrays.copyOfRange(sealed, sealed.length - TAG_BYTES, sealed.length);
        final byte[] spki = ephemeral.getPublic().getEncoded();
        final ByteBuffer blob = ByteBuffer.allocate(2 + 4 * 4 + spki.length + tag.length + ciphertext.length
            + iv.length);
        blob.putShort((short)1);
        tlv(blob, 1, spki);
        tlv(blob, 2, tag);
        tlv(blob, 3, ciphertext);
        tlv(blob, 4, iv);
        return blob.array();
    }

    private static void tlv(final ByteBuffer out, final int type, final byte[] value)
    {
        out.putShort((short)type).putShort((short)value.length).put(value);
    }
}
