package org.headend.control.tunnel;

import java.util.Locale;
import java.util.regex.Pattern;
import org.headend.control.config.DtlsCompression;
import org.headend.control.config.SslCompression;
import org.headend.dataplane.api.CompressionMethod;

/**
 * Which compression each channel of a new tunnel gets (docs/protocol/tunnel-and-dtls.md §6.1): the one method the
 * session's policy names for that channel, if the global {@code compression svc} allows tunnel compression at all
 * and the client listed the method in that channel's {@code Accept-Encoding}; otherwise none. The answer names a
 * method only when the client offered it, since openconnect aborts on one it did not ask for.
 */
final class CompressionChoice
{
    /** An HTTP quality parameter of zero: "not acceptable". */
    private static final Pattern REFUSED = Pattern.compile("q\\s*=\\s*0(\\.0{0,3})?");

    private CompressionChoice()
    {
    }

    /** The CSTP method, from {@code anyconnect ssl compression} and {@code X-CSTP-Accept-Encoding}. */
    static CompressionMethod cstp(final boolean compressionSvc, final SslCompression policy,
        final String acceptEncoding)
    {
        final CompressionMethod wanted = switch (policy)
        {
            case DEFLATE -> CompressionMethod.DEFLATE;
            case LZS -> CompressionMethod.LZS;
            case NONE -> CompressionMethod.NONE;
        };
        return compressionSvc && offered(acceptEncoding, wanted) ? wanted : CompressionMethod.NONE;
    }

    /** The DTLS method, from {@code anyconnect dtls compression} and {@code X-DTLS-Accept-Encoding}. */
    static CompressionMethod dtls(final boolean compressionSvc, final DtlsCompression policy,
        final String acceptEncoding)
    {
        final CompressionMethod wanted = policy == DtlsCompression.LZS ? CompressionMethod.LZS : CompressionMethod.NONE;
        return compressionSvc && offered(acceptEncoding, wanted) ? wanted : CompressionMethod.NONE;
    }

    /**
     * Whether the comma list names {@code method}: blanks trimmed, case ignored, parameters dropped except a zero
     * quality (old clients sent {@code deflate;q=1.0}).
     */
    static boolean offered(final String acceptEncoding, final CompressionMethod method)
    {
        if (acceptEncoding == null || method == CompressionMethod.NONE)
        {
            return false;
        }
        for (final String item : acceptEncoding.split(","))
        {
            // limit -1: an item of only ";" splits into empty strings, not into no element at all
            final String[] parts = item.split(";", -1);
            if (parts[0].trim().toLowerCase(Locale.ROOT).equals(method.token()) && !refused(parts))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean refused(final String[] parts)
    {
        for (int i = 1; i < parts.length; i++)
        {
            if (REFUSED.matcher(parts[i].trim().toLowerCase(Locale.ROOT)).matches())
            {
                return true;
            }
        }
        return false;
    }
}
