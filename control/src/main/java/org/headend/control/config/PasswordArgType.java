package org.headend.control.config;

import org.headend.control.config.grammar.ArgType;

/** The stored form of a password, {@code $sha512$…}, as {@code show running-config} prints it and accepts it back. */
final class PasswordArgType implements ArgType<PasswordHash>
{
    static final PasswordArgType HASH = new PasswordArgType();

    private PasswordArgType()
    {
    }

    @Override
    public PasswordHash parse(final String token)
    {
        return PasswordHash.parse(token);
    }

    @Override
    public String format(final PasswordHash value)
    {
        return value.stored();
    }

    @Override
    public String syntax()
    {
        return "$sha512$...";
    }
}
