package org.headend.control.auth.saml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KDF;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The token wrap as the client unwraps it: this test reads the blob the way openconnect's {@code hpke.c} does
 * (0x0001, then TLVs; the server's key, a 12-byte tag, the ciphertext, a 12-byte IV) and decrypts it with the
 * client's STRAP DH private key.
 */
class AcEciesTest
{
    @Test
    void shouldWrapTheTokenSoThatOnlyTheClientsStrapKeyOpensIt() throws Exception
    {
        final KeyPair client = p256();
        final String header = Base64.getEncoder().encodeToString(client.getPublic().getEncoded());
        final byte[] blob = AcEcies.wrap(AcEcies.clientKey(header), "Tok3nABC123");
        assertEquals("Tok3nABC123", unwrap(blob, client.getPrivate()));
        assertThrows(GeneralSecurityException.class, () -> unwrap(blob, p256().getPrivate()),
            "another key cannot open it");
        final byte[] again = AcEcies.wrap(AcEcies.clientKey(header), "Tok3nABC123");
        assertEquals(blob.length, again.length);
        assertThrows(AssertionError.class, () -> assertArrayEquals(blob, again), "a fresh ephemeral key each time");
    }

    @Test
    void shouldRefuseAStrapKeyThatIsNotP256() throws Exception
    {
        assertThrows(GeneralSecurityException.class, () -> AcEcies.clientKey("not base64!"));
        assertThrows(GeneralSecurityException.class, () -> AcEcies.clientKey(Base64.getEncoder().encodeToString(
            new byte[] {0x30, 0x03, 0x02, 0x01, 0x00})));
        final KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        assertThrows(GeneralSecurityException.class, () -> AcEcies.clientKey(Base64.getEncoder().encodeToString(
            p384.generateKeyPair().getPublic().getEncoded())));
    }

    private static KeyPair p256() throws Exception
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** openconnect's side, written from hpke.c's description. */
    static String unwrap(final byte[] blob, final PrivateKey clientKey) throws Exception
    {
        final ByteBuffer in = ByteBuffer.wrap(blob);
        assertEquals(1, in.getShort());
        final byte[][] values = new byte[5][];
        while (in.hasRemaining())
        {
            final int type = in.getShort();
            final byte[] value = new byte[in.getShort()];
            in.get(value);
            values[type] = value;
        }
        assertEquals(12, values[2].length, "tag");
        assertEquals(12, values[4].length, "iv");
        final KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(clientKey);
        agreement.doPhase(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(values[1])), true);
        final byte[] key = KDF.getInstance("HKDF-SHA256").deriveKey("AES", HKDFParameterSpec.ofExtract()
            .addIKM(agreement.generateSecret()).thenExpand("AC_ECIES".getBytes(StandardCharsets.US_ASCII), 32))
            .getEncoded();
        final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(96, values[4]));
        cipher.update(values[3]);
        return new String(cipher.doFinal(values[2]), StandardCharsets.US_ASCII);
    }
}
