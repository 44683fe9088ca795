package org.headend.control.auth.radius;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 5176 dynamic authorization packets as the headend (the NAS) sees them: Disconnect- and CoA-Requests checked
 * for their Request Authenticator (RFC 5176 §2.3, computed as an Accounting-Request's) and for the
 * Message-Authenticator this headend always requires (RFC 5176 §3.3: computed with a zero Request Authenticator),
 * and the ACK and NAK answers with their Response Authenticator and a Message-Authenticator. Comparisons are
 * constant-time. Limits: a request is at most {@link RadiusPacket#MAX_LENGTH} bytes and has exactly one
 * Message-Authenticator; everything else is {@link RadiusPacket#decode}'s structure check.
 */
public final class DynamicAuthorizationPacket
{
    public static final int DISCONNECT_REQUEST = 40;
    public static final int DISCONNECT_ACK = 41;
    public static final int DISCONNECT_NAK = 42;
    public static final int COA_REQUEST = 43;
    public static final int COA_ACK = 44;
    public static final int COA_NAK = 45;

    public static final int FILTER_ID = 11;
    public static final int EVENT_TIMESTAMP = 55;
    public static final int ERROR_CAUSE = 101;

    /** RFC 5176 §3.6 Error-Cause values this headend sends. */
    public static final int UNSUPPORTED_ATTRIBUTE = 401;
    public static final int MISSING_ATTRIBUTE = 402;
    public static final int NAS_IDENTIFICATION_MISMATCH = 403;
    public static final int INVALID_REQUEST = 404;
    public static final int INVALID_ATTRIBUTE_VALUE = 407;
    public static final int SESSION_CONTEXT_NOT_FOUND = 503;
    public static final int RESOURCES_UNAVAILABLE = 506;

    private static final int AUTHENTICATOR_LENGTH = 16;

    private DynamicAuthorizationPacket()
    {
    }

    /**
     * Decodes a Disconnect- or CoA-Request from a holder of {@code secret}.
     *
     * @throws RadiusException when it is malformed, of another code, without a Message-Authenticator, or either
     *                         authenticator does not verify (forged, or another shared secret)
     */
    public static RadiusPacket decodeRequest(final byte[] datagram, final int received, final byte[] secret)
        throws RadiusException
    {
        final RadiusPacket packet = RadiusPacket.decode(datagram, received);
        if (packet.code() != DISCONNECT_REQUEST && packet.code() != COA_REQUEST)
        {
            throw new RadiusException("code " + packet.code() + " is not a Disconnect- or CoA-Request");
        }
        final int length = (datagram[2] & 0xff) << 8 | datagram[3] & 0xff;
        int macOffset = -1;
        int at = RadiusPacket.HEADER_LENGTH;
        for (final RadiusPacket.Attribute attribute : packet.attributes())
        {
            if (attribute.type() == RadiusPacket.MESSAGE_AUTHENTICATOR)
            {
                if (macOffset >= 0 || attribute.value().length != AUTHENTICATOR_LENGTH)
                {
                    throw new RadiusException("more than one Message-Authenticator, or one of a wrong length");
                }
                macOffset = at + 2;
            }
            at += 2 + attribute.value().length;
        }
        if (macOffset < 0)
        {
            throw new RadiusException("no Message-Authenticator (required: Blast-RADIUS, CVE-2024-3596)");
        }
        final byte[] copy = Arrays.copyOf(datagram, length);
        Arrays.fill(copy, 4, RadiusPacket.HEADER_LENGTH, (byte)0);
        if (!MessageDigest.isEqual(RadiusPacket.md5(copy, secret), packet.authenticator()))
        {
            throw new RadiusException("wrong Request Authenticator (forged, or another shared secret)");
        }
        Arrays.fill(copy, macOffset, macOffset + AUTHENTICATOR_LENGTH, (byte)0);
        if (!MessageDigest.isEqual(RadiusPacket.hmacMd5(secret, copy),
            Arrays.copyOfRange(datagram, macOffset, macOffset + AUTHENTICATOR_LENGTH)))
        {
            throw new RadiusException("wrong Message-Authenticator");
        }
        return packet;
    }

    /**
     * A Disconnect- or CoA-Request signed with {@code secret} (what a RADIUS server sends; the headend's tests and the
     * fuzz corpus build theirs with it).
     */
    public static byte[] request(final int code, final int identifier, final byte[] secret,
        final List<RadiusPacket.Attribute> attributes)
    {
        final List<RadiusPacket.Attribute> all = new ArrayList<>(attributes);
        all.add(new RadiusPacket.Attribute(RadiusPacket.MESSAGE_AUTHENTICATOR, new byte[AUTHENTICATOR_LENGTH]));
        final byte[] packet = RadiusPacket.encode(code, identifier, new byte[AUTHENTICATOR_LENGTH], all);
        final byte[] mac = RadiusPacket.hmacMd5(secret, packet);
        System.arraycopy(mac, 0, packet, packet.length - AUTHENTICATOR_LENGTH, AUTHENTICATOR_LENGTH);
        System.arraycopy(RadiusPacket.md5(packet, secret), 0, packet, 4, AUTHENTICATOR_LENGTH);
        return packet;
    }

    /**
     * The answer to {@code request}: its ACK, or its NAK with {@code errorCause} (0 for none), with a
     * Message-Authenticator and the Response Authenticator.
     */
    public static byte[] answer(final RadiusPacket request, final boolean ack, final int errorCause,
        final byte[] secret)
    {
        final int code = request.code() == DISCONNECT_REQUEST ? ack ? DISCONNECT_ACK : DISCONNECT_NAK
            : ack ? COA_ACK : COA_NAK;
        final List<RadiusPacket.Attribute> attributes = new ArrayList<>();
        if (errorCause != 0)
        {
            attributes.add(RadiusPacket.Attribute.integer(ERROR_CAUSE, errorCause));
        }
        attributes.add(new RadiusPacket.Attribute(RadiusPacket.MESSAGE_AUTHENTICATOR, new byte[AUTHENTICATOR_LENGTH]));
        final byte[] packet = RadiusPacket.encode(code, request.identifier(), request.authenticator(), attributes);
        final byte[] mac = RadiusPacket.hmacMd5(secret, packet);
        System.arraycopy(mac, 0, packet, packet.length - AUTHENTICATOR_LENGTH, AUTHENTICATOR_LENGTH);
        System.arraycopy(RadiusPacket.md5(packet, secret), 0, packet, 4, AUTHENTICATOR_LENGTH);
        return packet;
    }
}
