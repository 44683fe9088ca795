package org.headend.control.auth.radius;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The worked example of RFC 2759 §9.2. */
class MsChapV2Test
{
    private static final HexFormat HEX = HexFormat.of();
    private static final String USER = "User";
    private static final String PASSWORD = "clientPass";
    private static final byte[] AUTHENTICATOR_CHALLENGE = HEX.parseHex("5b5d7c7d7b3f2f3e3c2c602132262628");
    private static final byte[] PEER_CHALLENGE = HEX.parseHex("21402324255e262a28295f2b3a337c7e");

    @Test
    void shouldComputeTheRfcChallengeHashAndPasswordHash()
    {
        assertArrayEquals(HEX.parseHex("d02e4386bce91226"),
            MsChapV2.challengeHash(PEER_CHALLENGE, AUTHENTICATOR_CHALLENGE, USER));
        assertArrayEquals(HEX.parseHex("44ebba8d5312b8d611474411f56989ae"), MsChapV2.ntPasswordHash(PASSWORD));
    }

    @Test
    void shouldComputeTheRfcNtResponse()
    {
        assertArrayEquals(HEX.parseHex("82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df"),
            MsChapV2.ntResponse(AUTHENTICATOR_CHALLENGE, PEER_CHALLENGE, USER, PASSWORD));
    }

    @Test
    void shouldComputeTheAuthenticatorResponseTheServerMustProve()
    {
        final byte[] ntResponse = MsChapV2.ntResponse(AUTHENTICATOR_CHALLENGE, PEER_CHALLENGE, USER, PASSWORD);
        assertEquals("S=407A5589115FD0D6209F510FE9C04566932CDA56",
            MsChapV2.authenticatorResponse(PASSWORD, ntResponse, PEER_CHALLENGE, AUTHENTICATOR_CHALLENGE, USER));
    }
}
