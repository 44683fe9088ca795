package org.headend.control.config;

import java.util.Locale;
import org.headend.control.config.grammar.ArgType;

/**
 * A user's NT hash ({@code nt-encrypted}): 16 bytes as 32 hex digits, kept lower case. It is a hash, never the
 * clear text; an error does not repeat it.
 */
final class NtHashArgType implements ArgType<String>
{
    static final NtHashArgType INSTANCE = new NtHashArgType();

    private NtHashArgType()
    {
    }

    @Override
    public String parse(final String token)
    {
        if (token.length() != 32 || !token.chars().allMatch(c -> Character.digit(c, 16) >= 0))
        {
            throw new IllegalArgumentException("an NT hash is 32 hex digits");
        }
        return token.toLowerCase(Locale.ROOT);
    }

    @Override
    public String format(final String value)
    {
        return value;
    }

    @Override
    public String syntax()
    {
        return "NT-HASH";
    }
}
