package org.headend.control.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.headend.control.ike.codec.Ike;
import org.junit.jupiter.api.Test;

class IkeCryptoTest
{
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(final String text)
    {
        return HEX.parseHex(text);
    }

    /** RFC 4231 test case 1 through each PRF. */
    @Test
    void shouldComputeTheHmacSha2PrfsOfRfc4231()
    {
        final byte[] key = new byte[20];
        Arrays.fill(key, (byte)0x0b);
        final byte[] data = "Hi There".getBytes(StandardCharsets.US_ASCII);
        assertEquals("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            HEX.formatHex(PrfAlgorithm.HMAC_SHA2_256.prf(key, data)));
        assertEquals("afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
            HEX.formatHex(PrfAlgorithm.HMAC_SHA2_384.prf(key, data)));
        assertEquals("87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
            + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
            HEX.formatHex(PrfAlgorithm.HMAC_SHA2_512.prf(key, data)));
    }

    /** NIST CAVP IKEv2 KDF sample (SHA-256), as carried in NSS's ike-sha256-vectors.h. */
    @Test
    void shouldDeriveSkeyseedTheKeysAndTheRekeySeedOfTheNistSample()
    {
        final byte[] ni = hex("3f302be1abcb28e1");
        final byte[] nr = hex("8c332ee006064c9b");
        final byte[] skeyseed = KeySchedule.skeyseed(PrfAlgorithm.HMAC_SHA2_256, ni, nr,
            hex("0f4d257d7a58fc4545c7d7a88119eee5d5c9690c5b4c989171d3abbfd99d1d29"));
        assertEquals("5f00d1bd2c58ec224b1e6b71fa0f19a1faa7a193952c444411b47c1a9d8ba6fe", HEX.formatHex(skeyseed));
        final byte[] seed = hex("3f302be1abcb28e18c332ee006064c9b40dac39e1e1a86408619a1cf9a6e4c07");
        assertEquals("0b137d669b0947d7d026d593f0305ad401ff0c471357d695778a9c7f4b4869ece98aca531188d16041b3bb936d2dbb3b"
            + "4993a6e768a809160de45d0283f273a6cdf6854379e31be72b8d3d1fa990cf9c5b015ca9f918a7df6253c958114a09d4e1c1"
            + "9bdcd4db14b29d98db1a74ad405c588662c14a04d0d36aa4ab55e90f8986d12d4aad",
            HEX.formatHex(PrfAlgorithm.HMAC_SHA2_256.prfPlus(skeyseed, seed, 132)));
        final IkeSuite suite = new IkeSuite(Ike.ENCR_AES_CBC, 128, Ike.AUTH_HMAC_SHA2_256_128,
            PrfAlgorithm.HMAC_SHA2_256, DhGroup.ECP_256);
        final IkeKeys keys = KeySchedule.ikeKeys(suite, skeyseed, ni, nr, 0x40dac39e1e1a8640L, 0x8619a1cf9a6e4c07L);
        assertEquals("0b137d669b0947d7d026d593f0305ad401ff0c471357d695778a9c7f4b4869ec", HEX.formatHex(keys.skD()));
        assertEquals("e98aca531188d16041b3bb936d2dbb3b4993a6e768a809160de45d0283f273a6", HEX.formatHex(keys.skAi()));
        assertEquals(16, keys.skEi().length);
        assertEquals(32, keys.skPr().length);
        assertEquals("2d63f6debc92048b4fef3889c4c99ca67d6496e0fac14a2bca9a2d6566ff2398",
            HEX.formatHex(KeySchedule.rekeySkeyseed(PrfAlgorithm.HMAC_SHA2_256, keys.skD(),
                hex("25f3b12d6f282739256e39bf54eda53b60ffcf379bb7bcc90c27b4c4c578616c"), ni, nr)));
    }

    @Test
    void shouldGiveGcmSuitesASaltAndNoIntegrityKey()
    {
        final IkeSuite gcm = new IkeSuite(Ike.ENCR_AES_GCM_16, 256, 0, PrfAlgorithm.HMAC_SHA2_384, DhGroup.ECP_384);
        assertEquals(36, gcm.encryptionKeyLength());
        assertEquals(0, gcm.integrityKeyLength());
        final IkeKeys keys = KeySchedule.ikeKeys(gcm, new byte[48], new byte[32], new byte[32], 1, 2);
        assertEquals(0, keys.skAi().length);
        assertEquals(36, keys.skEr().length);
        assertEquals(48, keys.skD().length);
        assertThrows(IllegalArgumentException.class, () -> new IkeSuite(Ike.ENCR_AES_GCM_16, 256,
            Ike.AUTH_HMAC_SHA2_256_128, PrfAlgorithm.HMAC_SHA2_256, DhGroup.ECP_256));
    }

    /** RFC 5903 §8.1: the responder's key with the initiator's public value gives g^ir's x coordinate. */
    @Test
    void shouldAgreeOnTheRfc5903Group19SecretAndRefuseAPointOffTheCurve() throws Exception
    {
        final KeyPair ours = ecPair("c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53",
            "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63",
            "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab");
        assertEquals("d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
            + "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab",
            HEX.formatHex(DhGroup.ECP_256.publicValue(ours)));
        final byte[] gi = hex("dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
            + "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3");
        assertEquals("d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de",
            HEX.formatHex(DhGroup.ECP_256.agree(ours, gi)));
        final byte[] offCurve = gi.clone();
        offCurve[63] ^= 1;
        assertThrows(GeneralSecurityException.class, () -> DhGroup.ECP_256.agree(ours, offCurve));
        assertThrows(GeneralSecurityException.class, () -> DhGroup.ECP_256.agree(ours, Arrays.copyOf(gi, 63)));
    }

    private static KeyPair ecPair(final String d, final String x, final String y) throws Exception
    {
        final ECPublicKey template = (ECPublicKey)DhGroup.ECP_256.generate().getPublic();
        final KeyFactory factory = KeyFactory.getInstance("EC");
        return new KeyPair(factory.generatePublic(new ECPublicKeySpec(new ECPoint(new BigInteger(x, 16),
            new BigInteger(y, 16)), template.getParams())),
            factory.generatePrivate(new ECPrivateKeySpec(new BigInteger(d, 16), template.getParams())));
    }

    /** RFC 7748 §6.1 as group 31 (RFC 8031), and the all-zero result of a small-order point refused. */
    @Test
    void shouldAgreeOnTheRfc7748X25519SecretAndRefuseASmallOrderPoint() throws Exception
    {
        final KeyPair alice = new KeyPair(null, KeyFactory.getInstance("X25519").generatePrivate(
            new XECPrivateKeySpec(NamedParameterSpec.X25519,
                hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))));
        assertEquals("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
            HEX.formatHex(DhGroup.CURVE25519.agree(alice,
                hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"))));
        assertThrows(GeneralSecurityException.class, () -> DhGroup.CURVE25519.agree(alice, new byte[32]));
    }

    @Test
    void shouldAgreeInEveryGroupBothWays() throws Exception
    {
        for (final DhGroup group : DhGroup.values())
        {
            final KeyPair a = group.generate();
            final KeyPair b = group.generate();
            final byte[] ab = group.agree(a, group.publicValue(b));
            assertArrayEquals(ab, group.agree(b, group.publicValue(a)), group.name());
            assertEquals(group.publicLength(), group.publicValue(a).length);
        }
        assertEquals(DhGroup.MODP_2048, DhGroup.of(14));
        assertEquals(null, DhGroup.of(2));
    }

    @Test
    void shouldRefuseTheTrivialModpPublicValues()
    {
        final KeyPair ours = DhGroup.MODP_2048.generate();
        final byte[] one = new byte[256];
        one[255] = 1;
        assertThrows(GeneralSecurityException.class, () -> DhGroup.MODP_2048.agree(ours, one));
        final byte[] allOnes = new byte[256];
        Arrays.fill(allOnes, (byte)0xff);
        assertThrows(GeneralSecurityException.class, () -> DhGroup.MODP_2048.agree(ours, allOnes));
    }

    @Test
    void shouldSealAndOpenSkContentWithGcmAndCbcAndRefuseATamperedMessage() throws Exception
    {
        final byte[] gcmKey = new byte[36];
        Arrays.fill(gcmKey, (byte)7);
        final byte[] cbcKey = new byte[32];
        final byte[] macKey = new byte[32];
        Arrays.fill(macKey, (byte)9);
        final SkCipher[][] pairs = {
            {new GcmSkCipher(gcmKey), new GcmSkCipher(gcmKey)},
            {new CbcHmacSkCipher(cbcKey, macKey, "HmacSHA256"), new CbcHmacSkCipher(cbcKey, macKey, "HmacSHA256")}};
        for (final SkCipher[] pair : pairs)
        {
            final byte[] plaintext = "inner payloads".getBytes(StandardCharsets.US_ASCII);
            final int contentOffset = 32;
            final byte[] message = new byte[contentOffset + pair[0].sealedLength(plaintext.length)];
            Arrays.fill(message, 0, contentOffset, (byte)0x42);
            pair[0].seal(message, contentOffset, plaintext);
            assertArrayEquals(plaintext, pair[1].open(message, contentOffset, message.length - contentOffset));
            final byte[] headerChanged = message.clone();
            headerChanged[3] ^= 1;
            assertThrows(GeneralSecurityException.class,
                () -> pair[1].open(headerChanged, contentOffset, message.length - contentOffset));
            final byte[] bodyChanged = message.clone();
            bodyChanged[message.length - 1 - pair[0].icvLength()] ^= 1;
            assertThrows(GeneralSecurityException.class,
                () -> pair[1].open(bodyChanged, contentOffset, message.length - contentOffset));
        }
    }

    @Test
    void shouldComputeSharedKeyAuthAsRfc7296Section215Says()
    {
        final PrfAlgorithm prf = PrfAlgorithm.HMAC_SHA2_256;
        final byte[] psk = "secret".getBytes(StandardCharsets.US_ASCII);
        final byte[] octets = AuthPayloads.signedOctets(prf, hex("0102"), hex("0304"), hex("05"), hex("06"));
        assertArrayEquals(concat(hex("0102"), hex("0304"), prf.prf(hex("05"), hex("06"))), octets);
        final byte[] expected = prf.prf(prf.prf(psk, "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII)),
            octets);
        assertArrayEquals(expected, AuthPayloads.sharedKeyAuth(prf, psk, octets));
        assertTrue(AuthPayloads.verifySharedKey(prf, psk, octets, expected));
        expected[0] ^= 1;
        assertFalse(AuthPayloads.verifySharedKey(prf, psk, octets, expected));
    }

    @Test
    void shouldSignWithRfc7427AlgorithmIdentifiersThatAVerifierAccepts() throws Exception
    {
        final byte[] octets = "signed octets".getBytes(StandardCharsets.US_ASCII);
        final KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        final KeyPair rsaPair = rsa.generateKeyPair();
        final AuthPayloads.Signed rsaSigned = AuthPayloads.sign(rsaPair.getPrivate(), octets);
        assertEquals(Ike.AUTH_DIGITAL_SIGNATURE, rsaSigned.method());
        assertTrue(verify("SHA256withRSA", rsaPair, rsaSigned.data(), octets));
        final KeyPair ecPair = DhGroup.ECP_384.generate();
        final AuthPayloads.Signed ecSigned = AuthPayloads.sign(ecPair.getPrivate(), octets);
        assertTrue(verify("SHA384withECDSA", ecPair, ecSigned.data(), octets));
        assertEquals(hex("300a06082a8648ce3d040303").length, ecSigned.data()[0]);
    }

    private static boolean verify(final String algorithm, final KeyPair pair, final byte[] data, final byte[] octets)
        throws Exception
    {
        final Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(pair.getPublic());
        verifier.update(octets);
        return verifier.verify(Arrays.copyOfRange(data, 1 + data[0], data.length));
    }

    private static byte[] concat(final byte[]... parts)
    {
        return KeySchedule.concat(parts);
    }
}
