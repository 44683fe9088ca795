package org.headend.control.auth.radius;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The codec against RFC 2865 §7.1's worked example, and the Message-Authenticator of RFC 3579 §3.2. */
class RadiusPacketTest
{
    private static final byte[] SECRET = "xyzzy5461".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REQUEST_AUTHENTICATOR = hex("0f403f9473978057bd83d5cb98f4227a");
    /** RFC 2865 §7.1: nemo's Access-Request. */
    private static final byte[] RFC_REQUEST = hex("010000380f403f9473978057bd83d5cb98f4227a01066e656d6f02120dbe708d"
        + "93d413ce3196e43f782a0aee0406c0a80110050600000003");
    /** RFC 2865 §7.1: the Access-Accept that answers it. */
    private static final byte[] RFC_ACCEPT = hex("0200002686fe220e7624ba2a1005f6bf9b55e0b2060600000001"
        + "0f06000000000e06c0a80103");

    @Test
    void shouldHideThePasswordAsTheRfcExampleDoes()
    {
        final byte[] hidden = RadiusPacket.hidePassword("arctangent".getBytes(StandardCharsets.US_ASCII), SECRET,
            REQUEST_AUTHENTICATOR);
        assertArrayEquals(Arrays.copyOfRange(RFC_REQUEST, 28, 44), hidden);
    }

    @Test
    void shouldHideLongPasswordsBlockByBlockAndRefuseOverlongOnes()
    {
        final byte[] hidden = RadiusPacket.hidePassword(new byte[17], SECRET, REQUEST_AUTHENTICATOR);
        assertEquals(32, hidden.length);
        assertThrows(IllegalArgumentException.class,
            () -> RadiusPacket.hidePassword(new byte[129], SECRET, REQUEST_AUTHENTICATOR));
    }

    @Test
    void shouldAcceptTheRfcAnswerAndReadItsAttributes() throws RadiusException
    {
        final RadiusPacket accept = RadiusPacket.decodeResponse(RFC_ACCEPT, RFC_ACCEPT.length, REQUEST_AUTHENTICATOR,
            SECRET, false);
        assertEquals(RadiusPacket.ACCESS_ACCEPT, accept.code());
        assertArrayEquals(hex("c0a80103"), accept.first(14));
    }

    @Test
    void shouldRefuseAnAnswerForgedOrSignedWithAnotherSecret()
    {
        assertThrows(RadiusException.class, () -> RadiusPacket.decodeResponse(RFC_ACCEPT, RFC_ACCEPT.length,
            REQUEST_AUTHENTICATOR, "wrong".getBytes(StandardCharsets.US_ASCII), false));
        final byte[] tampered = RFC_ACCEPT.clone();
        tampered[RFC_ACCEPT.length - 1] ^= 1;
        assertThrows(RadiusException.class, () -> RadiusPacket.decodeResponse(tampered, tampered.length,
            REQUEST_AUTHENTICATOR, SECRET, false));
        assertThrows(RadiusException.class, () -> RadiusPacket.decodeResponse(RFC_ACCEPT, RFC_ACCEPT.length,
            REQUEST_AUTHENTICATOR, SECRET, true), "a server configured to sign must sign");
    }

    @Test
    void shouldSignEveryAccessRequestWithAMessageAuthenticator() throws Exception
    {
        final byte[] packet = RadiusPacket.accessRequest(7, REQUEST_AUTHENTICATOR, SECRET, "arctangent",
            List.of(RadiusPacket.Attribute.text(RadiusPacket.USER_NAME, "nemo")));
        final RadiusPacket decoded = RadiusPacket.decode(packet, packet.length);
        assertEquals(RadiusPacket.ACCESS_REQUEST, decoded.code());
        assertEquals(7, decoded.identifier());
        assertEquals("nemo", decoded.text(RadiusPacket.USER_NAME));
        assertArrayEquals(Arrays.copyOfRange(RFC_REQUEST, 28, 44), decoded.first(RadiusPacket.USER_PASSWORD));
        final byte[] mac = decoded.first(RadiusPacket.MESSAGE_AUTHENTICATOR);
        final byte[] zeroed = packet.clone();
        Arrays.fill(zeroed, packet.length - 16, packet.length, (byte)0);
        assertArrayEquals(hmac(zeroed), mac);
    }

    @Test
    void shouldCheckAMessageAuthenticatorInAnAnswer() throws Exception
    {
        final byte[] challenge = signedAnswer(RadiusPacket.ACCESS_CHALLENGE);
        final RadiusPacket decoded = RadiusPacket.decodeResponse(challenge, challenge.length, REQUEST_AUTHENTICATOR,
            SECRET, true);
        assertEquals("otp", decoded.text(RadiusPacket.STATE));
        final byte[] badMac = challenge.clone();
        badMac[challenge.length - 1] ^= 1;
        // fix the Response Authenticator so that only the Message-Authenticator is wrong
        responseAuthenticator(badMac);
        assertThrows(RadiusException.class, () -> RadiusPacket.decodeResponse(badMac, badMac.length,
            REQUEST_AUTHENTICATOR, SECRET, false));
    }

    @Test
    void shouldRefuseMalformedPackets()
    {
        assertThrows(RadiusException.class, () -> RadiusPacket.decode(new byte[19], 19));
        final byte[] longer = RFC_ACCEPT.clone();
        longer[3] = (byte)(RFC_ACCEPT.length + 1);
        assertThrows(RadiusException.class, () -> RadiusPacket.decode(longer, longer.length));
        final byte[] badAttribute = RFC_ACCEPT.clone();
        badAttribute[21] = 1;
        assertThrows(RadiusException.class, () -> RadiusPacket.decode(badAttribute, badAttribute.length));
        final byte[] zeroType = RFC_ACCEPT.clone();
        zeroType[20] = 0;
        assertThrows(RadiusException.class, () -> RadiusPacket.decode(zeroType, zeroType.length));
        final byte[] overrun = RFC_ACCEPT.clone();
        overrun[33] = 40;
        assertThrows(RadiusException.class, () -> RadiusPacket.decode(overrun, overrun.length));
    }

    @Test
    void shouldComputeTheAccountingRequestAuthenticator() throws Exception
    {
        final byte[] packet = RadiusPacket.accountingRequest(3, SECRET,
            List.of(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_STATUS_TYPE, 1)));
        final byte[] zero = packet.clone();
        Arrays.fill(zero, 4, 20, (byte)0);
        final java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
        md5.update(zero);
        md5.update(SECRET);
        assertArrayEquals(md5.digest(), Arrays.copyOfRange(packet, 4, 20));
        assertTrue(RadiusPacket.decode(packet, packet.length).first(RadiusPacket.MESSAGE_AUTHENTICATOR) == null);
    }

    /** An answer with State "otp" and a Message-Authenticator, signed as a server holding the secret would. */
    static byte[] signedAnswer(final int code) throws Exception
    {
        final byte[] answer = new byte[20 + 5 + 18];
        answer[0] = (byte)code;
        answer[1] = 7;
        answer[3] = (byte)answer.length;
        System.arraycopy(REQUEST_AUTHENTICATOR, 0, answer, 4, 16);
        answer[20] = RadiusPacket.STATE;
        answer[21] = 5;
        System.arraycopy("otp".getBytes(StandardCharsets.US_ASCII), 0, answer, 22, 3);
        answer[25] = (byte)RadiusPacket.MESSAGE_AUTHENTICATOR;
        answer[26] = 18;
        System.arraycopy(hmac(answer), 0, answer, 27, 16);
        responseAuthenticator(answer);
        return answer;
    }

    private static void responseAuthenticator(final byte[] answer) throws Exception
    {
        System.arraycopy(REQUEST_AUTHENTICATOR, 0, answer, 4, 16);
        final java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
        md5.update(answer);
        md5.update(SECRET);
        System.arraycopy(md5.digest(), 0, answer, 4, 16);
    }

    private static byte[] hmac(final byte[] data) throws Exception
    {
        final Mac mac = Mac.getInstance("HmacMD5");
        mac.init(new SecretKeySpec(SECRET, "HmacMD5"));
        return mac.doFinal(data);
    }

    private static byte[] hex(final String text)
    {
        return HexFormat.of().parseHex(text);
    }
}
