package org.headend.crypto.openssl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenSslPbkdf2Test
{
    @BeforeEach
    void needsLibcrypto()
    {
        assumeTrue(OpenSslPbkdf2.isAvailable(), EvpAesGcm::unavailableReason);
    }

    @Test
    void shouldDeriveThePublishedPbkdf2HmacSha512Vector()
    {
        // the widely used PBKDF2-HMAC-SHA512 vector: P = "password", S = "salt", c = 2, dkLen = 64
        assertArrayEquals(HexFormat.of().parseHex("e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53c"
                + "f76cab2868a39b9f7840edce4fef5a82be67335c77a6068e04112754f27ccf4e"),
            OpenSslPbkdf2.sha512("password".getBytes(StandardCharsets.US_ASCII),
                "salt".getBytes(StandardCharsets.US_ASCII), 2, 64));
    }

    @Test
    void shouldAgreeWithTheJdkForNonAsciiPasswordsAndOddLengths() throws Exception
    {
        final Random random = new Random(13);
        final SecretKeyFactory jdk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512");
        for (final String password : new String[] {"demo-secret", "pässwörd €", "x".repeat(200)})
        {
            final byte[] salt = new byte[8 + random.nextInt(40)];
            random.nextBytes(salt);
            for (final int length : new int[] {16, 32, 64, 100})
            {
                final byte[] expected = jdk.generateSecret(
                    new PBEKeySpec(password.toCharArray(), salt, 1000, length * 8)).getEncoded();
                assertArrayEquals(expected,
                    OpenSslPbkdf2.sha512(password.getBytes(StandardCharsets.UTF_8), salt, 1000, length),
                    password + " / " + length);
            }
        }
    }

    @Test
    void shouldDeriveTheSameBytesByCompressionsAsByPkcs5ForEveryShapeOfInput()
    {
        assumeTrue(LibCrypto.hasSha512Calls(), "this libcrypto has no SHA512_Transform");
        final Random random = new Random(29);
        for (final int passwordLength : new int[] {0, 1, 64, 127, 128, 129, 300})
        {
            for (final int saltLength : new int[] {0, 16, 200})
            {
                for (final int iterations : new int[] {1, 2, 5000})
                {
                    final byte[] password = new byte[passwordLength];
                    final byte[] salt = new byte[saltLength];
                    random.nextBytes(password);
                    random.nextBytes(salt);
                    final int length = 1 + random.nextInt(150);
                    assertArrayEquals(OpenSslPbkdf2.byPkcs5(password, salt, iterations, length),
                        OpenSslPbkdf2.byCompressions(password, salt, iterations, length),
                        passwordLength + "-byte password, " + saltLength + "-byte salt, " + iterations + " iterations, "
                            + length + " bytes");
                }
            }
        }
    }

    @Test
    void shouldRefuseNonsenseCounts()
    {
        assertThrows(IllegalArgumentException.class, () -> OpenSslPbkdf2.sha512(new byte[1], new byte[8], 0, 32));
        assertThrows(IllegalArgumentException.class, () -> OpenSslPbkdf2.sha512(new byte[1], new byte[8], 1, 0));
    }
}
