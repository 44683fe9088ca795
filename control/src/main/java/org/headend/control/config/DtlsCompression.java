package org.headend.control.config;

/** {@code anyconnect dtls compression lzs|none}: compression of the DTLS tunnel. */
public enum DtlsCompression
{
    LZS,
    NONE;

    /** The keyword as typed and shown. */
    public String keyword()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static DtlsCompression ofKeyword(final String keyword)
    {
        return valueOf(keyword.toUpperCase(java.util.Locale.ROOT));
    }
}
