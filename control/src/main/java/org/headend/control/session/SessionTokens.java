package org.headend.control.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Session tokens (the {@code webvpn} cookie): ASA-shaped {@code HHHHHH@<session-id>@HHHH@<40 hex>}, 200 random bits
 * from a CSPRNG, only characters openconnect can carry through {@code --cookie} (no {@code =}, {@code ;} or blanks).
 * The headend keeps only a SHA-256 of each token, so a memory or log leak does not leak live cookies.
 */
public final class SessionTokens
{
    private static final Pattern WELL_FORMED = Pattern.compile("[0-9A-Fa-f@]{16,128}");
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final SecureRandom random = new SecureRandom();

    /** A fresh token for session {@code sessionId}. */
    public String newToken(final int sessionId)
    {
        final byte[] bytes = new byte[25];
        random.nextBytes(bytes);
        final String hex = HEX.formatHex(bytes);
        return hex.substring(0, 6) + "@" + sessionId + "@" + hex.substring(6, 10) + "@" + hex.substring(10);
    }

    /**
     * The key the session table stores for {@code token}, or null when the value cannot be a token of ours (wrong
     * length or alphabet), so that garbage never reaches a lookup.
     */
    public static String key(final String token)
    {
        if (token == null || !WELL_FORMED.matcher(token).matches())
        {
            return null;
        }
        try
        {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
