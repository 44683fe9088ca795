package org.headend.dataplane.api;

/**
 * A tunnel channel's negotiated compression: what the CONNECT answer named in {@code X-CSTP-Content-Encoding} or
 * {@code X-DTLS-Content-Encoding}, or nothing.
 */
public enum CompressionMethod
{
    /** No answer header: type 8 frames are a protocol error on this channel. */
    NONE(""),
    /** ANSI X3.241 LZS, each packet on its own (CSTP and DTLS). */
    LZS("lzs"),
    /** Raw deflate, one stream per direction, Adler-32 trailer per packet (CSTP only). */
    DEFLATE("deflate");

    private final String token;

    CompressionMethod(final String token)
    {
        this.token = token;
    }

    /** The name in the {@code Accept-Encoding} and {@code Content-Encoding} headers; empty for {@link #NONE}. */
    public String token()
    {
        return token;
    }
}
