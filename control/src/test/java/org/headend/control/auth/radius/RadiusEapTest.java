package org.headend.control.auth.radius;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * EAP-Message splitting and joining (RFC 3579 §3.1) and MS-MPPE key decryption (RFC 2548 §2.4.2). The key vectors
 * are what a real FreeRADIUS 3.2 sent: an Access-Accept for a user whose reply items were
 * {@code MS-MPPE-Recv-Key := 0x000102…1f} (32 bytes) and {@code MS-MPPE-Send-Key := 0xa0a1…af} (16 bytes), to an
 * Access-Request with authenticator 0x40…4f and shared secret {@code vector-secret}; FreeRADIUS chose the salts.
 */
class RadiusEapTest
{
    private static final HexFormat HEX = HexFormat.of();
    static final byte[] SECRET = "vector-secret".getBytes(StandardCharsets.US_ASCII);
    static final byte[] REQUEST_AUTHENTICATOR = HEX.parseHex("404142434445464748494a4b4c4d4e4f");
    private static final byte[] RECV_KEY_ATTRIBUTE = HEX.parseHex("832dcb833db9901bf5a4fe65da4db4e1b7ae98d65d1a87bd"
        + "20973240f26eb5f636a0822851cfe99f3115a86d828009c950fe");
    private static final byte[] SEND_KEY_ATTRIBUTE = HEX.parseHex("8dccab71ce077b34f4b1d55a2fb786261317bbe9b538d25b"
        + "c73adddd4f2cf9b26b80");
    private static final byte[] RECV_KEY = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d"
        + "1e1f");
    private static final byte[] SEND_KEY = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");

    @Test
    void shouldDecryptTheMppeKeysFreeRadiusSent() throws Exception
    {
        assertArrayEquals(RECV_KEY, RadiusEap.decryptKey(RECV_KEY_ATTRIBUTE, SECRET, REQUEST_AUTHENTICATOR));
        assertArrayEquals(SEND_KEY, RadiusEap.decryptKey(SEND_KEY_ATTRIBUTE, SECRET, REQUEST_AUTHENTICATOR));
    }

    @Test
    void shouldMakeTheMskRecvKeyThenSendKeyFromAnAccept() throws Exception
    {
        final RadiusPacket accept = accept(List.of(
            RadiusPacket.Attribute.vendor(RadiusEap.MICROSOFT, RadiusEap.MS_MPPE_SEND_KEY, SEND_KEY_ATTRIBUTE),
            RadiusPacket.Attribute.vendor(RadiusEap.MICROSOFT, RadiusEap.MS_MPPE_RECV_KEY, RECV_KEY_ATTRIBUTE)));
        final byte[] msk = RadiusEap.msk(accept, SECRET, REQUEST_AUTHENTICATOR);
        assertEquals(48, msk.length);
        assertArrayEquals(RECV_KEY, java.util.Arrays.copyOf(msk, 32));
        assertArrayEquals(SEND_KEY, java.util.Arrays.copyOfRange(msk, 32, 48));
        assertNull(RadiusEap.msk(accept(List.of()), SECRET, REQUEST_AUTHENTICATOR), "a method without keys");
    }

    @Test
    void shouldHoldAFuzzSeedWhoseKeysAndEapDecode() throws Exception
    {
        final byte[] seed;
        try (java.io.InputStream in = RadiusEapTest.class.getResourceAsStream("RadiusEapFuzzTestInputs/"
            + "eapMessagesAndMppeKeysDecodeWithinBoundsOrAreRefused/accept-eap-success-mppe-keys"))
        {
            seed = in.readAllBytes();
        }
        final RadiusPacket accept = RadiusPacket.decode(seed, seed.length);
        assertArrayEquals(new byte[] {3, 9, 0, 4}, RadiusEap.join(accept));
        final byte[] msk = RadiusEap.msk(accept, SECRET, REQUEST_AUTHENTICATOR);
        assertArrayEquals(RECV_KEY, java.util.Arrays.copyOf(msk, 32), "the fuzz run starts past the key checks");
    }

    @Test
    void shouldRefuseKeysUnderAnotherSecretOrAuthenticatorAndMalformedOnes()
    {
        // under another authenticator (or secret) the length byte decrypts to noise: refused, or another key
        final byte[] otherAuthenticator = REQUEST_AUTHENTICATOR.clone();
        otherAuthenticator[0] ^= 1;
        assertFalse(decryptsTo(RECV_KEY, RECV_KEY_ATTRIBUTE, SECRET, otherAuthenticator));
        assertFalse(decryptsTo(RECV_KEY, RECV_KEY_ATTRIBUTE, "other".getBytes(StandardCharsets.US_ASCII),
            REQUEST_AUTHENTICATOR));
        assertThrows(RadiusException.class, () -> RadiusEap.decryptKey(new byte[] {(byte)0x80, 0, 1, 2}, SECRET,
            REQUEST_AUTHENTICATOR), "shorter than one block");
        final byte[] noSalt = RECV_KEY_ATTRIBUTE.clone();
        noSalt[0] &= 0x7f;
        assertThrows(RadiusException.class, () -> RadiusEap.decryptKey(noSalt, SECRET, REQUEST_AUTHENTICATOR),
            "the salt's high bit must be set");
        assertThrows(RadiusException.class, () -> RadiusEap.decryptKey(java.util.Arrays.copyOf(RECV_KEY_ATTRIBUTE,
            40), SECRET, REQUEST_AUTHENTICATOR), "not whole blocks");
        assertThrows(RadiusException.class, () -> RadiusEap.msk(accept(List.of(RadiusPacket.Attribute.vendor(
            RadiusEap.MICROSOFT, RadiusEap.MS_MPPE_RECV_KEY, RECV_KEY_ATTRIBUTE))), SECRET, REQUEST_AUTHENTICATOR),
            "a receive key without its send key");
    }

    @Test
    void shouldSplitAnEapPacketInto253ByteAttributesAndJoinThemBack() throws Exception
    {
        for (final int length : new int[] {5, 253, 254, 506, 1020, 1400})
        {
            final byte[] eap = eapPacket(length);
            final List<RadiusPacket.Attribute> parts = RadiusEap.split(eap);
            assertEquals((length + 252) / 253, parts.size(), length + " bytes");
            for (int i = 0; i < parts.size() - 1; i++)
            {
                assertEquals(253, parts.get(i).value().length, "every attribute but the last is full");
            }
            final List<RadiusPacket.Attribute> withOthers = new ArrayList<>();
            withOthers.add(RadiusPacket.Attribute.text(RadiusPacket.REPLY_MESSAGE, "between"));
            withOthers.addAll(parts);
            assertArrayEquals(eap, RadiusEap.join(accept(withOthers)));
        }
        assertNull(RadiusEap.join(accept(List.of())), "no EAP-Message, no packet");
        assertThrows(IllegalArgumentException.class, () -> RadiusEap.split(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> RadiusEap.split(new byte[RadiusEap.MAX_EAP + 1]));
    }

    @Test
    void shouldRefuseJoinedMessagesWhoseEapLengthIsNotTheirs()
    {
        final byte[] eap = eapPacket(300);
        final List<RadiusPacket.Attribute> parts = RadiusEap.split(eap);
        assertThrows(RadiusException.class, () -> RadiusEap.join(accept(List.of(parts.get(0)))),
            "a fragment missing");
        assertThrows(RadiusException.class, () -> RadiusEap.join(accept(List.of(new RadiusPacket.Attribute(
            RadiusEap.EAP_MESSAGE, new byte[] {1, 2, 0})))), "shorter than an EAP header");
    }

    private static boolean decryptsTo(final byte[] key, final byte[] attribute, final byte[] secret,
        final byte[] authenticator)
    {
        try
        {
            return java.util.Arrays.equals(key, RadiusEap.decryptKey(attribute, secret, authenticator));
        }
        catch (final RadiusException ex)
        {
            return false;
        }
    }

    /** An EAP-Request of {@code length} bytes with its length field set. */
    private static byte[] eapPacket(final int length)
    {
        final byte[] eap = new byte[length];
        eap[0] = 1;
        eap[1] = 9;
        eap[2] = (byte)(length >>> 8);
        eap[3] = (byte)length;
        for (int i = 4; i < length; i++)
        {
            eap[i] = (byte)(i * 7);
        }
        return eap;
    }

    private static RadiusPacket accept(final List<RadiusPacket.Attribute> attributes) throws RadiusException
    {
        final byte[] datagram = RadiusPacket.encode(RadiusPacket.ACCESS_ACCEPT, 1, new byte[16], attributes);
        return RadiusPacket.decode(datagram, datagram.length);
    }
}
