package org.headend.control.config;

import org.headend.control.auth.totp.Base32;
import org.headend.control.config.grammar.ArgType;

/**
 * A {@code totp-secret}: base32 as authenticator apps show it (either case, optional padding), at least 128 bits
 * (RFC 4226 §4) and at most 512, kept and printed in canonical upper case without padding. Error messages never
 * repeat the secret.
 */
final class TotpSecretArgType implements ArgType<String>
{
    static final TotpSecretArgType INSTANCE = new TotpSecretArgType();
    private static final int MIN_BITS = 128;
    private static final int MAX_BITS = 512;

    private TotpSecretArgType()
    {
    }

    @Override
    public String parse(final String token)
    {
        if (token.length() > 128)
        {
            throw new IllegalArgumentException("the TOTP secret is longer than " + MAX_BITS + " bits");
        }
        final String canonical;
        try
        {
            canonical = Base32.canonical(token);
            Base32.decode(canonical);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("the TOTP secret is " + ex.getMessage());
        }
        final int bits = canonical.length() * 5 / 8 * 8;
        if (bits < MIN_BITS || bits > MAX_BITS)
        {
            throw new IllegalArgumentException("the TOTP secret must hold " + MIN_BITS + " to " + MAX_BITS
                + " bits (" + (MIN_BITS + 4) / 5 + " to " + MAX_BITS / 5 + " base32 characters)");
        }
        return canonical;
    }

    @Override
    public String format(final String value)
    {
        return value;
    }

    @Override
    public String syntax()
    {
        return "BASE32";
    }
}
