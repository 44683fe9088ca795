package org.headend.perf.loadgen;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The requests openconnect 9 sends, byte for byte where it matters to a server (docs/protocol/auth-and-portal.md
 * §1.2, §2.2, §2.5; tunnel-and-dtls.md §2.2, §2.3): the aggregate-auth POSTs with their header set and XML bodies,
 * and the CONNECT with the {@code X-CSTP-*}/{@code X-DTLS-*} headers. The HPKE-only STRAP headers are left out, as a
 * build without HPKE does.
 */
final class OpenconnectRequests
{
    static final String USER_AGENT = "AnyConnect-compatible OpenConnect VPN Agent v9.21";
    static final String VERSION = "v9.21";
    /** openconnect offers PSK-NEGOTIATE first, then its resumption names and DTLS 1.0 suites. */
    static final String DTLS_CIPHERS =
        "PSK-NEGOTIATE:OC-DTLS1_2-AES256-GCM:OC-DTLS1_2-AES128-GCM:"
            + "DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA";
    static final String DTLS12_CIPHERS =
        "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-GCM-SHA256";
    /** Bytes openconnect subtracts from Base-MTU for the IPv4 tunnel MTU it asks for (IP, UDP, DTLS, slack). */
    static final int MTU_OVERHEAD_IPV4 = 82 + 8 + 20;

    private final String host;
    private final String userAgent;

    /** @param host the Host header value: {@code host} or {@code host:port} when the port is not 443 */
    OpenconnectRequests(final String host, final String userAgent)
    {
        this.host = host;
        this.userAgent = userAgent;
    }

    /** The {@code init} document; {@code groupSelect} only after a group choice (or --authgroup). */
    static String initBody(final String groupAccess, final String groupSelect)
    {
        final StringBuilder b = new StringBuilder(400);
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .append("<config-auth client=\"vpn\" type=\"init\" aggregate-auth-version=\"2\">");
        common(b);
        b.append("<group-access>").append(escape(groupAccess)).append("</group-access>");
        if (groupSelect != null)
        {
            b.append("<group-select>").append(escape(groupSelect)).append("</group-select>");
        }
        return b.append("</config-auth>\n").toString();
    }

    /**
     * The {@code auth-reply}: the server's opaque echoed as it came, each answered field as {@code <NAME>} under
     * {@code <auth>} (names already rewritten by the caller), and {@code <group-select>} under the root.
     */
    static String authReplyBody(final String opaque, final List<Map.Entry<String, String>> fields,
        final String groupSelect)
    {
        final StringBuilder b = new StringBuilder(600);
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .append("<config-auth client=\"vpn\" type=\"auth-reply\" aggregate-auth-version=\"2\">");
        common(b);
        if (opaque != null)
        {
            b.append(opaque);
        }
        b.append("<auth>");
        for (final Map.Entry<String, String> f : fields)
        {
            b.append('<').append(f.getKey()).append('>').append(escape(f.getValue())).append("</")
                .append(f.getKey()).append('>');
        }
        b.append("</auth>");
        if (groupSelect != null)
        {
            b.append("<group-select>").append(escape(groupSelect)).append("</group-select>");
        }
        return b.append("</config-auth>\n").toString();
    }

    private static void common(final StringBuilder b)
    {
        b.append("<version who=\"vpn\">").append(VERSION).append("</version>")
            .append("<device-id>linux-64</device-id>")
            .append("<capabilities><auth-method>single-sign-on-v2</auth-method></capabilities>");
    }

    /** An auth POST with openconnect's header set; {@code cookies} is the whole Cookie value or null. */
    byte[] authPost(final String path, final String cookies, final String body)
    {
        final byte[] content = body.getBytes(StandardCharsets.UTF_8);
        final StringBuilder h = new StringBuilder(512);
        h.append("POST ").append(path).append(" HTTP/1.1\r\n");
        h.append("Host: ").append(host).append("\r\n");
        h.append("User-Agent: ").append(userAgent).append("\r\n");
        if (cookies != null)
        {
            h.append("Cookie: ").append(cookies).append("\r\n");
        }
        h.append("Accept: */*\r\n");
        h.append("Accept-Encoding: identity\r\n");
        h.append("X-Transcend-Version: 1\r\n");
        h.append("X-Aggregate-Auth: 1\r\n");
        h.append("X-Support-HTTP-Auth: true\r\n");
        final String tail = "Content-Type: application/xml; charset=utf-8\r\nContent-Length: " + content.length
            + "\r\n\r\n";
        // X-Pad rounds the header block up to a multiple of 64 bytes, so its length says less about the cookies
        final int fixed = h.length() + "X-Pad: \r\n".length() + tail.length();
        final int pad = 64 - fixed % 64;
        h.append("X-Pad: ").append("0".repeat(pad < 8 ? pad + 64 : pad)).append("\r\n");
        h.append(tail);
        final byte[] head = h.toString().getBytes(StandardCharsets.UTF_8);
        final byte[] out = new byte[head.length + content.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(content, 0, out, head.length, content.length);
        return out;
    }

    /**
     * The CONNECT; {@code previousAddress} (on a reconnect) asks for the address the tunnel had, as openconnect does.
     *
     * @param masterSecretHex 96 upper-case hex digits, one value for the whole process as openconnect has
     * @param dtls            whether to offer DTLS at all (openconnect --no-dtls sends no X-DTLS-* headers)
     * No {@code X-CSTP-Accept-Encoding}/{@code X-DTLS-Accept-Encoding}: the generator runs as
     * {@code openconnect --compression=off}, so the server's compression cost is not part of a setup figure.
     */
    byte[] connect(final String cookie, final String hostname, final int baseMtu, final String masterSecretHex,
        final String previousAddress, final boolean dtls)
    {
        final StringBuilder h = new StringBuilder(1024);
        h.append("CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\n");
        h.append("Host: ").append(host).append("\r\n");
        h.append("User-Agent: ").append(userAgent).append("\r\n");
        h.append("Cookie: webvpn=").append(cookie).append("\r\n");
        h.append("X-CSTP-Version: 1\r\n");
        h.append("X-CSTP-Hostname: ").append(hostname).append("\r\n");
        h.append("X-CSTP-Protocol: Copyright (c) 2004 Cisco Systems, Inc.\r\n");
        if (previousAddress != null)
        {
            h.append("X-CSTP-Address: ").append(previousAddress).append("\r\n");
        }
        h.append("X-CSTP-Base-MTU: ").append(baseMtu).append("\r\n");
        h.append("X-CSTP-MTU: ").append(baseMtu - MTU_OVERHEAD_IPV4).append("\r\n");
        h.append("X-CSTP-Address-Type: IPv6,IPv4\r\n");
        h.append("X-CSTP-Full-IPv6-Capability: true\r\n");
        if (dtls)
        {
            h.append("X-DTLS-Master-Secret: ").append(masterSecretHex).append("\r\n");
            h.append("X-DTLS-CipherSuite: ").append(DTLS_CIPHERS).append("\r\n");
            h.append("X-DTLS12-CipherSuite: ").append(DTLS12_CIPHERS).append("\r\n");
        }
        h.append("\r\n");
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String escape(final String s)
    {
        final StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
