package org.headend.control.tunnel;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The CONNECT answer's bytes (docs/protocol/tunnel-and-dtls.md §3): written raw, because openconnect compares header
 * names case-sensitively and wants exactly one space after the colon; the status line starts with
 * {@code HTTP/1.1 200 } as it requires.
 */
public final class ConnectAnswer
{
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,62}");

    private final StringBuilder head = new StringBuilder(1024).append("HTTP/1.1 200 CONNECTED\r\n");

    /** Appends {@code name: value}; values are cleaned of CR/LF so nothing can be injected. */
    public ConnectAnswer header(final String name, final Object value)
    {
        head.append(name).append(": ").append(String.valueOf(value).replaceAll("[\\r\\n]", "")).append("\r\n");
        return this;
    }

    /** The bytes to send: the header block and the empty line. */
    public byte[] bytes()
    {
        return (head + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The client's {@code X-CSTP-Hostname} if it is a plain host name, else null (then it is not echoed). */
    public static String acceptableHostname(final String hostname)
    {
        return hostname != null && HOSTNAME.matcher(hostname).matches() ? hostname : null;
    }

    /** The largest tunnel MTU: the inside interface's MTU, and the top of {@code anyconnect mtu}'s range. */
    public static final int MAX_TUNNEL_MTU = 1406;
    /** The smallest link that may carry IPv6 (RFC 8200 §5). */
    public static final int IPV6_MIN_MTU = 1280;
    /** What a DTLS 1.2 AES-GCM record adds to an inner packet, besides the outer IP header (§7.1). */
    private static final int DTLS_OVERHEAD = 8 + 13 + 8 + 16 + 1;

    /**
     * The tunnel MTU (docs/protocol/tunnel-and-dtls.md §7.2): the link MTU of the interface the client came in on,
     * lowered to the client's {@code X-CSTP-Base-MTU} when that is a sane number, minus what the outer IP header,
     * UDP and a DTLS AES-GCM record add, capped by {@code cap} (the group-policy's {@code anyconnect mtu}, or
     * {@link #MAX_TUNNEL_MTU}). Client numbers are clamped, never trusted.
     *
     * @param ipv6Outer whether the client reached the headend over IPv6 (a 40-byte outer header)
     * @return {@code [linkMtu, tunnelMtu]}
     */
    public static int[] mtu(final int interfaceMtu, final boolean ipv6Outer, final String clientBaseMtu,
        final int cap)
    {
        int link = interfaceMtu;
        final int base = parseBounded(clientBaseMtu, 576, 65535);
        if (base > 0)
        {
            link = Math.min(link, base);
        }
        final int overhead = (ipv6Outer ? 40 : 20) + DTLS_OVERHEAD;
        final int tunnel = Math.max(576, Math.min(Math.min(cap, MAX_TUNNEL_MTU), link - overhead));
        return new int[] {link, tunnel};
    }

    /** The network of {@code address}/{@code prefixLength}. */
    static java.net.Inet6Address network(final java.net.Inet6Address address, final int prefixLength)
    {
        final byte[] bytes = address.getAddress();
        for (int i = 0; i < 16; i++)
        {
            final int keep = Math.max(0, Math.min(8, prefixLength - 8 * i));
            bytes[i] &= (byte)(0xFF00 >>> keep);
        }
        try
        {
            return java.net.Inet6Address.getByAddress(null, bytes, -1);
        }
        catch (final java.net.UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * {@code text} for a header that openconnect percent-decodes ({@code X-CSTP-Banner}): UTF-8, with {@code %},
     * control characters (newlines included) and non-ASCII bytes written as {@code %XX}.
     */
    static String percentEncode(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length() + 16);
        for (final byte b : text.getBytes(StandardCharsets.UTF_8))
        {
            final int c = b & 0xFF;
            if (c < 0x20 || c >= 0x7F || c == '%')
            {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
            else
            {
                out.append((char)c);
            }
        }
        return out.toString();
    }

    /**
     * A decimal number within [min, max], or -1 for anything else (empty, signs, hex, overflow, text, and digits of
     * other scripts: {@link Character#isDigit} and {@link Integer#parseInt} take N'Ko or Arabic-Indic digits).
     */
    static int parseBounded(final String text, final int min, final int max)
    {
        if (text == null || text.isEmpty() || text.length() > 6 || !text.chars().allMatch(c -> c >= '0' && c <= '9'))
        {
            return -1;
        }
        final int value = Integer.parseInt(text);
        return value < min || value > max ? -1 : value;
    }
}
