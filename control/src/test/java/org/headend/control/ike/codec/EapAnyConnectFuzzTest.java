package org.headend.control.ike.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The EAP-AnyConnect reader under arbitrary packets: it refuses with its own reason, or what it read stays within the
 * limits and builds back to the very same bytes.
 */
class EapAnyConnectFuzzTest
{
    @FuzzTest
    void packetsParseWithinLimitsAndRebuildExactlyOrAreRefusedClearly(final byte[] eap)
    {
        final EapAnyConnect.Message message;
        try
        {
            message = EapAnyConnect.parse(eap);
        }
        catch (final IkeParseException ex)
        {
            assertNotNull(ex.getMessage());
            return;
        }
        assertTrue(message.tlvs().size() <= EapAnyConnect.MAX_TLVS, "too many TLVs");
        final byte[] xml = message.value(EapAnyConnect.TLV_XML);
        assertTrue(xml == null || xml.length <= EapAnyConnect.MAX_XML, "oversize XML");
        assertArrayEquals(eap, EapAnyConnect.build(message.code(), message.identifier(), message.tlvs()));
    }
}
