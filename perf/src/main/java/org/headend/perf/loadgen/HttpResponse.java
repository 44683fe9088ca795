package org.headend.perf.loadgen;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.1 answer as openconnect reads it: the status line kept verbatim (the CONNECT answer is checked against
 * the exact prefix {@code "HTTP/1.1 200 "}), header names kept in their case (openconnect compares
 * {@code X-CSTP-}/{@code X-DTLS-} names case-sensitively), and the body.
 */
record HttpResponse(String statusLine, int status, List<Header> headers, byte[] body)
{
    record Header(String name, String value)
    {
    }

    /** The first value of a header matched case-insensitively (ordinary HTTP headers), or null. */
    String header(final String name)
    {
        for (final Header h : headers)
        {
            if (h.name().equalsIgnoreCase(name))
            {
                return h.value();
            }
        }
        return null;
    }

    /** Every value of a header matched case-insensitively, in order. */
    List<String> all(final String name)
    {
        final List<String> values = new ArrayList<>();
        for (final Header h : headers)
        {
            if (h.name().equalsIgnoreCase(name))
            {
                values.add(h.value());
            }
        }
        return values;
    }

    String bodyText()
    {
        return new String(body, StandardCharsets.UTF_8);
    }

    boolean keepAlive()
    {
        final String connection = header("Connection");
        return connection == null || !connection.toLowerCase(Locale.ROOT).contains("close");
    }
}
