package org.headend.control.auth.radius;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * The RFC 5176 request parser under arbitrary datagrams, as anyone who reaches UDP 3799 may send them:
 * {@link DynamicAuthorizationPacket#decodeRequest} refuses with its own {@link RadiusException} — never another
 * exception — or returns a Disconnect- or CoA-Request whose attributes fill its declared length and which carries
 * exactly one Message-Authenticator; the answer built to it verifies with the key. The committed corpus holds
 * requests signed with {@link #KEY}, so mutations start past the authenticator checks.
 */
class DynamicAuthorizationFuzzTest
{
    static final byte[] KEY = "fuzz-coa-key".getBytes(StandardCharsets.US_ASCII);

    @FuzzTest
    void requestsDecodeWithinTheirLengthOrAreRefusedClearly(final byte[] datagram)
    {
        final RadiusPacket request;
        try
        {
            request = DynamicAuthorizationPacket.decodeRequest(datagram, datagram.length, KEY);
        }
        catch (final RadiusException ex)
        {
            assertNotNull(ex.getMessage());
            return;
        }
        assertTrue(request.code() == DynamicAuthorizationPacket.DISCONNECT_REQUEST
            || request.code() == DynamicAuthorizationPacket.COA_REQUEST);
        final int declared = (datagram[2] & 0xff) << 8 | datagram[3] & 0xff;
        int length = RadiusPacket.HEADER_LENGTH;
        int messageAuthenticators = 0;
        for (final RadiusPacket.Attribute attribute : request.attributes())
        {
            length += 2 + attribute.value().length;
            messageAuthenticators += attribute.type() == RadiusPacket.MESSAGE_AUTHENTICATOR ? 1 : 0;
        }
        assertEquals(declared, length, "the attributes fill the packet exactly");
        assertEquals(1, messageAuthenticators);
        final byte[] answer = DynamicAuthorizationPacket.answer(request, false,
            DynamicAuthorizationPacket.UNSUPPORTED_ATTRIBUTE, KEY);
        try
        {
            assertEquals(request.code() + 2, RadiusPacket.decodeResponse(answer, answer.length,
                request.authenticator(), KEY, true).code());
        }
        catch (final RadiusException ex)
        {
            throw new AssertionError("our answer does not verify: " + ex.getMessage(), ex);
        }
    }
}
