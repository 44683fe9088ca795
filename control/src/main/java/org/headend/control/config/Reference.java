package org.headend.control.config;

import org.headend.control.config.grammar.ArgType;
import org.headend.control.config.grammar.ArgTypes;

/**
 * A name argument that must name an existing object of {@code kind}. Checked when the configuration is compiled,
 * so a file may name an object before defining it; deleting a referenced object is refused.
 *
 * @param kind what the name refers to
 */
record Reference(RefKind kind) implements ArgType<String>
{
    @Override
    public String parse(final String token)
    {
        return ArgTypes.NAME.parse(token);
    }

    @Override
    public String format(final String value)
    {
        return value;
    }

    @Override
    public String syntax()
    {
        return "WORD";
    }
}
