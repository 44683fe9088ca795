package org.headend.control.config;

/** {@code anyconnect ssl compression deflate|none}: compression of the TLS (CSTP) tunnel. */
public enum SslCompression
{
    DEFLATE,
    NONE;

    /** The keyword as typed and shown. */
    public String keyword()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static SslCompression ofKeyword(final String keyword)
    {
        return valueOf(keyword.toUpperCase(java.util.Locale.ROOT));
    }
}
