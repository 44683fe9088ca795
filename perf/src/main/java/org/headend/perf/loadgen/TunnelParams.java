package org.headend.perf.loadgen;

import java.util.HexFormat;

/**
 * What a CONNECT answer gave the tunnel, checked the way openconnect 9 checks it (docs/protocol/tunnel-and-dtls.md
 * §3.1–§3.4): the exact {@code "HTTP/1.1 200 "} prefix, case-sensitive {@code X-CSTP-}/{@code X-DTLS-} names, an
 * MTU and an address or the CONNECT is aborted, and DTLS only with a port, an App-ID or Session-ID, and exactly one
 * cipher suite header. Each refusal is a named {@link Violation}.
 *
 * @param dtlsPort 0 when the answer does not allow DTLS
 * @param appId    the PSK-NEGOTIATE App-ID bytes, or null
 */
record TunnelParams(int mtu, int baseMtu, String address, String netmask, String address6, int cstpDpd,
    int cstpKeepalive, int dtlsPort, byte[] appId, String dtlsCipher, int dtlsDpd, int dtlsKeepalive,
    String dtlsOffNote)
{
    /** Whether the answer allows a PSK-NEGOTIATE DTLS channel (the only DTLS mode the generator speaks). */
    boolean pskDtls()
    {
        return dtlsPort > 0 && appId != null && "PSK-NEGOTIATE".equals(dtlsCipher);
    }

    /**
     * @throws Violation {@code cookie_rejected} (401), {@code connect_unavailable} (503), {@code connect_bad_status},
     *                   {@code no_mtu}, {@code no_address}, {@code bad_session_id}, {@code bad_app_id},
     *                   {@code bad_content_encoding}, {@code bad_number}
     */
    static TunnelParams of(final HttpResponse answer) throws Violation
    {
        if (answer.status() == 401)
        {
            throw new Violation("cookie_rejected", answer.statusLine());
        }
        if (answer.status() == 503)
        {
            throw new Violation("connect_unavailable", String.valueOf(answer.header("X-Reason")));
        }
        if (!answer.statusLine().startsWith("HTTP/1.1 200 "))
        {
            throw new Violation("connect_bad_status", answer.statusLine());
        }
        int cstpMtu = 0;
        int dtlsMtu = 0;
        int baseMtu = 0;
        String address = null;
        String netmask = null;
        String address6 = null;
        int cstpDpd = 0;
        int cstpKeepalive = 0;
        int dtlsPort = 0;
        byte[] appId = null;
        boolean sessionId = false;
        String cipher = null;
        int cipherHeaders = 0;
        int dtlsDpd = 0;
        int dtlsKeepalive = 0;
        for (final HttpResponse.Header h : answer.headers())
        {
            final String name = h.name();
            final String v = h.value();
            if (name.startsWith("X-CSTP-"))
            {
                switch (name.substring(7))
                {
                    case "MTU" -> cstpMtu = number(name, v);
                    case "Base-MTU" -> baseMtu = number(name, v);
                    case "Address" ->
                    {
                        if (v.contains(":"))
                        {
                            address6 = v;
                        }
                        else
                        {
                            address = v;
                        }
                    }
                    case "Address-IP6" -> address6 = v;
                    case "Netmask" ->
                    {
                        if (v.contains(":"))
                        {
                            address6 = address6 == null ? v : address6;
                        }
                        else
                        {
                            netmask = v;
                        }
                    }
                    case "DPD" -> cstpDpd = cstpDpd == 0 ? number(name, v) : cstpDpd;
                    case "Keepalive" -> cstpKeepalive = number(name, v);
                    case "Content-Encoding" ->
                    {
                        if (!v.equals("deflate") && !v.equals("lzs") && !v.equals("oc-lz4"))
                        {
                            throw new Violation("bad_content_encoding", name + ": " + v);
                        }
                        throw new Violation("unrequested_compression", name + ": " + v);
                    }
                    default ->
                    {
                    }
                }
            }
            else if (name.startsWith("X-DTLS-") || name.startsWith("X-DTLS12-"))
            {
                final String option = name.substring(name.indexOf('-', 2) + 1);
                switch (option)
                {
                    case "Port" -> dtlsPort = number(name, v);
                    case "MTU" -> dtlsMtu = number(name, v);
                    case "Session-ID" ->
                    {
                        if (v.length() != 64 || !hex(v))
                        {
                            throw new Violation("bad_session_id", v.length() + " characters");
                        }
                        sessionId = true;
                    }
                    case "App-ID" ->
                    {
                        if (v.length() % 2 != 0 || v.length() > 64 || v.isEmpty() || !hex(v))
                        {
                            throw new Violation("bad_app_id", v.length() + " characters");
                        }
                        appId = HexFormat.of().parseHex(v);
                    }
                    case "CipherSuite" ->
                    {
                        cipher = v;
                        cipherHeaders++;
                    }
                    case "DPD" -> dtlsDpd = number(name, v);
                    case "Keepalive" -> dtlsKeepalive = number(name, v);
                    case "Content-Encoding" ->
                    {
                        if (!v.equals("lzs") && !v.equals("oc-lz4"))
                        {
                            throw new Violation("bad_content_encoding", name + ": " + v);
                        }
                        throw new Violation("unrequested_compression", name + ": " + v);
                    }
                    default ->
                    {
                    }
                }
            }
        }
        final int mtu = Math.max(cstpMtu, dtlsMtu);
        if (mtu <= 0)
        {
            throw new Violation("no_mtu", "neither X-CSTP-MTU nor X-DTLS-MTU");
        }
        if (address == null && address6 == null)
        {
            throw new Violation("no_address", "no X-CSTP-Address, -Address-IP6 or IPv6 netmask");
        }
        String note = null;
        if (dtlsPort == 0)
        {
            note = "no X-DTLS-Port";
        }
        else if (appId == null && !sessionId)
        {
            note = "neither X-DTLS-Session-ID nor X-DTLS-App-ID";
        }
        else if (cipherHeaders != 1)
        {
            note = cipherHeaders == 0 ? "no DTLS cipher option" : "more than one DTLS cipher option";
        }
        if (note != null)
        {
            return new TunnelParams(mtu, baseMtu, address, netmask, address6, cstpDpd, cstpKeepalive, 0, null, null,
                0, 0, note);
        }
        return new TunnelParams(mtu, baseMtu, address, netmask, address6, cstpDpd, cstpKeepalive, dtlsPort, appId,
            cipher, dtlsDpd, dtlsKeepalive, null);
    }

    private static int number(final String name, final String value) throws Violation
    {
        try
        {
            final int n = Integer.parseInt(value.strip());
            if (n < 0)
            {
                throw new Violation("bad_number", name + ": " + value);
            }
            return n;
        }
        catch (final NumberFormatException ex)
        {
            throw new Violation("bad_number", name + ": " + value);
        }
    }

    private static boolean hex(final String s)
    {
        for (int i = 0; i < s.length(); i++)
        {
            if (Character.digit(s.charAt(i), 16) < 0)
            {
                return false;
            }
        }
        return true;
    }
}
