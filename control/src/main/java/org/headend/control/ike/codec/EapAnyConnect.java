package org.headend.control.ike.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * Cisco's EAP-AnyConnect packet as reverse engineered in the strongSwan fork (docs ikev2-plan.md §1.2): an EAP request
 * or response of the expanded type (254) with vendor 9 and vendor-type 0x44425650 — a 12-byte header — followed by
 * TLVs {@code {u16 type, u16 length, value}}: 0 the aggregate-auth XML, 1 a signature, 3 a PKCS#7 certificate chain.
 * Bounded: the EAP length must be the packet's, TLVs must fit exactly, at most {@link #MAX_TLVS} of them, no type
 * twice, and the XML at most {@link #MAX_XML} bytes. Unverified against a real Cisco AnyConnect client.
 */
public final class EapAnyConnect
{
    public static final int VENDOR_ID = 9;
    public static final int VENDOR_TYPE = 0x44425650;
    public static final int HEADER_LENGTH = 12;
    public static final int TLV_XML = 0;
    public static final int TLV_SIGNATURE = 1;
    public static final int TLV_PKCS7 = 3;
    public static final int MAX_TLVS = 8;
    /** Largest XML document taken or sent (a complete with a profile manifest stays well below). */
    public static final int MAX_XML = 16 * 1024;
    /** The EAP length field's own bound. */
    public static final int MAX_LENGTH = 0xffff;

    /** One TLV; {@code value} is a copy. */
    public record Tlv(int type, byte[] value)
    {
    }

    /** A parsed request or response. */
    public record Message(int code, int identifier, List<Tlv> tlvs)
    {
        /** The value of the TLV of {@code type}, or null. */
        public byte[] value(final int type)
        {
            for (final Tlv tlv : tlvs)
            {
                if (tlv.type() == type)
                {
                    return tlv.value();
                }
            }
            return null;
        }
    }

    private EapAnyConnect()
    {
    }

    /** Whether {@code eap} is a request or response of the EAP-AnyConnect expanded type (checks only the header). */
    public static boolean isAnyConnect(final byte[] eap)
    {
        return eap.length >= HEADER_LENGTH && (eap[0] == Ike.EAP_REQUEST || eap[0] == Ike.EAP_RESPONSE)
            && (eap[4] & 0xff) == Ike.EAP_TYPE_EXPANDED && u24(eap, 5) == VENDOR_ID && u32(eap, 8) == VENDOR_TYPE;
    }

    /**
     * Parses an EAP-AnyConnect request or response.
     *
     * @throws IkeParseException when it is not one, its lengths disagree, or a limit is exceeded
     */
    public static Message parse(final byte[] eap) throws IkeParseException
    {
        if (eap.length < HEADER_LENGTH || eap.length > MAX_LENGTH)
        {
            throw new IkeParseException("EAP-AnyConnect packet length " + eap.length + " out of range");
        }
        if (u16(eap, 2) != eap.length)
        {
            throw new IkeParseException("EAP length " + u16(eap, 2) + " is not the packet's " + eap.length);
        }
        if (!isAnyConnect(eap))
        {
            throw new IkeParseException("not an EAP-AnyConnect request or response");
        }
        final List<Tlv> tlvs = new ArrayList<>(2);
        int at = HEADER_LENGTH;
        while (at < eap.length)
        {
            if (eap.length - at < 4)
            {
                throw new IkeParseException("truncated TLV header at " + at);
            }
            final int type = u16(eap, at);
            final int length = u16(eap, at + 2);
            if (length > eap.length - at - 4)
            {
                throw new IkeParseException("TLV " + type + " of " + length + " bytes overruns the packet");
            }
            if (tlvs.size() == MAX_TLVS)
            {
                throw new IkeParseException("more than " + MAX_TLVS + " TLVs");
            }
            if (type == TLV_XML && length > MAX_XML)
            {
                throw new IkeParseException("XML TLV of " + length + " bytes exceeds " + MAX_XML);
            }
            for (final Tlv seen : tlvs)
            {
                if (seen.type() == type)
                {
                    throw new IkeParseException("TLV " + type + " twice");
                }
            }
            final byte[] value = new byte[length];
            System.arraycopy(eap, at + 4, value, 0, length);
            tlvs.add(new Tlv(type, value));
            at += 4 + length;
        }
        return new Message(eap[0] & 0xff, eap[1] & 0xff, List.copyOf(tlvs));
    }

    /**
     * Builds a request or response carrying {@code tlvs} in order.
     *
     * @throws IllegalArgumentException when the packet would exceed a limit {@link #parse} enforces
     */
    public static byte[] build(final int code, final int identifier, final List<Tlv> tlvs)
    {
        if (tlvs.size() > MAX_TLVS)
        {
            throw new IllegalArgumentException("more than " + MAX_TLVS + " TLVs");
        }
        int length = HEADER_LENGTH;
        for (final Tlv tlv : tlvs)
        {
            if (tlv.type() < 0 || tlv.type() > 0xffff || tlv.type() == TLV_XML && tlv.value().length > MAX_XML)
            {
                throw new IllegalArgumentException("TLV " + tlv.type() + " out of range");
            }
            length += 4 + tlv.value().length;
        }
        if (length > MAX_LENGTH)
        {
            throw new IllegalArgumentException("EAP-AnyConnect packet of " + length + " bytes");
        }
        final byte[] out = new byte[length];
        out[0] = (byte)code;
        out[1] = (byte)identifier;
        putU16(out, 2, length);
        out[4] = (byte)Ike.EAP_TYPE_EXPANDED;
        out[5] = (byte)(VENDOR_ID >>> 16);
        out[6] = (byte)(VENDOR_ID >>> 8);
        out[7] = (byte)VENDOR_ID;
        putU16(out, 8, VENDOR_TYPE >>> 16);
        putU16(out, 10, VENDOR_TYPE);
        int at = HEADER_LENGTH;
        for (final Tlv tlv : tlvs)
        {
            putU16(out, at, tlv.type());
            putU16(out, at + 2, tlv.value().length);
            System.arraycopy(tlv.value(), 0, out, at + 4, tlv.value().length);
            at += 4 + tlv.value().length;
        }
        return out;
    }

    /** A request or response carrying one XML document. */
    public static byte[] xml(final int code, final int identifier, final byte[] document)
    {
        return build(code, identifier, List.of(new Tlv(TLV_XML, document)));
    }

    private static int u16(final byte[] in, final int at)
    {
        return (in[at] & 0xff) << 8 | in[at + 1] & 0xff;
    }

    private static int u24(final byte[] in, final int at)
    {
        return (in[at] & 0xff) << 16 | u16(in, at + 1);
    }

    private static int u32(final byte[] in, final int at)
    {
        return u16(in, at) << 16 | u16(in, at + 2);
    }

    private static void putU16(final byte[] out, final int at, final int value)
    {
        out[at] = (byte)(value >>> 8);
        out[at + 1] = (byte)value;
    }
}
