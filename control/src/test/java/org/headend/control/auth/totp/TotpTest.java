package org.headend.control.auth.totp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TotpTest
{
    /** RFC 6238 Appendix B's seeds: "1234567890" repeated to the hash's length. */
    private static byte[] seed(final int length)
    {
        return "1234567890".repeat(7).substring(0, length).getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest(name = "T={0} {2}")
    @CsvSource({
        "59, 94287082, HmacSHA1, 20",
        "59, 46119246, HmacSHA256, 32",
        "59, 90693936, HmacSHA512, 64",
        "1111111109, 07081804, HmacSHA1, 20",
        "1111111109, 68084774, HmacSHA256, 32",
        "1111111109, 25091201, HmacSHA512, 64",
        "1111111111, 14050471, HmacSHA1, 20",
        "1111111111, 67062674, HmacSHA256, 32",
        "1111111111, 99943326, HmacSHA512, 64",
        "1234567890, 89005924, HmacSHA1, 20",
        "1234567890, 91819424, HmacSHA256, 32",
        "1234567890, 93441116, HmacSHA512, 64",
        "2000000000, 69279037, HmacSHA1, 20",
        "2000000000, 90698825, HmacSHA256, 32",
        "2000000000, 38618901, HmacSHA512, 64",
        "20000000000, 65353130, HmacSHA1, 20",
        "20000000000, 77737706, HmacSHA256, 32",
        "20000000000, 47863826, HmacSHA512, 64"})
    void shouldMatchTheRfc6238TestVectors(final long seconds, final String expected, final String algorithm,
        final int seedLength)
    {
        final long step = Totp.step(seconds * 1000);
        assertEquals(Integer.parseInt(expected), Totp.code(seed(seedLength), step, 8, algorithm));
    }

    @Test
    void shouldGiveTheSixDigitCodeThatAppsShowZeroPadded()
    {
        // the last six digits of the 8-digit vector at T=1111111109 (07081804): 081804
        assertEquals("081804", Totp.code(seed(20), Totp.step(1_111_111_109_000L)));
    }

    @Test
    void shouldAcceptTheStepsEitherSideOfNowOnceAndNothingFurther()
    {
        final byte[] secret = seed(20);
        final long now = 1_234_567_890_000L;
        final long step = Totp.step(now);
        assertEquals(step, Totp.verify(secret, Totp.code(secret, step), now, Long.MIN_VALUE));
        assertEquals(step - 1, Totp.verify(secret, Totp.code(secret, step - 1), now, Long.MIN_VALUE));
        assertEquals(step + 1, Totp.verify(secret, Totp.code(secret, step + 1), now, Long.MIN_VALUE));
        assertEquals(-1, Totp.verify(secret, Totp.code(secret, step - 2), now, Long.MIN_VALUE));
        assertEquals(-1, Totp.verify(secret, Totp.code(secret, step + 2), now, Long.MIN_VALUE));
    }

    @Test
    void shouldNeverAcceptACodeOfAStepAlreadyUsed()
    {
        final byte[] secret = seed(20);
        final long now = 1_234_567_890_000L;
        final long step = Totp.step(now);
        assertEquals(-1, Totp.verify(secret, Totp.code(secret, step), now, step), "replay of the same code");
        assertEquals(-1, Totp.verify(secret, Totp.code(secret, step - 1), now, step), "an older code after a newer");
        assertEquals(step + 1, Totp.verify(secret, Totp.code(secret, step + 1), now, step));
    }

    @Test
    void shouldRefuseAnythingButSixDigits()
    {
        final byte[] secret = seed(20);
        final long now = 1_234_567_890_000L;
        final String code = Totp.code(secret, Totp.step(now));
        assertEquals(-1, Totp.verify(secret, code + "0", now, Long.MIN_VALUE));
        assertEquals(-1, Totp.verify(secret, " " + code.substring(1), now, Long.MIN_VALUE));
        assertEquals(-1, Totp.verify(secret, "\u0660" + code.substring(1), now, Long.MIN_VALUE), "Arabic-Indic zero");
        assertEquals(-1, Totp.verify(secret, null, now, Long.MIN_VALUE));
    }

    @Test
    void shouldRoundTripBase32WithTheRfc4648Vectors()
    {
        assertEquals("MZXW6YTBOI", Base32.encode("foobar".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("MZXW6", Base32.encode("foo".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals("foobar".getBytes(StandardCharsets.US_ASCII), Base32.decode("mzxw6ytboi======"));
        assertArrayEquals("fo".getBytes(StandardCharsets.US_ASCII), Base32.decode("MZXQ===="));
        assertEquals("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Base32.encode(seed(20)));
        assertThrows(IllegalArgumentException.class, () -> Base32.decode("MZXW1"), "1 is not base32");
        assertThrows(IllegalArgumentException.class, () -> Base32.decode("MZXR"), "stray bits");
    }

    @Test
    void shouldWriteTheEnrolmentUriAppsRead()
    {
        assertEquals("otpauth://totp/vpn%20gw:alice%40corp?secret=GEZDGNBVGY3TQOJQ&issuer=vpn%20gw&algorithm=SHA1"
            + "&digits=6&period=30", Totp.otpauthUri("vpn gw", "alice@corp", "GEZDGNBVGY3TQOJQ"));
    }
}
