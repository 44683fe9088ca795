package org.headend.dataplane.compress;

/**
 * The negative results of the codecs, so that a bad packet costs a return code rather than an exception. A
 * compressor's {@link #OUTPUT_FULL} is ordinary (the packet does not shrink: send it plain); every other code means
 * the input was refused.
 */
public final class CodecStatus
{
    /** The output would not fit the capacity the caller gave. */
    public static final int OUTPUT_FULL = -1;
    /** The input is longer than the codec accepts. */
    public static final int INPUT_TOO_LONG = -2;
    /** The compressed input ended before its end marker (LZS) or before its checksum (deflate). */
    public static final int TRUNCATED = -3;
    /** An LZS match points before the start of the packet, or has offset 0. */
    public static final int BAD_OFFSET = -4;
    /** The decompressed packet would be longer than the output capacity or the 16 384-byte limit. */
    public static final int TOO_LONG = -5;
    /** zlib refused the deflate data. */
    public static final int BAD_STREAM = -6;
    /** The Adler-32 trailer differs from the checksum of what was inflated. */
    public static final int CHECKSUM_MISMATCH = -7;
    /** The deflate stream failed earlier, ended, or was closed: nothing more can be decoded from it. */
    public static final int STREAM_BROKEN = -8;

    private CodecStatus()
    {
    }

    /** Words for a log line or a close reason; not for the per-packet path. */
    public static String describe(final int status)
    {
        return switch (status)
        {
            case OUTPUT_FULL -> "output does not fit";
            case INPUT_TOO_LONG -> "input too long";
            case TRUNCATED -> "truncated";
            case BAD_OFFSET -> "match offset outside the packet";
            case TOO_LONG -> "decompressed packet too long";
            case BAD_STREAM -> "invalid deflate data";
            case CHECKSUM_MISMATCH -> "Adler-32 mismatch";
            case STREAM_BROKEN -> "deflate stream already broken";
            default -> status >= 0 ? "ok" : "code " + status;
        };
    }
}
