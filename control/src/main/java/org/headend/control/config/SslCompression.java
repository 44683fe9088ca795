package org.headend.control.config;

/**
 * {@code anyconnect ssl compression deflate|lzs|none}: compression of the TLS (CSTP) tunnel. {@code lzs} is this
 * appliance's extension (the ASA offers deflate only on TLS): openconnect and Cisco clients accept LZS on CSTP too,
 * and being stateless it costs the headend far less memory per tunnel than a deflate stream.
 */
public enum SslCompression
{
    DEFLATE,
    LZS,
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
