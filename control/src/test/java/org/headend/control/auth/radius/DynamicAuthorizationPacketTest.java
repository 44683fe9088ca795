package org.headend.control.auth.radius;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 5176 requests as a RADIUS server signs them are accepted only whole and with the right key; answers verify. */
class DynamicAuthorizationPacketTest
{
    private static final byte[] KEY = "coa-key".getBytes(StandardCharsets.US_ASCII);

    private static byte[] disconnect()
    {
        return DynamicAuthorizationPacket.request(DynamicAuthorizationPacket.DISCONNECT_REQUEST, 9, KEY,
            List.of(RadiusPacket.Attribute.text(RadiusPacket.USER_NAME, "alice")));
    }

    @Test
    void shouldAcceptASignedRequestWithItsAttributes() throws RadiusException
    {
        final byte[] datagram = disconnect();
        final RadiusPacket request = DynamicAuthorizationPacket.decodeRequest(datagram, datagram.length, KEY);
        assertEquals(DynamicAuthorizationPacket.DISCONNECT_REQUEST, request.code());
        assertEquals(9, request.identifier());
        assertEquals("alice", request.text(RadiusPacket.USER_NAME));
    }

    @Test
    void shouldRefuseAnotherKeyATamperedByteAndTrailingGarbageBeyondTheLengthIsIgnored() throws RadiusException
    {
        final byte[] datagram = disconnect();
        assertThrows(RadiusException.class, () -> DynamicAuthorizationPacket.decodeRequest(datagram,
            datagram.length, "other".getBytes(StandardCharsets.US_ASCII)));
        for (final int at : new int[] {1, 5, RadiusPacket.HEADER_LENGTH + 3, datagram.length - 1})
        {
            final byte[] tampered = datagram.clone();
            tampered[at] ^= 1;
            assertThrows(RadiusException.class, () -> DynamicAuthorizationPacket.decodeRequest(tampered,
                tampered.length, KEY), "byte " + at);
        }
        final byte[] longer = java.util.Arrays.copyOf(datagram, datagram.length + 7);
        assertEquals("alice", DynamicAuthorizationPacket.decodeRequest(longer, longer.length, KEY)
            .text(RadiusPacket.USER_NAME));
    }

    @Test
    void shouldRequireExactlyOneMessageAuthenticator()
    {
        // an Accounting-Request style signature without Message-Authenticator: valid, but not enough
        final byte[] bare = RadiusPacket.accountingRequest(3, KEY,
            List.of(RadiusPacket.Attribute.text(RadiusPacket.USER_NAME, "alice")));
        bare[0] = (byte)DynamicAuthorizationPacket.DISCONNECT_REQUEST;
        final RadiusException missing = assertThrows(RadiusException.class,
            () -> DynamicAuthorizationPacket.decodeRequest(bare, bare.length, KEY));
        assertTrue(missing.getMessage().contains("Message-Authenticator"), missing.getMessage());
        final byte[] twice = DynamicAuthorizationPacket.request(DynamicAuthorizationPacket.COA_REQUEST, 4, KEY,
            List.of(new RadiusPacket.Attribute(RadiusPacket.MESSAGE_AUTHENTICATOR, new byte[16])));
        assertThrows(RadiusException.class, () -> DynamicAuthorizationPacket.decodeRequest(twice, twice.length, KEY));
    }

    @Test
    void shouldRefuseOtherCodes()
    {
        final byte[] accessRequest = RadiusPacket.accessRequest(1, new byte[16], KEY, "pw",
            List.of(RadiusPacket.Attribute.text(RadiusPacket.USER_NAME, "alice")));
        assertThrows(RadiusException.class, () -> DynamicAuthorizationPacket.decodeRequest(accessRequest,
            accessRequest.length, KEY));
    }

    @Test
    void shouldAnswerWithAVerifiableAckOrNakCarryingTheErrorCause() throws RadiusException
    {
        final byte[] datagram = DynamicAuthorizationPacket.request(DynamicAuthorizationPacket.COA_REQUEST, 77, KEY,
            List.of(RadiusPacket.Attribute.text(RadiusPacket.USER_NAME, "bob")));
        final RadiusPacket request = DynamicAuthorizationPacket.decodeRequest(datagram, datagram.length, KEY);
        final byte[] nak = DynamicAuthorizationPacket.answer(request, false,
            DynamicAuthorizationPacket.SESSION_CONTEXT_NOT_FOUND, KEY);
        // the answer verifies exactly as an answer to an Access-Request does: Response Authenticator and MAC
        final RadiusPacket decoded = RadiusPacket.decodeResponse(nak, nak.length, request.authenticator(), KEY, true);
        assertEquals(DynamicAuthorizationPacket.COA_NAK, decoded.code());
        assertEquals(77, decoded.identifier());
        assertArrayEquals(new byte[] {0, 0, 1, (byte)0xf7}, decoded.first(DynamicAuthorizationPacket.ERROR_CAUSE));
        final byte[] ack = DynamicAuthorizationPacket.answer(request, true, 0, KEY);
        assertEquals(DynamicAuthorizationPacket.COA_ACK,
            RadiusPacket.decodeResponse(ack, ack.length, request.authenticator(), KEY, true).code());
        assertThrows(RadiusException.class, () -> RadiusPacket.decodeResponse(ack, ack.length,
            request.authenticator(), "other".getBytes(StandardCharsets.US_ASCII), false));
    }
}
