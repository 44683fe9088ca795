package org.headend.control.auth.radius;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The committed seeds of {@link RadiusPacketFuzzTest} are what their names say: signed answers pass the client's
 * checks (so mutations start past them), broken ones are refused. A seed that silently stopped verifying would
 * leave the fuzz run knocking on the authenticator check only.
 */
class RadiusFuzzCorpusTest
{
    private static final String DIR = "RadiusPacketFuzzTestInputs/datagramsDecodeWithinTheirLengthOrAreRefusedClearly/";

    private static byte[] seed(final String name) throws IOException
    {
        try (InputStream in = RadiusFuzzCorpusTest.class.getResourceAsStream(DIR + name))
        {
            return in.readAllBytes();
        }
    }

    private static RadiusPacket verified(final String name, final boolean requireMessageAuthenticator)
        throws IOException, RadiusException
    {
        final byte[] datagram = seed(name);
        return RadiusPacket.decodeResponse(datagram, datagram.length, RadiusPacketFuzzTest.REQUEST_AUTHENTICATOR,
            RadiusPacketFuzzTest.SECRET, requireMessageAuthenticator);
    }

    @Test
    void shouldHoldSignedAnswersThatPassTheChecks() throws Exception
    {
        assertEquals(RadiusPacket.ACCESS_ACCEPT, verified("accept-class-framed", true).code());
        assertEquals(RadiusPacket.ACCESS_ACCEPT, verified("accept-no-message-authenticator", false).code());
        assertEquals(RadiusPacket.ACCESS_CHALLENGE, verified("challenge-state", true).code());
        assertEquals(RadiusPacket.ACCESS_CHALLENGE, verified("challenge-without-state", true).code());
        assertEquals(RadiusPacket.ACCESS_REJECT, verified("reject", true).code());
        assertEquals(RadiusPacket.ACCOUNTING_RESPONSE, verified("accounting-response", false).code());
        assertEquals(RadiusPacket.ACCESS_ACCEPT, verified("accept-nas-selects-address", true).code());
        assertEquals(RadiusPacket.ACCESS_ACCEPT, verified("vendor-specific-cisco", true).code());
    }

    @Test
    void shouldHoldBrokenPacketsThatAreRefused()
    {
        assertThrows(RadiusException.class, () -> verified("accept-no-message-authenticator", true));
        assertThrows(RadiusException.class, () -> verified("truncated-attribute", false));
        assertThrows(RadiusException.class, () -> verified("length-beyond-datagram", false));
        assertThrows(RadiusException.class, () -> verified("zero-length-attribute", false));
    }
}
