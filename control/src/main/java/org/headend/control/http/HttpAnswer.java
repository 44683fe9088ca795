package org.headend.control.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An HTTP answer built on the control thread and written by the connection's event loop.
 *
 * @param status  the status code
 * @param reason  the reason phrase
 * @param headers header lines in order; a name may repeat ({@code Set-Cookie})
 * @param body    the body, possibly empty
 * @param close   whether the connection closes after this answer
 */
public record HttpAnswer(int status, String reason, List<Map.Entry<String, String>> headers, byte[] body,
    boolean close)
{
    /** A 200 with an XML body, marked like an ASA's aggregate-auth answers. */
    public static HttpAnswer xml(final String xml, final List<Map.Entry<String, String>> extraHeaders)
    {
        final List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("Content-Type", "text/xml; charset=utf-8"));
        headers.add(Map.entry("Cache-Control", "no-store"));
        headers.add(Map.entry("X-Transcend-Version", "1"));
        headers.add(Map.entry("X-Aggregate-Auth", "1"));
        headers.addAll(extraHeaders);
        return new HttpAnswer(200, "OK", headers, xml.getBytes(StandardCharsets.UTF_8), false);
    }

    /** An answer with a short plain-text body; {@code close} ends the connection afterwards. */
    public static HttpAnswer text(final int status, final String reason, final String text, final boolean close)
    {
        return new HttpAnswer(status, reason, List.of(Map.entry("Content-Type", "text/plain; charset=utf-8")),
            text.getBytes(StandardCharsets.UTF_8), close);
    }

    /** An answer without a body. */
    public static HttpAnswer empty(final int status, final String reason, final boolean close)
    {
        return new HttpAnswer(status, reason, List.of(), new byte[0], close);
    }

    /** The same answer with one more header line. */
    public HttpAnswer withHeader(final String name, final String value)
    {
        final List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new HttpAnswer(status, reason, more, body, close);
    }
}
