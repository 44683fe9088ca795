package org.headend.control.auth.radius;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.MD4Digest;

/**
 * MS-CHAPv2 (RFC 2759) as a RADIUS client carries it (RFC 2548): the NT-Response to the server's challenge, made
 * from the password the user typed, and the authenticator response the server must send back in
 * MS-CHAP2-Success to prove it knew the password too. MD4 comes from Bouncy Castle (the JDK has none), DES from
 * the JDK.
 */
public final class MsChapV2
{
    private static final byte[] MAGIC1 = ("Magic server to client signing constant").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAGIC2 = ("Pad to make it do more than one iteration").getBytes(StandardCharsets.US_ASCII);

    private MsChapV2()
    {
    }

    /** RFC 2759 §8.2: the first 8 bytes of SHA-1(peer challenge, authenticator challenge, user name). */
    static byte[] challengeHash(final byte[] peerChallenge, final byte[] authenticatorChallenge, final String username)
    {
        final MessageDigest sha1 = sha1();
        sha1.update(peerChallenge);
        sha1.update(authenticatorChallenge);
        sha1.update(username.getBytes(StandardCharsets.UTF_8));
        return java.util.Arrays.copyOf(sha1.digest(), 8);
    }

    /** RFC 2759 §8.3: MD4 of the password in UTF-16LE. */
    public static byte[] ntPasswordHash(final String password)
    {
        return md4(password.getBytes(StandardCharsets.UTF_16LE));
    }

    /** RFC 2759 §8.1: the 24-byte NT-Response. */
    public static byte[] ntResponse(final byte[] authenticatorChallenge, final byte[] peerChallenge,
        final String username, final String password)
    {
        return ntResponseFromHash(authenticatorChallenge, peerChallenge, username, ntPasswordHash(password));
    }

    /** The NT-Response from the password's MD4 hash, as a server that stores only the hash computes it. */
    public static byte[] ntResponseFromHash(final byte[] authenticatorChallenge, final byte[] peerChallenge,
        final String username, final byte[] passwordHash)
    {
        final byte[] challenge = challengeHash(peerChallenge, authenticatorChallenge, username);
        final byte[] key = java.util.Arrays.copyOf(passwordHash, 21);
        final byte[] out = new byte[24];
        for (int i = 0; i < 3; i++)
        {
            System.arraycopy(des(java.util.Arrays.copyOfRange(key, 7 * i, 7 * i + 7), challenge), 0, out, 8 * i, 8);
        }
        return out;
    }

    /** RFC 2759 §8.7: {@code S=} and 40 upper-case hex digits, what MS-CHAP2-Success must carry. */
    public static String authenticatorResponse(final String password, final byte[] ntResponse,
        final byte[] peerChallenge, final byte[] authenticatorChallenge, final String username)
    {
        return authenticatorResponseFromHash(ntPasswordHash(password), ntResponse, peerChallenge,
            authenticatorChallenge, username);
    }

    /** The authenticator response from the password's MD4 hash. */
    public static String authenticatorResponseFromHash(final byte[] passwordHash, final byte[] ntResponse,
        final byte[] peerChallenge, final byte[] authenticatorChallenge, final String username)
    {
        final MessageDigest sha1 = sha1();
        sha1.update(md4(passwordHash));
        sha1.update(ntResponse);
        sha1.update(MAGIC1);
        final byte[] digest = sha1.digest();
        sha1.update(digest);
        sha1.update(challengeHash(peerChallenge, authenticatorChallenge, username));
        sha1.update(MAGIC2);
        return "S=" + HexFormat.of().withUpperCase().formatHex(sha1.digest());
    }

    /** DES-ECB of one block with a 56-bit key spread over 8 bytes (parity bits left clear: DES ignores them). */
    private static byte[] des(final byte[] key7, final byte[] block)
    {
        final byte[] key = new byte[8];
        long bits = 0;
        for (final byte b : key7)
        {
            bits = bits << 8 | b & 0xff;
        }
        for (int i = 0; i < 8; i++)
        {
            key[i] = (byte)((bits >>> (49 - 7 * i) & 0x7f) << 1);
        }
        try
        {
            final Cipher cipher = Cipher.getInstance("DES/ECB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
            return cipher.doFinal(block);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("DES is missing from the JDK", ex);
        }
    }

    /** MD4, which the JDK lacks (RFC 3079 hashes the password hash again). */
    public static byte[] md4(final byte[] data)
    {
        final MD4Digest md4 = new MD4Digest();
        md4.update(data, 0, data.length);
        final byte[] out = new byte[md4.getDigestSize()];
        md4.doFinal(out, 0);
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
