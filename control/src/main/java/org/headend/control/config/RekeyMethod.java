package org.headend.control.config;

/** {@code anyconnect ssl rekey method new-tunnel|ssl|none}: how the client renews its tunnel keys. */
public enum RekeyMethod
{
    NEW_TUNNEL,
    SSL,
    NONE;

    /** The keyword as typed and shown, e.g. {@code new-tunnel}. */
    public String keyword()
    {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    static RekeyMethod ofKeyword(final String keyword)
    {
        return valueOf(keyword.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
}
