package org.headend.control.cli;

/** Lets tests of other packages reach the masking of {@code show running-config}. */
public final class AaaServerCommandsAccess
{
    private AaaServerCommandsAccess()
    {
    }

    public static String mask(final String config)
    {
        return AaaServerCommands.maskKeys(config);
    }
}
