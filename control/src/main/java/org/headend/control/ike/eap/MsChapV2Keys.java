package org.headend.control.ike.eap;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import org.headend.control.auth.radius.MsChapV2;

/**
 * The MS-CHAPv2 master keys (RFC 3079 §3.3–3.4) and the EAP-MSCHAPv2 MSK IKEv2 keys its AUTH payloads with:
 * the server's MasterReceiveKey (the client's send key, Magic2) ‖ the server's MasterSendKey (Magic3), then 32
 * zero bytes: the layout strongSwan and Windows use, checked against strongSwan in IkeInteropIT.
 */
public final class MsChapV2Keys
{
    private static final byte[] MAGIC1 = "This is the MPPE Master Key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAGIC2 = ("On the client side, this is the send key; on the server side, it is the "
        + "receive key.").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAGIC3 = ("On the client side, this is the receive key; on the server side, it is "
        + "the send key.").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PAD1 = new byte[40];
    private static final byte[] PAD2 = filled(40, 0xf2);

    private MsChapV2Keys()
    {
    }

    /** GetMasterKey: the first 16 bytes of SHA-1(MD4(password hash) | NT-Response | Magic1). */
    public static byte[] masterKey(final byte[] passwordHash, final byte[] ntResponse)
    {
        final MessageDigest sha1 = sha1();
        sha1.update(MsChapV2.md4(passwordHash));
        sha1.update(ntResponse);
        sha1.update(MAGIC1);
        return Arrays.copyOf(sha1.digest(), 16);
    }

    /** GetAsymmetricStartKey for the client's send direction (Magic2) or receive direction (Magic3). */
    public static byte[] clientKey(final byte[] masterKey, final boolean send)
    {
        final MessageDigest sha1 = sha1();
        sha1.update(masterKey);
        sha1.update(PAD1);
        sha1.update(send ? MAGIC2 : MAGIC3);
        sha1.update(PAD2);
        return Arrays.copyOf(sha1.digest(), 16);
    }

    /** The 64-byte MSK. */
    public static byte[] msk(final byte[] passwordHash, final byte[] ntResponse)
    {
        final byte[] master = masterKey(passwordHash, ntResponse);
        final byte[] msk = new byte[64];
        System.arraycopy(clientKey(master, true), 0, msk, 0, 16);
        System.arraycopy(clientKey(master, false), 0, msk, 16, 16);
        return msk;
    }

    private static byte[] filled(final int length, final int value)
    {
        final byte[] out = new byte[length];
        Arrays.fill(out, (byte)value);
        return out;
    }

    private static MessageDigest sha1()
    {
        try
        {
            return MessageDigest.getInstance("SHA-1");
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("SHA-1 is missing from the JDK", ex);
        }
    }
}
