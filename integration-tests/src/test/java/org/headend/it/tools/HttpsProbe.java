package org.headend.it.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A scripted HTTPS client run inside a client namespace: speaks aggregate auth the way a Cisco client does (any
 * User-Agent and device-id) and fetches raw request paths, byte for byte, so traversal attempts reach the server as
 * written. One connection per request. Trusts any server certificate.
 *
 * <pre>HttpsProbe --host H --port P --script FILE</pre>
 *
 * Script lines: {@code ua TEXT}; {@code init DEVICE [GROUP]}; {@code login USER PASSWORD DEVICE [GROUP]} (two inits
 * when a group is given, then the reply; keeps the webvpn cookie); {@code get PATH} (with the cookie);
 * {@code getanon PATH}. For each step it prints {@code STEP N STATUS LENGTH SHA1} and {@code BODY N BASE64}, and
 * {@code TOKEN=…} after a login that completed.
 */
public final class HttpsProbe
{
    private final String host;
    private final int port;
    private final SSLContext tls;
    private String userAgent = "AnyConnect Windows 4.10.06079";
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private int step;

    private HttpsProbe(final String host, final int port) throws Exception
    {
        this.host = host;
        this.port = port;
        tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
    }

    public static void main(final String[] argv) throws Exception
    {
        final Args args = new Args(argv);
        final HttpsProbe probe = new HttpsProbe(args.require("host"), Integer.parseInt(args.get("port", "443")));
        for (final String line : Files.readAllLines(Path.of(args.require("script")), StandardCharsets.UTF_8))
        {
            if (!line.isBlank())
            {
                probe.run(line.strip());
            }
        }
        System.out.println("DONE");
    }

    private void run(final String line) throws IOException
    {
        final String[] words = line.split(" ");
        switch (words[0])
        {
            case "ua" -> userAgent = line.substring(3);
            case "init" -> report(post("/", init(words[1], words.length > 2 ? words[2] : null)));
            case "login" -> login(words[1], words[2], words[3], words.length > 4 ? words[4] : null);
            case "get" -> report(request("GET " + words[1], null, true));
            case "getanon" -> report(request("GET " + words[1], null, false));
            default -> throw new IllegalArgumentException("unknown step " + words[0]);
        }
    }

    private void login(final String user, final String password, final String device, final String group)
        throws IOException
    {
        Response form = post("/", init(device, null));
        if (group != null)
        {
            form = post("/", init(device, group));
        }
        final Matcher opaque = Pattern.compile("(?s)<opaque is-for=\"sg\">.*?</opaque>").matcher(form.text());
        final String reply = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<config-auth client=\"vpn\" type=\"auth-reply\" aggregate-auth-version=\"2\">"
            + "<version who=\"vpn\">4.10.06079</version><device-id>" + device + "</device-id>"
            + (opaque.find() ? opaque.group() : "")
            + "<auth><username>" + user + "</username><password>" + password + "</password></auth>"
            + (group == null ? "" : "<group-select>" + group + "</group-select>") + "</config-auth>";
        final Response done = post("/", reply);
        report(done);
        final Matcher token = Pattern.compile("<session-token>([^<]+)</session-token>").matcher(done.text());
        if (token.find())
        {
            System.out.println("TOKEN=" + token.group(1));
        }
    }

    private String init(final String device, final String group)
    {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<config-auth client=\"vpn\" type=\"init\" aggregate-auth-version=\"2\">"
            + "<version who=\"vpn\">4.10.06079</version><device-id>" + device + "</device-id>"
            + "<group-access>https://" + host + "/</group-access>"
            + (group == null ? "" : "<group-select>" + group + "</group-select>") + "</config-auth>";
    }

    private Response post(final String path, final String xml) throws IOException
    {
        return request("POST " + path, xml.getBytes(StandardCharsets.UTF_8), true);
    }

    private Response request(final String methodAndPath, final byte[] body, final boolean withCookies)
        throws IOException
    {
        try (SSLSocket socket = (SSLSocket)tls.getSocketFactory().createSocket())
        {
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(15_000);
            final StringBuilder head = new StringBuilder(methodAndPath).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("User-Agent: ").append(userAgent).append("\r\n")
                .append("X-Transcend-Version: 1\r\nX-Aggregate-Auth: 1\r\nConnection: close\r\n");
            if (withCookies && !cookies.isEmpty())
            {
                head.append("Cookie: ").append(String.join("; ", cookies.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toList())).append("\r\n");
            }
            if (body != null)
            {
                head.append("Content-Type: application/xml; charset=utf-8\r\nContent-Length: ").append(body.length)
                    .append("\r\n");
            }
            head.append("\r\n");
            final OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null)
            {
                out.write(body);
            }
            out.flush();
            return read(socket.getInputStream());
        }
    }

    private Response read(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && headBytes.size() < 65536)
        {
            headBytes.write(c);
            if (headBytes.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n"))
            {
                break;
            }
        }
        final String head = headBytes.toString(StandardCharsets.ISO_8859_1);
        if (head.isEmpty())
        {
            return new Response(0, new byte[0]);
        }
        final int status = Integer.parseInt(head.substring(9, 12));
        int length = -1;
        for (final String line : head.split("\r\n"))
        {
            final int colon = line.indexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            final String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            final String value = line.substring(colon + 1).trim();
            if (name.equals("content-length"))
            {
                length = Integer.parseInt(value);
            }
            if (name.equals("set-cookie"))
            {
                final String pair = value.split(";")[0];
                final int eq = pair.indexOf('=');
                if (eq > 0)
                {
                    if (pair.substring(eq + 1).isEmpty())
                    {
                        cookies.remove(pair.substring(0, eq));
                    }
                    else
                    {
                        cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
            }
        }
        final byte[] body = length >= 0 ? in.readNBytes(length) : in.readAllBytes();
        return new Response(status, body);
    }

    private void report(final Response response)
    {
        step++;
        System.out.println("STEP " + step + " " + response.status() + " " + response.body().length + " "
            + sha1(response.body()));
        System.out.println("BODY " + step + " " + Base64.getEncoder().encodeToString(response.body()));
    }

    private static String sha1(final byte[] bytes)
    {
        try
        {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        }
        catch (final java.security.NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private record Response(int status, byte[] body)
    {
        String text()
        {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final class TrustAll implements X509TrustManager
    {
        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType)
        {
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType)
        {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers()
        {
            return new X509Certificate[0];
        }
    }
}
