package org.headend.control.auth.totp;

import java.util.Locale;

/**
 * RFC 4648 §6 base32, the alphabet authenticator apps and {@code otpauth://} URIs carry secrets in. Decoding takes
 * either case and optional {@code =} padding; encoding writes upper case without padding, the form those URIs use.
 */
public final class Base32
{
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private Base32()
    {
    }

    /**
     * The bytes {@code text} encodes.
     *
     * @throws IllegalArgumentException for a character outside the alphabet or leftover bits that are not zero
     */
    public static byte[] decode(final String text)
    {
        final String digits = canonical(text);
        final byte[] out = new byte[digits.length() * 5 / 8];
        long buffer = 0;
        int bits = 0;
        int at = 0;
        for (int i = 0; i < digits.length(); i++)
        {
            buffer = buffer << 5 | ALPHABET.indexOf(digits.charAt(i));
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                out[at++] = (byte)(buffer >>> bits);
            }
        }
        if ((buffer & (1L << bits) - 1) != 0)
        {
            throw new IllegalArgumentException("base32 text ends in stray bits");
        }
        return out;
    }

    /** {@code data} in upper-case base32 without padding. */
    public static String encode(final byte[] data)
    {
        final StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (final byte b : data)
        {
            buffer = buffer << 8 | b & 0xff;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                out.append(ALPHABET.charAt(buffer >>> bits & 31));
            }
        }
        if (bits > 0)
        {
            out.append(ALPHABET.charAt(buffer << 5 - bits & 31));
        }
        return out.toString();
    }

    /**
     * {@code text} upper-cased without its padding.
     *
     * @throws IllegalArgumentException when it holds anything but base32 digits followed by padding
     */
    public static String canonical(final String text)
    {
        final String upper = text.toUpperCase(Locale.ROOT);
        int end = upper.length();
        while (end > 0 && upper.charAt(end - 1) == '=')
        {
            end--;
        }
        for (int i = 0; i < end; i++)
        {
            if (ALPHABET.indexOf(upper.charAt(i)) < 0)
            {
                throw new IllegalArgumentException("not base32: only the letters A-Z and the digits 2-7");
            }
        }
        return upper.substring(0, end);
    }
}
