package org.headend.control.http;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One client request, copied off the event loop for the control thread: method, decoded path, headers the headend
 * reads (names lower-cased), cookies and body.
 *
 * @param method  upper-case method
 * @param path    decoded path without the query
 * @param headers header name (lower case) to all its values
 * @param cookies cookie name to value (first wins)
 * @param body    the body, at most {@code AuthXml.MAX_BODY_BYTES}
 * @param query   the raw (still encoded) query string without {@code ?}; empty when there is none
 */
public record HttpRequestView(String method, String path, Map<String, List<String>> headers,
    Map<String, String> cookies, byte[] body, String query)
{
    /** A request without a query string. */
    public HttpRequestView(final String method, final String path, final Map<String, List<String>> headers,
        final Map<String, String> cookies, final byte[] body)
    {
        this(method, path, headers, cookies, body, "");
    }

    private static final int MAX_COOKIES = 32;

    /** The first value of header {@code name}, or null. */
    public String header(final String name)
    {
        final List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** All values of header {@code name}. */
    public List<String> headers(final String name)
    {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), Collections.emptyList());
    }

    /** Parses {@code Cookie:} header values; malformed pairs are skipped. */
    public static Map<String, String> parseCookies(final List<String> headerValues)
    {
        final Map<String, String> cookies = new HashMap<>();
        for (final String header : headerValues)
        {
            for (final String pair : header.split(";"))
            {
                final int eq = pair.indexOf('=');
                if (eq <= 0 || cookies.size() >= MAX_COOKIES)
                {
                    continue;
                }
                cookies.putIfAbsent(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
        }
        return cookies;
    }
}
