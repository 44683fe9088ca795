package org.headend.control.auth.radius;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.headend.control.auth.AuthOutcome;

/**
 * EAP carried in RADIUS (RFC 3579): an EAP packet split into EAP-Message attributes of at most 253 bytes and joined
 * again from an answer, and the MSK an EAP method's Access-Accept carries in MS-MPPE-Recv-Key and MS-MPPE-Send-Key
 * (RFC 2548 §2.4.2–2.4.3), hidden with the shared secret and the request's authenticator.
 */
public final class RadiusEap
{
    public static final int EAP_MESSAGE = 79;
    /** RFC 2548: Microsoft's vendor id and its MPPE key attributes. */
    static final int MICROSOFT = 311;
    static final int MS_MPPE_SEND_KEY = 16;
    static final int MS_MPPE_RECV_KEY = 17;
    /** RFC 3748 §3.1: no EAP packet is longer than the EAP layer's MTU; RADIUS itself ends at 4096. */
    public static final int MAX_EAP = RadiusPacket.MAX_LENGTH;
    private static final int FRAGMENT = 253;
    private static final int SALT = 2;
    private static final int BLOCK = 16;

    /**
     * What the server answered one relayed EAP response with.
     *
     * @param outcome Accepted, Rejected or Challenged (a further EAP request); never Unavailable after
     *                {@link org.headend.control.auth.Logins}
     * @param eap     the EAP packet the server sent (joined from its EAP-Message attributes), or null
     * @param msk     MS-MPPE-Recv-Key ‖ MS-MPPE-Send-Key of an Access-Accept, or null when it carried none
     */
    public record Answer(AuthOutcome outcome, byte[] eap, byte[] msk)
    {
    }

    private RadiusEap()
    {
    }

    /** {@code eap} as consecutive EAP-Message attributes, each but the last full (RFC 3579 §3.1). */
    public static List<RadiusPacket.Attribute> split(final byte[] eap)
    {
        if (eap.length == 0 || eap.length > MAX_EAP)
        {
            throw new IllegalArgumentException("EAP packet of " + eap.length + " bytes");
        }
        final List<RadiusPacket.Attribute> out = new ArrayList<>();
        for (int at = 0; at < eap.length; at += FRAGMENT)
        {
            out.add(new RadiusPacket.Attribute(EAP_MESSAGE, Arrays.copyOfRange(eap, at,
                Math.min(eap.length, at + FRAGMENT))));
        }
        return out;
    }

    /**
     * The EAP packet of an answer: its EAP-Message attributes joined in order, or null when it has none.
     *
     * @throws RadiusException when the joined packet's own length field is not its length
     */
    public static byte[] join(final RadiusPacket answer) throws RadiusException
    {
        final ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (final RadiusPacket.Attribute attribute : answer.attributes())
        {
            if (attribute.type() == EAP_MESSAGE)
            {
                joined.writeBytes(attribute.value());
            }
        }
        if (joined.size() == 0)
        {
            return null;
        }
        final byte[] eap = joined.toByteArray();
        if (eap.length < 4 || ((eap[2] & 0xff) << 8 | eap[3] & 0xff) != eap.length)
        {
            throw new RadiusException("EAP-Message of " + eap.length + " bytes does not hold one EAP packet");
        }
        return eap;
    }

    /**
     * The MSK of an Access-Accept: the decrypted MS-MPPE-Recv-Key followed by MS-MPPE-Send-Key (the order RFC 3748
     * §7.10 and every NAS use: the server's receive key is the peer's send key), or null when it has neither.
     *
     * @param requestAuthenticator the authenticator of the Access-Request this accepts
     * @throws RadiusException when only one is present or either does not decrypt to a key
     */
    public static byte[] msk(final RadiusPacket accept, final byte[] secret, final byte[] requestAuthenticator)
        throws RadiusException
    {
        final byte[] recv = accept.vendor(MICROSOFT, MS_MPPE_RECV_KEY);
        final byte[] send = accept.vendor(MICROSOFT, MS_MPPE_SEND_KEY);
        if (recv == null && send == null)
        {
            return null;
        }
        if (recv == null || send == null)
        {
            throw new RadiusException("an MS-MPPE key without its pair");
        }
        final byte[] r = decryptKey(recv, secret, requestAuthenticator);
        final byte[] s = decryptKey(send, secret, requestAuthenticator);
        final byte[] msk = Arrays.copyOf(r, r.length + s.length);
        System.arraycopy(s, 0, msk, r.length, s.length);
        return msk;
    }

    /**
     * RFC 2548 §2.4.2: {@code value} is a 2-byte salt (high bit set) and the String (key length, key, padding to 16
     * bytes) XORed block by block with MD5(secret ‖ request authenticator ‖ salt), then MD5(secret ‖ previous
     * cipher block).
     *
     * @return the key
     * @throws RadiusException when the attribute has the wrong shape or its length byte exceeds what it holds
     */
    public static byte[] decryptKey(final byte[] value, final byte[] secret, final byte[] requestAuthenticator)
        throws RadiusException
    {
        final int cipherLength = value.length - SALT;
        if (cipherLength < BLOCK || cipherLength % BLOCK != 0 || (value[0] & 0x80) == 0)
        {
            throw new RadiusException("MS-MPPE key attribute of " + value.length + " bytes or without a salt");
        }
        final byte[] plain = new byte[cipherLength];
        final MessageDigest md5 = md5();
        for (int block = 0; block < cipherLength; block += BLOCK)
        {
            md5.update(secret);
            if (block == 0)
            {
                md5.update(requestAuthenticator);
                md5.update(value, 0, SALT);
            }
            else
            {
                md5.update(value, SALT + block - BLOCK, BLOCK);
            }
            final byte[] b = md5.digest();
            for (int i = 0; i < BLOCK; i++)
            {
                plain[block + i] = (byte)(value[SALT + block + i] ^ b[i]);
            }
        }
        final int keyLength = plain[0] & 0xff;
        if (keyLength == 0 || keyLength > cipherLength - 1)
        {
            throw new RadiusException("MS-MPPE key length " + keyLength + " does not fit its attribute "
                + "(another shared secret?)");
        }
        return Arrays.copyOfRange(plain, 1, 1 + keyLength);
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
}
