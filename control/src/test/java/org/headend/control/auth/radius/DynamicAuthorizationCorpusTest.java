package org.headend.control.auth.radius;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The committed seeds of {@link DynamicAuthorizationFuzzTest} are what their names say: signed requests pass the
 * checks (so mutations start past them), the broken ones are refused.
 */
class DynamicAuthorizationCorpusTest
{
    private static final String DIR =
        "DynamicAuthorizationFuzzTestInputs/requestsDecodeWithinTheirLengthOrAreRefusedClearly/";

    private static RadiusPacket decoded(final String name) throws IOException, RadiusException
    {
        try (InputStream in = DynamicAuthorizationCorpusTest.class.getResourceAsStream(DIR + name))
        {
            final byte[] datagram = in.readAllBytes();
            return DynamicAuthorizationPacket.decodeRequest(datagram, datagram.length,
                DynamicAuthorizationFuzzTest.KEY);
        }
    }

    @Test
    void shouldHoldSignedRequestsThatPassTheChecks() throws Exception
    {
        assertEquals(DynamicAuthorizationPacket.DISCONNECT_REQUEST, decoded("disconnect-user-name").code());
        assertEquals(DynamicAuthorizationPacket.DISCONNECT_REQUEST, decoded("disconnect-session-and-address").code());
        assertEquals(DynamicAuthorizationPacket.COA_REQUEST, decoded("coa-filter-id-timestamp").code());
        assertEquals(DynamicAuthorizationPacket.COA_REQUEST, decoded("coa-class-vendor-specific").code());
    }

    @Test
    void shouldHoldBrokenRequestsThatAreRefused()
    {
        assertThrows(RadiusException.class, () -> decoded("disconnect-without-message-authenticator"));
        assertThrows(RadiusException.class, () -> decoded("disconnect-other-key"));
        assertThrows(RadiusException.class, () -> decoded("coa-truncated-attribute"));
    }
}
