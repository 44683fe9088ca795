package org.headend.control.ike.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The EAP-AnyConnect header and TLVs: the documented layout byte for byte, and every limit refused with a reason. */
class EapAnyConnectTest
{
    private static final byte[] XML = "<config-auth type=\"init\"/>".getBytes(StandardCharsets.UTF_8);

    @Test
    void headerIsTheExpandedCiscoTypeAndTlvsFollowIt() throws Exception
    {
        final byte[] packet = EapAnyConnect.xml(Ike.EAP_RESPONSE, 7, XML);
        assertEquals("0207" + String.format("%04x", 12 + 4 + XML.length) + "fe000009" + "44425650"
            + "0000" + String.format("%04x", XML.length), HexFormat.of().formatHex(packet, 0, 16));
        assertTrue(EapAnyConnect.isAnyConnect(packet));
        final EapAnyConnect.Message message = EapAnyConnect.parse(packet);
        assertEquals(Ike.EAP_RESPONSE, message.code());
        assertEquals(7, message.identifier());
        assertArrayEquals(XML, message.value(EapAnyConnect.TLV_XML));
        assertNull(message.value(EapAnyConnect.TLV_SIGNATURE));
    }

    @Test
    void signatureAndCertificateTlvsRoundTrip() throws Exception
    {
        final byte[] packet = EapAnyConnect.build(Ike.EAP_RESPONSE, 1, List.of(
            new EapAnyConnect.Tlv(EapAnyConnect.TLV_XML, XML), new EapAnyConnect.Tlv(EapAnyConnect.TLV_SIGNATURE,
                new byte[] {1, 2, 3}), new EapAnyConnect.Tlv(EapAnyConnect.TLV_PKCS7, new byte[0])));
        final EapAnyConnect.Message message = EapAnyConnect.parse(packet);
        assertEquals(3, message.tlvs().size());
        assertArrayEquals(new byte[] {1, 2, 3}, message.value(EapAnyConnect.TLV_SIGNATURE));
        assertArrayEquals(new byte[0], message.value(EapAnyConnect.TLV_PKCS7));
    }

    @Test
    void otherEapTypesAndVendorsAreNotAnyConnect()
    {
        final byte[] packet = EapAnyConnect.xml(Ike.EAP_RESPONSE, 1, XML);
        packet[11] ^= 1;
        assertFalse(EapAnyConnect.isAnyConnect(packet));
        assertFalse(EapAnyConnect.isAnyConnect(EapPacket.build(Ike.EAP_RESPONSE, 1, Ike.EAP_TYPE_GTC, XML)));
        assertThrows(IkeParseException.class, () -> EapAnyConnect.parse(packet));
    }

    @Test
    void lengthsThatDisagreeAreRefused()
    {
        final byte[] packet = EapAnyConnect.xml(Ike.EAP_RESPONSE, 1, XML);
        packet[3]++;
        assertTrue(assertThrows(IkeParseException.class, () -> EapAnyConnect.parse(packet)).getMessage()
            .contains("is not the packet's"));
        final byte[] overrun = EapAnyConnect.xml(Ike.EAP_RESPONSE, 1, XML);
        overrun[15]++;
        assertTrue(assertThrows(IkeParseException.class, () -> EapAnyConnect.parse(overrun)).getMessage()
            .contains("overruns"));
        final byte[] truncated = new byte[14];
        System.arraycopy(EapAnyConnect.xml(Ike.EAP_RESPONSE, 1, new byte[0]), 0, truncated, 0, 12);
        truncated[3] = 14;
        assertTrue(assertThrows(IkeParseException.class, () -> EapAnyConnect.parse(truncated)).getMessage()
            .contains("truncated"));
    }

    @Test
    void tooManyOrRepeatedTlvsAndOversizeXmlAreRefused()
    {
        final List<EapAnyConnect.Tlv> many = new ArrayList<>();
        for (int i = 0; i < EapAnyConnect.MAX_TLVS; i++)
        {
            many.add(new EapAnyConnect.Tlv(100 + i, new byte[0]));
        }
        final byte[] full = EapAnyConnect.build(Ike.EAP_RESPONSE, 1, many);
        final byte[] oneMore = new byte[full.length + 4];
        System.arraycopy(full, 0, oneMore, 0, full.length);
        oneMore[2] = (byte)(oneMore.length >>> 8);
        oneMore[3] = (byte)oneMore.length;
        oneMore[full.length + 1] = 50;
        assertTrue(assertThrows(IkeParseException.class, () -> EapAnyConnect.parse(oneMore)).getMessage()
            .contains("more than"));

        final byte[] twice = EapAnyConnect.build(Ike.EAP_RESPONSE, 1, List.of(
            new EapAnyConnect.Tlv(EapAnyConnect.TLV_XML, XML), new EapAnyConnect.Tlv(EapAnyConnect.TLV_SIGNATURE,
                new byte[0])));
        twice[12 + 4 + XML.length + 1] = EapAnyConnect.TLV_XML;
        assertTrue(assertThrows(IkeParseException.class, () -> EapAnyConnect.parse(twice)).getMessage()
            .contains("twice"));

        final byte[] big = new byte[EapAnyConnect.MAX_XML + 1];
        assertThrows(IllegalArgumentException.class, () -> EapAnyConnect.xml(Ike.EAP_RESPONSE, 1, big));
        final byte[] oversize = EapAnyConnect.build(Ike.EAP_RESPONSE, 1,
            List.of(new EapAnyConnect.Tlv(EapAnyConnect.TLV_SIGNATURE, big)));
        oversize[13] = EapAnyConnect.TLV_XML;
        assertTrue(assertThrows(IkeParseException.class, () -> EapAnyConnect.parse(oversize)).getMessage()
            .contains("exceeds"));
    }
}
