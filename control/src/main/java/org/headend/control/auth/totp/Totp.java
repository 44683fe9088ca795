package org.headend.control.auth.totp;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238) as authenticator apps and {@code openconnect --token-mode=totp} make
 * them: HMAC-SHA-1 (RFC 4226 dynamic truncation), 30-second steps counted from the Unix epoch, 6 digits.
 */
public final class Totp
{
    public static final int STEP_SECONDS = 30;
    public static final int DIGITS = 6;
    /** Steps either side of now a code may come from: one, for clocks a little apart and slow typing. */
    public static final int WINDOW = 1;
    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private Totp()
    {
    }

    /** The time step of {@code epochMillis}. */
    public static long step(final long epochMillis)
    {
        return Math.floorDiv(epochMillis, STEP_SECONDS * 1000L);
    }

    /** The code of {@code step} with {@code digits} digits (RFC 4226 §5.3), using {@code algorithm} (e.g. HmacSHA1). */
    public static int code(final byte[] secret, final long step, final int digits, final String algorithm)
    {
        try
        {
            final Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret, "RAW"));
            final byte[] hash = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
            final int offset = hash[hash.length - 1] & 0x0f;
            final int binary = (hash[offset] & 0x7f) << 24 | (hash[offset + 1] & 0xff) << 16
                | (hash[offset + 2] & 0xff) << 8 | hash[offset + 3] & 0xff;
            return binary % POWERS[digits];
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(algorithm + " is missing from the JDK", ex);
        }
    }

    /** The 6-digit HMAC-SHA-1 code of {@code step}, zero-padded as it is typed. */
    public static String code(final byte[] secret, final long step)
    {
        final String digits = Integer.toString(code(secret, step, DIGITS, "HmacSHA1"));
        return "0".repeat(DIGITS - digits.length()) + digits;
    }

    /**
     * The step within {@link #WINDOW} of {@code epochMillis} whose code {@code typed} is, taking only steps after
     * {@code lastUsedStep} (a code once accepted is never accepted again, RFC 6238 §5.2). Every candidate is
     * compared, in constant time, so the answer's timing does not tell which step matched.
     *
     * @return the matching step, or -1
     */
    public static long verify(final byte[] secret, final String typed, final long epochMillis, final long lastUsedStep)
    {
        if (typed == null || typed.length() != DIGITS || !typed.chars().allMatch(c -> c >= '0' && c <= '9'))
        {
            return -1;
        }
        final byte[] given = typed.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final long now = step(epochMillis);
        long matched = -1;
        for (long step = now - WINDOW; step <= now + WINDOW; step++)
        {
            final boolean equal = MessageDigest.isEqual(given,
                code(secret, step).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            if (equal && step > lastUsedStep && matched < 0)
            {
                matched = step;
            }
        }
        return matched;
    }

    /**
     * The {@code otpauth://totp/} URI authenticator apps enrol from (usually as a QR code): the label
     * {@code ISSUER:USER}, the secret, and this class's parameters spelled out.
     */
    public static String otpauthUri(final String issuer, final String username, final String base32Secret)
    {
        return "otpauth://totp/" + uriEncode(issuer) + ":" + uriEncode(username) + "?secret=" + base32Secret
            + "&issuer=" + uriEncode(issuer) + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP_SECONDS;
    }

    private static String uriEncode(final String text)
    {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
