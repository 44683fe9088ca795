package org.headend.control.auth.radius;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * EAP in RADIUS answers under arbitrary datagrams: joining EAP-Message attributes gives null, one EAP packet whose
 * length field is its length, or a {@link RadiusException}; MS-MPPE keys decrypt to a key that fits its attribute or
 * are refused with a {@link RadiusException}, never another exception; and any EAP packet the input makes survives
 * the split into 253-byte attributes and the join unchanged. The seed is an Access-Accept holding the MS-MPPE keys
 * FreeRADIUS made for {@link RadiusEapTest} and an EAP-Success.
 */
class RadiusEapFuzzTest
{
    @FuzzTest
    void eapMessagesAndMppeKeysDecodeWithinBoundsOrAreRefused(final byte[] datagram)
    {
        try
        {
            final RadiusPacket answer = RadiusPacket.decode(datagram, datagram.length);
            try
            {
                final byte[] eap = RadiusEap.join(answer);
                assertTrue(eap == null || eap.length >= 4 && eap.length <= RadiusPacket.MAX_LENGTH
                    && ((eap[2] & 0xff) << 8 | eap[3] & 0xff) == eap.length, "one whole EAP packet");
            }
            catch (final RadiusException ex)
            {
                assertNotNull(ex.getMessage());
            }
            try
            {
                final byte[] msk = RadiusEap.msk(answer, RadiusEapTest.SECRET, RadiusEapTest.REQUEST_AUTHENTICATOR);
                assertTrue(msk == null || msk.length >= 2 && msk.length <= 2 * (253 - 6 - 3), "two keys that fit");
            }
            catch (final RadiusException ex)
            {
                assertNotNull(ex.getMessage());
            }
        }
        catch (final RadiusException ex)
        {
            assertNotNull(ex.getMessage());
        }
        try
        {
            final byte[] key = RadiusEap.decryptKey(datagram, RadiusEapTest.SECRET,
                RadiusEapTest.REQUEST_AUTHENTICATOR);
            assertTrue(key.length >= 1 && key.length <= datagram.length - 3, "a key inside its attribute");
        }
        catch (final RadiusException ex)
        {
            assertNotNull(ex.getMessage());
        }
        splitAndJoin(datagram);
    }

    /** The input as an EAP packet (its length field set) comes back whole from its EAP-Message attributes. */
    private static void splitAndJoin(final byte[] input)
    {
        final int length = Math.min(input.length, RadiusPacket.MAX_LENGTH - RadiusPacket.HEADER_LENGTH - 2 * 17);
        if (length < 4)
        {
            return;
        }
        final byte[] eap = Arrays.copyOf(input, length);
        eap[2] = (byte)(length >>> 8);
        eap[3] = (byte)length;
        final byte[] packet = RadiusPacket.encode(RadiusPacket.ACCESS_CHALLENGE, 1, new byte[16],
            RadiusEap.split(eap));
        try
        {
            final RadiusPacket decoded = RadiusPacket.decode(packet, packet.length);
            assertEquals((length + 252) / 253, decoded.attributes().size());
            assertArrayEquals(eap, RadiusEap.join(decoded));
        }
        catch (final RadiusException ex)
        {
            throw new AssertionError("EAP we split does not join: " + ex.getMessage(), ex);
        }
    }
}
