package org.headend.crypto.kdf;

import java.util.Arrays;
import java.security.SecureRandom;
import java.util.HexFormat;

import org.bouncycastle.tls.crypto.CryptoHashAlgorithm;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The TLS 1.2 PRF against the test vectors posted to the IETF TLS list (tls/current/msg03416), widely used to
 * check TLS 1.2 PRF implementations: secret, seed and label "test label", 100 bytes of P_SHA256 and 148 of
 * P_SHA384.
 */
class Tls12PrfTest
{
    private static final HexFormat HEX = HexFormat.of();
    private static final String LABEL = "test label";

    @Test
    void shouldMatchPublishedVectorWhenHashIsSha256()
    {
        final byte[] secret = HEX.parseHex("9bbe436ba940f017b17652849a71db35");
        final byte[] seed = HEX.parseHex("a0ba9f936cda311827a6f796ffd5198c");
        final byte[] expected = HEX.parseHex(
            "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a" +
            "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab" +
            "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701" +
            "87347b66");

        assertArrayEquals(expected, Tls12Prf.P_SHA256.derive(secret, LABEL, seed, expected.length));
    }

    @Test
    void shouldMatchPublishedVectorWhenHashIsSha384()
    {
        final byte[] secret = HEX.parseHex("b80b733d6ceefcdc71566ea48e5567df");
        final byte[] seed = HEX.parseHex("cd665cf6a8447dd6ff8b27555edb7465");
        final byte[] expected = HEX.parseHex(
            "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd" +
            "e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd" +
            "8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425" +
            "9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6" +
            "91c8f3a26854308d5eaa3be85e0990703d73e56f");

        assertArrayEquals(expected, Tls12Prf.P_SHA384.derive(secret, LABEL, seed, expected.length));
    }

    @Test
    void shouldMatchPublishedVectorsWhenSecretStaysInsideBouncyCastle()
    {
        // the DTLS handshakes' path: BC keeps the master secret and only computes HMACs with it
        final BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
        final TlsSecret sha256 = crypto.createSecret(HEX.parseHex("9bbe436ba940f017b17652849a71db35"));
        final byte[] expected256 = HEX.parseHex(
            "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a" +
            "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab" +
            "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701" +
            "87347b66");
        assertArrayEquals(expected256, Tls12Prf.P_SHA256.derive(
            data -> sha256.calculateHMAC(CryptoHashAlgorithm.sha256, data, 0, data.length), LABEL,
            HEX.parseHex("a0ba9f936cda311827a6f796ffd5198c"), expected256.length));

        final TlsSecret sha384 = crypto.createSecret(HEX.parseHex("b80b733d6ceefcdc71566ea48e5567df"));
        final byte[] expected384 = HEX.parseHex(
            "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd" +
            "e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd" +
            "8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425" +
            "9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6" +
            "91c8f3a26854308d5eaa3be85e0990703d73e56f");
        assertArrayEquals(expected384, Tls12Prf.P_SHA384.derive(
            data -> sha384.calculateHMAC(CryptoHashAlgorithm.sha384, data, 0, data.length), LABEL,
            HEX.parseHex("cd665cf6a8447dd6ff8b27555edb7465"), expected384.length));
    }

    @Test
    void shouldReturnPrefixOfLongerOutputWhenLengthIsNotWholeBlocks()
    {
        final byte[] secret = HEX.parseHex("9bbe436ba940f017b17652849a71db35");
        final byte[] seed = HEX.parseHex("a0ba9f936cda311827a6f796ffd5198c");
        final byte[] longer = Tls12Prf.P_SHA256.derive(secret, LABEL, seed, 100);

        for (final int length : new int[]{0, 1, 31, 32, 33, 40, 72})
        {
            assertArrayEquals(Arrays.copyOf(longer, length), Tls12Prf.P_SHA256.derive(secret, LABEL, seed, length));
        }
    }

    @Test
    void shouldDeriveWhenSecretIsEmpty()
    {
        // HMAC zero-pads its key to the block size, so an empty key and a single zero byte are the same key.
        final byte[] seed = HEX.parseHex("a0ba9f936cda311827a6f796ffd5198c");
        assertArrayEquals(
            Tls12Prf.P_SHA256.derive(new byte[1], LABEL, seed, 48),
            Tls12Prf.P_SHA256.derive(new byte[0], LABEL, seed, 48));
        assertEquals(48, Tls12Prf.P_SHA384.derive(new byte[0], LABEL, seed, 48).length);
    }

    @Test
    void shouldRejectNegativeLengthWhenAsked()
    {
        assertThrows(IllegalArgumentException.class,
            () -> Tls12Prf.P_SHA256.derive(new byte[16], LABEL, new byte[0], -1));
    }
}
