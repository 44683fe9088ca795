package org.headend.control.auth.radius;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RADIUS packets (RFC 2865 §3, §5; RFC 2866 §3; RFC 3579 §3.2): encoding with the request authenticators, PAP
 * password hiding and Message-Authenticator, and strict decoding of answers with the Response Authenticator and any
 * Message-Authenticator checked in constant time. A packet is immutable; attributes keep their order.
 */
public final class RadiusPacket
{
    public static final int ACCESS_REQUEST = 1;
    public static final int ACCESS_ACCEPT = 2;
    public static final int ACCESS_REJECT = 3;
    public static final int ACCOUNTING_REQUEST = 4;
    public static final int ACCOUNTING_RESPONSE = 5;
    public static final int ACCESS_CHALLENGE = 11;

    public static final int USER_NAME = 1;
    public static final int USER_PASSWORD = 2;
    public static final int NAS_IP_ADDRESS = 4;
    public static final int NAS_PORT = 5;
    public static final int SERVICE_TYPE = 6;
    public static final int FRAMED_IP_ADDRESS = 8;
    public static final int REPLY_MESSAGE = 18;
    public static final int STATE = 24;
    public static final int CLASS = 25;
    public static final int CALLING_STATION_ID = 31;
    public static final int NAS_IDENTIFIER = 32;
    public static final int ACCT_STATUS_TYPE = 40;
    public static final int ACCT_INPUT_OCTETS = 42;
    public static final int ACCT_OUTPUT_OCTETS = 43;
    public static final int ACCT_SESSION_ID = 44;
    public static final int ACCT_SESSION_TIME = 46;
    public static final int ACCT_INPUT_PACKETS = 47;
    public static final int ACCT_OUTPUT_PACKETS = 48;
    public static final int ACCT_TERMINATE_CAUSE = 49;
    public static final int ACCT_INPUT_GIGAWORDS = 52;
    public static final int ACCT_OUTPUT_GIGAWORDS = 53;
    public static final int VENDOR_SPECIFIC = 26;
    public static final int MESSAGE_AUTHENTICATOR = 80;

    public static final int HEADER_LENGTH = 20;
    /** RFC 2865 §3: the largest packet. */
    public static final int MAX_LENGTH = 4096;
    /** RFC 2865 §5.2: the longest password that can be hidden. */
    public static final int MAX_PASSWORD = 128;
    private static final int AUTHENTICATOR_LENGTH = 16;

    private final int code;
    private final int identifier;
    private final byte[] authenticator;
    private final List<Attribute> attributes;

    /** One attribute: its type and raw value (1–253 bytes). */
    public record Attribute(int type, byte[] value)
    {
        public Attribute
        {
            if (type < 1 || type > 255 || value.length > 253)
            {
                throw new IllegalArgumentException("attribute " + type + " of " + value.length + " bytes");
            }
        }

        public static Attribute text(final int type, final String value)
        {
            return new Attribute(type, value.getBytes(StandardCharsets.UTF_8));
        }

        /** A Vendor-Specific attribute (RFC 2865 §5.26) holding one sub-attribute of {@code vendorId}. */
        public static Attribute vendor(final int vendorId, final int vendorType, final byte[] value)
        {
            final byte[] out = new byte[6 + value.length];
            out[0] = (byte)(vendorId >>> 24);
            out[1] = (byte)(vendorId >>> 16);
            out[2] = (byte)(vendorId >>> 8);
            out[3] = (byte)vendorId;
            out[4] = (byte)vendorType;
            out[5] = (byte)(2 + value.length);
            System.arraycopy(value, 0, out, 6, value.length);
            return new Attribute(VENDOR_SPECIFIC, out);
        }

        public static Attribute integer(final int type, final long value)
        {
            return new Attribute(type, new byte[] {(byte)(value >>> 24), (byte)(value >>> 16), (byte)(value >>> 8),
                (byte)value});
        }
    }

    private RadiusPacket(final int code, final int identifier, final byte[] authenticator,
        final List<Attribute> attributes)
    {
        this.code = code;
        this.identifier = identifier;
        this.authenticator = authenticator;
        this.attributes = List.copyOf(attributes);
    }

    public int code()
    {
        return code;
    }

    public int identifier()
    {
        return identifier;
    }

    public byte[] authenticator()
    {
        return authenticator.clone();
    }

    public List<Attribute> attributes()
    {
        return attributes;
    }

    /** The first attribute of {@code type}, or null. */
    public byte[] first(final int type)
    {
        for (final Attribute attribute : attributes)
        {
            if (attribute.type() == type)
            {
                return attribute.value();
            }
        }
        return null;
    }

    /**
     * The first sub-attribute {@code vendorType} of vendor {@code vendorId} in the Vendor-Specific attributes, or
     * null. Sub-attributes that do not fit their attribute end the search in that attribute.
     */
    public byte[] vendor(final int vendorId, final int vendorType)
    {
        for (final Attribute attribute : attributes)
        {
            final byte[] v = attribute.value();
            if (attribute.type() != VENDOR_SPECIFIC || v.length < 4
                || ((v[0] & 0xff) << 24 | (v[1] & 0xff) << 16 | (v[2] & 0xff) << 8 | v[3] & 0xff) != vendorId)
            {
                continue;
            }
            int at = 4;
            while (at + 2 <= v.length)
            {
                final int length = v[at + 1] & 0xff;
                if (length < 2 || at + length > v.length)
                {
                    break;
                }
                if ((v[at] & 0xff) == vendorType)
                {
                    return Arrays.copyOfRange(v, at + 2, at + length);
                }
                at += length;
            }
        }
        return null;
    }

    /** The first attribute of {@code type} as text, or null. */
    public String text(final int type)
    {
        final byte[] value = first(type);
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /**
     * An Access-Request: {@code attributes} plus User-Password hidden with {@code secret} (when {@code password} is
     * not null) and a Message-Authenticator (always: Blast-RADIUS, CVE-2024-3596).
     *
     * @param requestAuthenticator 16 random bytes
     */
    public static byte[] accessRequest(final int identifier, final byte[] requestAuthenticator, final byte[] secret,
        final String password, final List<Attribute> attributes)
    {
        final List<Attribute> all = new ArrayList<>(attributes);
        if (password != null)
        {
            all.add(new Attribute(USER_PASSWORD, hidePassword(password.getBytes(StandardCharsets.UTF_8), secret,
                requestAuthenticator)));
        }
        all.add(new Attribute(MESSAGE_AUTHENTICATOR, new byte[AUTHENTICATOR_LENGTH]));
        final byte[] packet = encode(ACCESS_REQUEST, identifier, requestAuthenticator, all);
        final byte[] mac = hmacMd5(secret, packet);
        System.arraycopy(mac, 0, packet, packet.length - AUTHENTICATOR_LENGTH, AUTHENTICATOR_LENGTH);
        return packet;
    }

    /** An Accounting-Request, its authenticator the MD5 over the packet with a zero authenticator and the secret. */
    public static byte[] accountingRequest(final int identifier, final byte[] secret, final List<Attribute> attributes)
    {
        final byte[] packet = encode(ACCOUNTING_REQUEST, identifier, new byte[AUTHENTICATOR_LENGTH], attributes);
        final MessageDigest md5 = md5();
        md5.update(packet);
        md5.update(secret);
        System.arraycopy(md5.digest(), 0, packet, 4, AUTHENTICATOR_LENGTH);
        return packet;
    }

    /** RFC 2865 §5.2: the password padded to 16-byte blocks, each XORed with MD5(secret + previous block). */
    public static byte[] hidePassword(final byte[] password, final byte[] secret, final byte[] requestAuthenticator)
    {
        if (password.length > MAX_PASSWORD)
        {
            throw new IllegalArgumentException("password longer than " + MAX_PASSWORD + " bytes");
        }
        final int length = Math.max(16, (password.length + 15) / 16 * 16);
        final byte[] out = Arrays.copyOf(password, length);
        byte[] previous = requestAuthenticator;
        final MessageDigest md5 = md5();
        for (int block = 0; block < length; block += 16)
        {
            md5.update(secret);
            md5.update(previous, previous == requestAuthenticator ? 0 : block - 16, 16);
            final byte[] b = md5.digest();
            for (int i = 0; i < 16; i++)
            {
                out[block + i] ^= b[i];
            }
            previous = out;
        }
        return out;
    }

    /**
     * Decodes an answer to the request sent with {@code requestAuthenticator}, checking its Response Authenticator
     * and any Message-Authenticator it carries.
     *
     * @param requireMessageAuthenticator refuse answers without one (per server; off by default, see aaa.md)
     * @throws RadiusException when the datagram is malformed or not from a holder of the secret
     */
    public static RadiusPacket decodeResponse(final byte[] datagram, final int length,
        final byte[] requestAuthenticator, final byte[] secret, final boolean requireMessageAuthenticator)
        throws RadiusException
    {
        final RadiusPacket packet = decode(datagram, length);
        final MessageDigest md5 = md5();
        md5.update(datagram, 0, 4);
        md5.update(requestAuthenticator);
        md5.update(datagram, HEADER_LENGTH, packetLength(datagram) - HEADER_LENGTH);
        md5.update(secret);
        if (!MessageDigest.isEqual(md5.digest(), packet.authenticator))
        {
            throw new RadiusException("wrong Response Authenticator (forged, or another shared secret)");
        }
        final int macOffset = messageAuthenticatorOffset(datagram, packetLength(datagram));
        if (macOffset < 0)
        {
            if (requireMessageAuthenticator)
            {
                throw new RadiusException("no Message-Authenticator in the answer");
            }
            return packet;
        }
        final byte[] copy = Arrays.copyOf(datagram, packetLength(datagram));
        System.arraycopy(requestAuthenticator, 0, copy, 4, AUTHENTICATOR_LENGTH);
        Arrays.fill(copy, macOffset, macOffset + AUTHENTICATOR_LENGTH, (byte)0);
        if (!MessageDigest.isEqual(hmacMd5(secret, copy),
            Arrays.copyOfRange(datagram, macOffset, macOffset + AUTHENTICATOR_LENGTH)))
        {
            throw new RadiusException("wrong Message-Authenticator");
        }
        return packet;
    }

    /** Decodes a packet's structure (no authenticator check): header, length and attribute bounds. */
    public static RadiusPacket decode(final byte[] datagram, final int received) throws RadiusException
    {
        if (received < HEADER_LENGTH)
        {
            throw new RadiusException("short packet: " + received + " bytes");
        }
        final int length = packetLength(datagram);
        if (length < HEADER_LENGTH || length > MAX_LENGTH || length > received)
        {
            throw new RadiusException("bad length " + length + " in a datagram of " + received + " bytes");
        }
        final List<Attribute> attributes = new ArrayList<>();
        int at = HEADER_LENGTH;
        while (at < length)
        {
            if (at + 2 > length)
            {
                throw new RadiusException("truncated attribute header");
            }
            final int type = datagram[at] & 0xff;
            final int attributeLength = datagram[at + 1] & 0xff;
            if (type == 0 || attributeLength < 2 || at + attributeLength > length)
            {
                throw new RadiusException("bad attribute " + type + " of length " + attributeLength);
            }
            attributes.add(new Attribute(type, Arrays.copyOfRange(datagram, at + 2, at + attributeLength)));
            at += attributeLength;
        }
        return new RadiusPacket(datagram[0] & 0xff, datagram[1] & 0xff,
            Arrays.copyOfRange(datagram, 4, HEADER_LENGTH), attributes);
    }

    private static int packetLength(final byte[] datagram)
    {
        return (datagram[2] & 0xff) << 8 | datagram[3] & 0xff;
    }

    private static int messageAuthenticatorOffset(final byte[] datagram, final int length)
    {
        int at = HEADER_LENGTH;
        while (at + 2 <= length)
        {
            final int attributeLength = datagram[at + 1] & 0xff;
            if ((datagram[at] & 0xff) == MESSAGE_AUTHENTICATOR && attributeLength == 2 + AUTHENTICATOR_LENGTH)
            {
                return at + 2;
            }
            at += attributeLength;
        }
        return -1;
    }

    static byte[] encode(final int code, final int identifier, final byte[] authenticator,
        final List<Attribute> attributes)
    {
        int length = HEADER_LENGTH;
        for (final Attribute attribute : attributes)
        {
            length += 2 + attribute.value().length;
        }
        if (length > MAX_LENGTH)
        {
            throw new IllegalArgumentException("packet of " + length + " bytes");
        }
        final byte[] packet = new byte[length];
        packet[0] = (byte)code;
        packet[1] = (byte)identifier;
        packet[2] = (byte)(length >>> 8);
        packet[3] = (byte)length;
        System.arraycopy(authenticator, 0, packet, 4, AUTHENTICATOR_LENGTH);
        int at = HEADER_LENGTH;
        for (final Attribute attribute : attributes)
        {
            packet[at] = (byte)attribute.type();
            packet[at + 1] = (byte)(2 + attribute.value().length);
            System.arraycopy(attribute.value(), 0, packet, at + 2, attribute.value().length);
            at += 2 + attribute.value().length;
        }
        return packet;
    }

    /** MD5 over {@code packet} then {@code secret}: the authenticators of RFC 2866 §3 and RFC 5176 §2.3. */
    static byte[] md5(final byte[] packet, final byte[] secret)
    {
        final MessageDigest md5 = md5();
        md5.update(packet);
        md5.update(secret);
        return md5.digest();
    }

    private static MessageDigest md5()
    {
        try
        {
            return MessageDigest.getInstance("MD5");
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("MD5 is missing from the JDK", ex);
        }
    }

    static byte[] hmacMd5(final byte[] secret, final byte[] data)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacMD5"));
            return mac.doFinal(data);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacMD5 is missing from the JDK", ex);
        }
    }
}
