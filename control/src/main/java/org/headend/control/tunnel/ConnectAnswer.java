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

    /**
     * The tunnel MTU (docs/protocol/tunnel-and-dtls.md §7.2): the link MTU, lowered to the client's
     * {@code X-CSTP-Base-MTU} when that is a sane number, minus the overhead a DTLS AES-GCM record would add on
     * IPv4, capped by the group-policy's {@code anyconnect mtu}. Client numbers are clamped, never trusted.
     *
     * @return {@code [linkMtu, tunnelMtu]}
     */
    public static int[] mtu(final int interfaceMtu, final String clientBaseMtu, final int policyMtu)
    {
        int link = interfaceMtu;
        final int base = parseBounded(clientBaseMtu, 576, 65535);
        if (base > 0)
        {
            link = Math.min(link, base);
        }
        final int dtlsOverhead = 20 + 8 + 13 + 8 + 16 + 1;
        final int tunnel = Math.max(576, Math.min(policyMtu, link - dtlsOverhead));
        return new int[] {link, tunnel};
    }

    /** A decimal number within [min, max], or -1 for anything else (empty, signs, hex, overflow, text). */
    static int parseBounded(final String text, final int min, final int max)
    {
        if (text == null || text.isEmpty() || text.length() > 6 || !text.chars().allMatch(Character::isDigit))
        {
            return -1;
        }
        final int value = Integer.parseInt(text);
        return value < min || value > max ? -1 : value;
    }

    /** IPv4 addresses from the policy's {@code dns-server} list, in order. */
    static List<String> ipv4Only(final List<java.net.InetAddress> servers)
    {
        return servers.stream().filter(a -> a instanceof java.net.Inet4Address).map(java.net.InetAddress::getHostAddress)
            .toList();
    }
}
