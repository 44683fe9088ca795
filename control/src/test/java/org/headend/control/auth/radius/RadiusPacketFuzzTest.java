package org.headend.control.auth.radius;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.headend.control.auth.AuthOutcome;

/**
 * The RADIUS answer parser under arbitrary datagrams, as a server (or anyone who can send to the client's port)
 * may send them: {@link RadiusPacket#decode} and {@link RadiusPacket#decodeResponse} return a packet whose
 * attributes exactly fill its declared length and whose vendor sub-attributes stay inside their attribute, or refuse with their own {@link RadiusException} — never another
 * exception; whatever passes the authenticator checks has a meaning for the client or is ignored, without throwing;
 * and the attributes of a request built from the same bytes decode back unchanged. The committed corpus holds
 * answers signed with {@link #SECRET} for the request authenticator {@link #REQUEST_AUTHENTICATOR}, so mutations
 * start from packets that pass the checks.
 */
class RadiusPacketFuzzTest
{
    static final byte[] SECRET = "fuzz-secret".getBytes(StandardCharsets.US_ASCII);
    static final byte[] REQUEST_AUTHENTICATOR = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

    @FuzzTest
    void datagramsDecodeWithinTheirLengthOrAreRefusedClearly(final byte[] datagram)
    {
        RadiusPacket structure = null;
        try
        {
            structure = RadiusPacket.decode(datagram, datagram.length);
            checkBounds(structure, datagram);
            for (final int[] vsa : new int[][] {{311, 26}, {311, 2}, {9, 1}})
            {
                final byte[] value = structure.vendor(vsa[0], vsa[1]);
                assertTrue(value == null || value.length <= 253 - 6, "a sub-attribute within its attribute");
            }
        }
        catch (final RadiusException ex)
        {
            assertNotNull(ex.getMessage());
        }
        for (final boolean requireMessageAuthenticator : new boolean[] {false, true})
        {
            try
            {
                final RadiusPacket answer = RadiusPacket.decodeResponse(datagram, datagram.length,
                    REQUEST_AUTHENTICATOR, SECRET, requireMessageAuthenticator);
                assertNotNull(structure, "an answer that passes the checks is also well formed");
                checkBounds(answer, datagram);
                final AuthOutcome outcome = RadiusClient.outcome(answer, "user", "G");
                if (answer.code() == RadiusPacket.ACCESS_ACCEPT)
                {
                    final AuthOutcome.Accepted accepted = (AuthOutcome.Accepted)outcome;
                    assertTrue(accepted.groupPolicy() == null || accepted.groupPolicy().length() <= 64);
                }
            }
            catch (final RadiusException ex)
            {
                assertNotNull(ex.getMessage());
            }
        }
        requestAttributesRoundTrip(datagram);
    }

    private static void checkBounds(final RadiusPacket packet, final byte[] datagram)
    {
        final int declared = (datagram[2] & 0xff) << 8 | datagram[3] & 0xff;
        assertTrue(declared >= RadiusPacket.HEADER_LENGTH && declared <= RadiusPacket.MAX_LENGTH
            && declared <= datagram.length, "declared length " + declared);
        int length = RadiusPacket.HEADER_LENGTH;
        for (final RadiusPacket.Attribute attribute : packet.attributes())
        {
            assertTrue(attribute.type() >= 1 && attribute.type() <= 255 && attribute.value().length <= 253);
            length += 2 + attribute.value().length;
        }
        assertEquals(declared, length, "the attributes fill the packet exactly");
        assertEquals(datagram[0] & 0xff, packet.code());
        assertEquals(datagram[1] & 0xff, packet.identifier());
    }

    /** Attributes cut from the input, sent in an Accounting-Request, come back as they were, in order. */
    private static void requestAttributesRoundTrip(final byte[] input)
    {
        final List<RadiusPacket.Attribute> attributes = new ArrayList<>();
        int size = RadiusPacket.HEADER_LENGTH;
        for (int at = 0; at + 1 < input.length; )
        {
            final int type = Math.max(1, input[at] & 0xff);
            final int length = Math.min((input[at + 1] & 0xff) % 254, input.length - at - 2);
            if (size + 2 + length > RadiusPacket.MAX_LENGTH)
            {
                break;
            }
            final byte[] value = java.util.Arrays.copyOfRange(input, at + 2, at + 2 + length);
            attributes.add(new RadiusPacket.Attribute(type, value));
            size += 2 + length;
            at += 2 + length;
        }
        final byte[] packet = RadiusPacket.accountingRequest(7, SECRET, attributes);
        try
        {
            final RadiusPacket decoded = RadiusPacket.decode(packet, packet.length);
            assertEquals(RadiusPacket.ACCOUNTING_REQUEST, decoded.code());
            assertEquals(attributes.size(), decoded.attributes().size());
            for (int i = 0; i < attributes.size(); i++)
            {
                assertEquals(attributes.get(i).type(), decoded.attributes().get(i).type());
                assertArrayEquals(attributes.get(i).value(), decoded.attributes().get(i).value());
            }
        }
        catch (final RadiusException ex)
        {
            throw new AssertionError("a request we built does not decode: " + ex.getMessage(), ex);
        }
    }
}
