package org.headend.it.tools;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A misbehaving client for the malformed-input tests, run inside a client namespace. It trusts any server
 * certificate. Each mode sends one kind of bad input and reports, on stdout, what the server did:
 *
 * <pre>
 * OUTCOME=CLOSED        the server closed or reset the connection (or ended TLS with an alert)
 * OUTCOME=HTTP_nnn      the server answered with HTTP status nnn
 * OUTCOME=IN_SYNC       (cstp-*) the bad frame was dropped and a DPD request sent after it was still answered
 * OUTCOME=TIMEOUT       nothing happened within --timeout-seconds: the connection is stuck
 * OUTCOME=DESYNC        (cstp-*) the server sent bytes that are not a CSTP frame
 * OUTCOME=SETUP_FAILED  login or CONNECT did not work, so the bad frame was never sent (exit code 3)
 * OUTCOME=ANSWERED_n_THEN_CLOSED  (pipelined) n answers came before the server closed
 * OUTCOME=OPEN_n        (slowloris) the server kept n of the stalled connections open
 * </pre>
 *
 * Modes: garbage-tcp (random bytes instead of a TLS ClientHello), garbage-tls (random bytes instead of an HTTP
 * request), big-header (an HTTP request with a 1 MiB header), many-headers (200 header lines), control-in-uri (a NUL
 * in the path), pipelined (two GETs in one write), slowloris (150 connections that stall in the TLS handshake),
 * connect-version-99 (a CONNECT claiming CSTP version 99), xxe (an auth-reply whose DOCTYPE declares external
 * entities: a local file holding the user name, and a parameter entity on a URL this tool listens on; also prints
 * XXE_LOGIN=success|no and XXE_CALLBACK=yes|no and XXE_LEAK=yes|no), cstp-bad-magic and cstp-too-long (log in with
 * XML aggregate auth, CONNECT /CSCOSSLC/tunnel, check a DPD round trip, then send a frame with magic "STX" or a
 * DATA frame whose length is beyond the MTU). Floods, each for --seconds: idle-after-tls (--count TLS connections
 * that send nothing; OUTCOME=HELD_n kept open at the end), dribble (--count connections sending a GET one byte every
 * 500 ms; OUTCOME=CLOSED_n closed or answered by the end, DETAIL says when), dpd-flood-unread and dpd-flood-read
 * (a tunnel sending 2,000 DPD requests of 2 KiB a second, never reading the answers or reading them, and
 * CONNECTing again with its cookie when the server ends it; OUTCOME=CLOSED_n tunnels ended by the server),
 * stop-reading (a tunnel that never reads again while it sends echo requests to --target whose answers fill the
 * server's buffers, then a keepalive a second; OUTCOME=CLOSED_AFTER_n_RECONNECTED when the server ended the tunnel
 * n s after the first request and a CONNECT with the cookie then worked, OPEN if it was not ended within --seconds).
 *
 * <pre>BadClient --host H --port P --mode M [--user U --password W] [--mtu 1400] [--timeout-seconds 10]
 *           [--callback-address A]</pre>
 */
public final class BadClient
{
    private static final byte[] DPD_REQUEST = {0x53, 0x54, 0x46, 0x01, 0x00, 0x00, 0x03, 0x00};
    private static final int TYPE_DPD_RESP = 0x04;
    private static final String UA = "AnyConnect-compatible OpenConnect VPN Agent v9.01 (hdit-badclient)";

    private final String host;
    private final int port;
    private final int timeoutMs;
    private final SSLContext tls;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    /** The headers of the last CONNECT answer. */
    private String connectAnswer = "";

    private BadClient(final String host, final int port, final int timeoutMs) throws Exception
    {
        this.host = host;
        this.port = port;
        this.timeoutMs = timeoutMs;
        tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
    }

    public static void main(final String[] argv) throws Exception
    {
        final Args args = new Args(argv);
        final BadClient client = new BadClient(args.require("host"), Integer.parseInt(args.get("port", "443")),
            (int)args.getLong("timeout-seconds", 10) * 1000);
        final String mode = args.require("mode");
        final String user = args.get("user", "bob");
        final String password = args.get("password", "bob-secret");
        final int mtu = Integer.parseInt(args.get("mtu", "1400"));
        final int code = switch (mode)
        {
            case "garbage-tcp" -> client.garbageTcp();
            case "garbage-tls" -> client.garbageTls();
            case "big-header" -> client.bigHeader();
            case "many-headers" -> client.rawRequest(manyHeaders(), "after a GET with 200 header lines");
            case "control-in-uri" -> client.rawRequest("GET /a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n",
                "after a GET whose path holds a NUL byte");
            case "pipelined" -> client.pipelined();
            case "slowloris" -> client.slowloris(SLOWLORIS_CONNECTIONS);
            case "connect-version-99" -> client.connectVersion(user, password, "99");
            case "xxe" -> client.xxe(user, password, args.require("callback-address"));
            case "cstp-bad-magic" -> client.cstp(user, password, BadClientFrames.badMagic());
            case "cstp-too-long" -> client.cstp(user, password, BadClientFrames.tooLong(mtu));
            case "login" -> client.loginOnly(user, password);
            case "idle-after-tls" -> client.idleAfterTls(Integer.parseInt(args.get("count", "300")),
                Integer.parseInt(args.get("seconds", "10")));
            case "dribble" -> client.dribble(Integer.parseInt(args.get("count", "50")),
                Integer.parseInt(args.get("seconds", "20")));
            case "dpd-flood-unread" -> client.dpdFlood(user, password, Integer.parseInt(args.get("seconds", "10")),
                false);
            case "dpd-flood-read" -> client.dpdFlood(user, password, Integer.parseInt(args.get("seconds", "10")),
                true);
            case "stop-reading" -> client.stopReading(user, password, args.require("target"),
                Integer.parseInt(args.get("seconds", "90")));
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        };
        System.out.flush();
        System.exit(code);
    }

    // ---------------------------------------------------------------- modes

    private int garbageTcp() throws IOException
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            final byte[] junk = new byte[4096];
            new SecureRandom().nextBytes(junk);
            // not a TLS handshake record (0x16), not ASCII either
            junk[0] = 0x00;
            junk[1] = (byte)0xff;
            try
            {
                socket.getOutputStream().write(junk);
                socket.getOutputStream().flush();
            }
            catch (final IOException ex)
            {
                return outcome("CLOSED", "write failed: " + ex);
            }
            return awaitClose(socket.getInputStream(), "after 4 KiB of random bytes");
        }
    }

    /** Logs in, then sends a CONNECT that claims another CSTP version, and reports the answer. */
    private int connectVersion(final String user, final String password, final String version) throws IOException
    {
        final String token = login(user, password);
        if (token == null)
        {
            return outcome("SETUP_FAILED", "login as " + user + " failed");
        }
        return rawRequest("CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + UA
            + "\r\nCookie: webvpn=" + token + "\r\nX-CSTP-Version: " + version + "\r\n\r\n",
            "after a CONNECT with X-CSTP-Version " + version);
    }

    /** More connections than the headend lets one address hold before they become tunnels. */
    private static final int SLOWLORIS_CONNECTIONS = 150;

    /**
     * Opens many connections that each send one byte of a ClientHello and then nothing, holds them for a second and
     * prints OUTCOME=OPEN_n: how many the server still kept open (the rest it closed at once).
     */
    private int slowloris(final int connections) throws IOException
    {
        final List<Socket> sockets = new ArrayList<>();
        try
        {
            for (int i = 0; i < connections; i++)
            {
                final Socket socket = new Socket();
                sockets.add(socket);
                try
                {
                    socket.connect(new InetSocketAddress(host, port), timeoutMs);
                    socket.getOutputStream().write(0x16);
                }
                catch (final IOException ex)
                {
                    // refused or reset at once: counted as closed below
                }
            }
            try
            {
                Thread.sleep(1000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            int open = 0;
            for (final Socket socket : sockets)
            {
                if (socket.isConnected() && stillOpen(socket))
                {
                    open++;
                }
            }
            return outcome("OPEN_" + open, open + " of " + connections + " half-open connections kept");
        }
        finally
        {
            for (final Socket socket : sockets)
            {
                socket.close();
            }
        }
    }

    private static boolean stillOpen(final Socket socket)
    {
        try
        {
            socket.setSoTimeout(50);
            return socket.getInputStream().read() >= 0;
        }
        catch (final SocketTimeoutException ex)
        {
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static String manyHeaders()
    {
        final StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 200; i++)
        {
            request.append("X-Filler-").append(i).append(": v\r\n");
        }
        return request.append("\r\n").toString();
    }

    /** Sends one request as given (ISO-8859-1 bytes) and reports the first answer. */
    private int rawRequest(final String request, final String what) throws IOException
    {
        try (SSLSocket socket = connectTls())
        {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return httpOutcome(socket.getInputStream(), what);
        }
    }

    /**
     * Two requests in one TLS record. OUTCOME=ANSWERED_n_THEN_CLOSED counts the status lines that came before the
     * server closed (1 is the safe answer: the second request was never dispatched).
     */
    private int pipelined() throws IOException
    {
        try (SSLSocket socket = connectTls())
        {
            socket.getOutputStream().write(("GET /first-of-two HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /second-of-two HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            final ByteArrayOutputStream received = new ByteArrayOutputStream();
            try
            {
                final byte[] buffer = new byte[4096];
                int n;
                while ((n = socket.getInputStream().read(buffer)) >= 0)
                {
                    received.write(buffer, 0, n);
                }
            }
            catch (final SocketTimeoutException ex)
            {
                return outcome("TIMEOUT", "still open after " + timeoutMs + " ms");
            }
            catch (final IOException ex)
            {
                // a reset after the answers counts as the close
            }
            final String text = received.toString(StandardCharsets.ISO_8859_1);
            final int answers = text.split("HTTP/1\\.1 ", -1).length - 1;
            return outcome("ANSWERED_" + answers + "_THEN_CLOSED", text.lines().findFirst().orElse(""));
        }
    }

    private int garbageTls() throws IOException
    {
        try (SSLSocket socket = connectTls())
        {
            final byte[] junk = new byte[4096];
            new SecureRandom().nextBytes(junk);
            final ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(junk);
            request.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            try
            {
                socket.getOutputStream().write(request.toByteArray());
                socket.getOutputStream().flush();
            }
            catch (final IOException ex)
            {
                return outcome("CLOSED", "write failed: " + ex);
            }
            return httpOutcome(socket.getInputStream(), "after random bytes inside TLS");
        }
    }

    private int bigHeader() throws IOException
    {
        try (SSLSocket socket = connectTls())
        {
            final OutputStream out = socket.getOutputStream();
            final String head = "GET / HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + UA + "\r\nX-Hdit-Big: ";
            final byte[] chunk = new byte[16 * 1024];
            java.util.Arrays.fill(chunk, (byte)'a');
            try
            {
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 64; i++)
                {
                    out.write(chunk);
                }
                out.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            catch (final IOException ex)
            {
                // the server may answer and close while we are still sending: see whether it said anything
                System.out.println("DETAIL: write stopped early: " + ex);
            }
            return httpOutcome(socket.getInputStream(), "after a 1 MiB header");
        }
    }

    private int xxe(final String user, final String password, final String callbackAddress) throws Exception
    {
        final Path userFile = Files.createTempFile("hdit-xxe-user", ".txt");
        final Path leakFile = Files.createTempFile("hdit-xxe-leak", ".txt");
        final String marker = "HDITLEAK" + Long.toHexString(new SecureRandom().nextLong());
        Files.writeString(userFile, user);
        Files.writeString(leakFile, marker);
        final AtomicBoolean called = new AtomicBoolean();
        try (ServerSocket callback = new ServerSocket())
        {
            callback.bind(new InetSocketAddress(callbackAddress, 0));
            Thread.ofPlatform().daemon().start(() ->
            {
                try
                {
                    callback.accept().close();
                    called.set(true);
                }
                catch (final IOException ignored)
                {
                    // closed at the end
                }
            });
            final Response init = post("/", initXml());
            final String opaque = first(init.body, "(?s)(<opaque.*?</opaque>)", "");
            final String action = first(init.body, "<form[^>]*action=\"([^\"]+)\"", "/");
            final String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
                "<!DOCTYPE config-auth [\n" +
                "  <!ENTITY hdituser SYSTEM \"file://" + userFile + "\">\n" +
                "  <!ENTITY hditleak SYSTEM \"file://" + leakFile + "\">\n" +
                "  <!ENTITY % hditremote SYSTEM \"http://" + callbackAddress + ":" + callback.getLocalPort() +
                "/hdit.dtd\">\n" +
                "  %hditremote;\n" +
                "]>\n" +
                "<config-auth client=\"vpn\" type=\"auth-reply\" aggregate-auth-version=\"2\">" +
                "<version who=\"vpn\">v9.01</version><device-id>linux-64</device-id>" + opaque +
                "<auth><username>&hdituser;</username><password>" + password + "</password></auth>" +
                "<group-select>&hditleak;</group-select></config-auth>";
            final Response reply = post(action, body);
            Thread.sleep(1000);
            final boolean loggedIn = reply.body.contains("type=\"complete\"") || reply.body.contains("<session-token>") ||
                reply.setCookies.stream().anyMatch(c -> c.matches("webvpn=[^;]+.*"));
            final boolean leaked = (reply.head + reply.body).contains(marker);
            System.out.println("XXE_LOGIN=" + (loggedIn ? "success" : "no"));
            System.out.println("XXE_CALLBACK=" + (called.get() ? "yes" : "no"));
            System.out.println("XXE_LEAK=" + (leaked ? "yes" : "no"));
            System.out.println("DETAIL: answer to the XXE auth-reply:\n" + indent(reply.head + "\n" + reply.body));
            return outcome(reply.status > 0 ? "HTTP_" + reply.status : "CLOSED", reply.error);
        }
        finally
        {
            Files.deleteIfExists(userFile);
            Files.deleteIfExists(leakFile);
        }
    }

    private int loginOnly(final String user, final String password) throws Exception
    {
        final String token = login(user, password);
        return token == null ? outcome("SETUP_FAILED", "login failed") : outcome("LOGGED_IN", "token length " +
            token.length());
    }

    private int cstp(final String user, final String password, final byte[] badFrame) throws Exception
    {
        try (SSLSocket socket = openTunnel(user, password))
        {
            if (socket == null)
            {
                return 3;
            }
            final OutputStream out = socket.getOutputStream();
            final InputStream in = socket.getInputStream();
            try
            {
                out.write(badFrame);
                out.flush();
                out.write(DPD_REQUEST);
                out.flush();
            }
            catch (final IOException ex)
            {
                return outcome("CLOSED", "write of the bad frame failed: " + ex);
            }
            final String after = awaitDpdResponse(in);
            return outcome(after.startsWith("CLOSED") ? "CLOSED" : after.startsWith("IN_SYNC") ? "IN_SYNC" :
                after.startsWith("DESYNC") ? "DESYNC" : "TIMEOUT", after);
        }
    }

    /**
     * Logs in, CONNECTs and checks one DPD round trip: the tunnel's socket, or null after printing
     * OUTCOME=SETUP_FAILED.
     */
    private SSLSocket openTunnel(final String user, final String password) throws Exception
    {
        final String token = login(user, password);
        if (token == null)
        {
            outcome("SETUP_FAILED", "login as " + user + " failed");
            return null;
        }
        return connectTunnel(token);
    }

    /** CONNECTs with a session's cookie and checks one DPD round trip; null after OUTCOME=SETUP_FAILED. */
    private SSLSocket connectTunnel(final String token) throws Exception
    {
        final SSLSocket socket = connectTls();
        final OutputStream out = socket.getOutputStream();
        final InputStream in = socket.getInputStream();
        final String connect = "CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + UA +
            "\r\nCookie: webvpn=" + token + "\r\nX-CSTP-Version: 1\r\nX-CSTP-Hostname: hdit-badclient\r\n" +
            "X-CSTP-Base-MTU: 1500\r\nX-CSTP-MTU: 1400\r\nX-CSTP-Address-Type: IPv4\r\n" +
            "X-CSTP-Protocol: Copyright (c) 2004 Cisco Systems, Inc.\r\n\r\n";
        out.write(connect.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        final String status = readLine(in);
        final StringBuilder headers = new StringBuilder(status).append('\n');
        String line;
        while (!(line = readLine(in)).isEmpty())
        {
            headers.append(line).append('\n');
        }
        if (!status.matches("HTTP/1\\.[01] 200.*"))
        {
            outcome("SETUP_FAILED", "CONNECT answered: " + headers);
            socket.close();
            return null;
        }
        System.out.println("DETAIL: CONNECT answer:\n" + indent(headers.toString()));
        connectAnswer = headers.toString();
        out.write(DPD_REQUEST);
        out.flush();
        final String precheck = awaitDpdResponse(in);
        if (!precheck.startsWith("IN_SYNC"))
        {
            outcome("SETUP_FAILED", "no DPD answer before the bad input: " + precheck);
            socket.close();
            return null;
        }
        return socket;
    }

    /** Opens {@code count} TLS connections that send nothing, holds them {@code seconds}; OUTCOME=HELD_n. */
    private int idleAfterTls(final int count, final int seconds) throws Exception
    {
        final List<SSLSocket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8))
        {
            for (int i = 0; i < count; i++)
            {
                pool.execute(() ->
                {
                    try
                    {
                        sockets.add(connectTls());
                    }
                    catch (final IOException ex)
                    {
                        // refused: not held
                    }
                });
            }
        }
        System.out.println("DETAIL: " + sockets.size() + " of " + count + " finished TLS");
        Thread.sleep(seconds * 1000L);
        int held = 0;
        for (final SSLSocket socket : sockets)
        {
            if (!answeredOrClosed(socket))
            {
                held++;
            }
            socket.close();
        }
        return outcome("HELD_" + held, held + " of " + count + " idle TLS connections still open after " + seconds + " s");
    }

    /**
     * {@code count} TLS connections each send "GET / HTTP/1.1" and headers one byte every 500 ms for {@code seconds};
     * OUTCOME=CLOSED_n: how many the server had answered or closed by then.
     */
    private int dribble(final int count, final int seconds) throws Exception
    {
        final byte[] request = ("GET / HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + UA + "\r\nX-Slow: "
            + "s".repeat(4096) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        final List<SSLSocket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            sockets.add(connectTls());
        }
        final long start = System.nanoTime();
        final long[] closedAt = new long[count];
        int closed = 0;
        for (int step = 0; step < request.length && closed < count
            && System.nanoTime() - start < seconds * 1_000_000_000L; step++)
        {
            for (int i = 0; i < count; i++)
            {
                if (closedAt[i] != 0)
                {
                    continue;
                }
                final SSLSocket socket = sockets.get(i);
                boolean gone;
                try
                {
                    socket.getOutputStream().write(request[step]);
                    socket.getOutputStream().flush();
                    gone = answeredOrClosed(socket);
                }
                catch (final IOException ex)
                {
                    gone = true;
                }
                if (gone)
                {
                    closedAt[i] = System.nanoTime();
                    closed++;
                }
            }
            Thread.sleep(500);
        }
        long first = Long.MAX_VALUE;
        long last = 0;
        for (final long at : closedAt)
        {
            if (at != 0)
            {
                first = Math.min(first, at - start);
                last = Math.max(last, at - start);
            }
        }
        for (final SSLSocket socket : sockets)
        {
            socket.close();
        }
        return outcome("CLOSED_" + closed, closed + " of " + count + " dribbling connections closed"
            + (closed == 0 ? "" : ", the first after " + first / 1_000_000 + " ms, the last after "
            + last / 1_000_000 + " ms"));
    }

    /** Whether the server answered (it gave up on the request) or closed; false while it still waits. */
    private static boolean answeredOrClosed(final SSLSocket socket)
    {
        try
        {
            socket.setSoTimeout(1);
            return socket.getInputStream().read() != Integer.MIN_VALUE;
        }
        catch (final SocketTimeoutException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    /**
     * Logs in, then for {@code seconds} sends DPD requests with 2 KiB payloads over its tunnel as fast as it can,
     * reading the answers or not; when the server ends the tunnel it CONNECTs again with the same cookie, as a real
     * client would, and floods on. OUTCOME=CLOSED_n: how many of its tunnels the server ended.
     */
    private int dpdFlood(final String user, final String password, final int seconds, final boolean read)
        throws Exception
    {
        final String token = login(user, password);
        if (token == null)
        {
            return outcome("SETUP_FAILED", "login as " + user + " failed");
        }
        final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        int closedByServer = 0;
        long sent = 0;
        final java.util.concurrent.atomic.AtomicLong answers = new java.util.concurrent.atomic.AtomicLong();
        while (System.nanoTime() < deadline)
        {
            final SSLSocket socket;
            try
            {
                socket = connectTunnel(token);
            }
            catch (final IOException ex)
            {
                System.out.println("DETAIL: CONNECT again failed: " + ex);
                break;
            }
            if (socket == null)
            {
                break;
            }
            final long[] sentHere = new long[1];
            if (floodUntilClosed(socket, deadline, read, answers, sentHere))
            {
                closedByServer++;
            }
            sent += sentHere[0];
        }
        if (closedByServer == 0 && sent == 0)
        {
            return outcome("SETUP_FAILED", "no tunnel to flood");
        }
        return outcome("CLOSED_" + closedByServer, sent + " DPD requests of 2 KiB sent, " + answers.get()
            + " bytes of answers read, " + closedByServer + " tunnel(s) ended by the server");
    }

    /**
     * Logs in and CONNECTs, then never reads again: 1,300-byte echo requests to {@code target} from the tunnel's
     * address (2,000 a second for 5 s, whose answers fill the client's receive window and the server's buffers),
     * then a keepalive a second, so the server always hears from it. When a keepalive fails, the server has ended
     * the tunnel; the client CONNECTs again with its cookie, as openconnect would.
     */
    private int stopReading(final String user, final String password, final String target, final int seconds)
        throws Exception
    {
        final String token = login(user, password);
        final SSLSocket socket = token == null ? null : connectTunnel(token);
        final java.util.regex.Matcher address = java.util.regex.Pattern.compile("(?im)^X-CSTP-Address: *([0-9.]+)")
            .matcher(connectAnswer);
        if (socket == null || !address.find())
        {
            return outcome("SETUP_FAILED", "no tunnel with an IPv4 address");
        }
        final byte[] source = java.net.InetAddress.getByName(address.group(1)).getAddress();
        final byte[] destination = java.net.InetAddress.getByName(target).getAddress();
        final long start = System.nanoTime();
        final long deadline = start + seconds * 1_000_000_000L;
        final OutputStream out = socket.getOutputStream();
        int sent = 0;
        try
        {
            while (System.nanoTime() - start < 5_000_000_000L)
            {
                out.write(BadClientFrames.echoRequest(source, destination, 1300, sent++));
                if (sent % 20 == 0)
                {
                    Thread.sleep(10);
                }
            }
            while (System.nanoTime() < deadline)
            {
                Thread.sleep(1000);
                out.write(BadClientFrames.keepalive());
                out.flush();
            }
        }
        catch (final IOException ex)
        {
            final long after = (System.nanoTime() - start) / 1_000_000_000L;
            socket.close();
            System.out.println("DETAIL: " + sent + " echo requests sent, none of the answers read; the server ended"
                + " the tunnel (" + ex + ") " + after + " s after the first");
            // a refused CONNECT has printed its own outcome (SETUP_FAILED)
            final SSLSocket again = connectTunnel(token);
            if (again == null)
            {
                return 3;
            }
            again.close();
            return outcome("CLOSED_AFTER_" + after + "_RECONNECTED", null);
        }
        socket.close();
        return outcome("OPEN", sent + " echo requests sent, none of the answers read; the tunnel still up after "
            + seconds + " s");
    }

    /** Floods one tunnel until {@code deadline}; whether the server closed it first. */
    private static boolean floodUntilClosed(final SSLSocket socket, final long deadline, final boolean read,
        final java.util.concurrent.atomic.AtomicLong answers, final long[] sent)
    {
        final byte[] frame = new byte[8 + 2048];
        System.arraycopy(DPD_REQUEST, 0, frame, 0, 8);
        frame[4] = (byte)(2048 >> 8);
        frame[5] = 0;
        final AtomicBoolean ended = new AtomicBoolean();
        if (read)
        {
            Thread.ofPlatform().daemon().start(() ->
            {
                try
                {
                    final byte[] buffer = new byte[65536];
                    int n;
                    while ((n = socket.getInputStream().read(buffer)) >= 0)
                    {
                        answers.addAndGet(n);
                    }
                }
                catch (final IOException ex)
                {
                    // closed, by either side
                }
                ended.set(true);
            });
        }
        // a blocked write (the server no longer reads) must not outlast the flood: close the socket then
        final Thread stopper = Thread.ofPlatform().daemon().start(() ->
        {
            try
            {
                Thread.sleep(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                socket.close();
            }
            catch (final InterruptedException | IOException ex)
            {
                // the flood ended first
            }
        });
        boolean closedByServer;
        try
        {
            while (System.nanoTime() < deadline && !ended.get())
            {
                socket.getOutputStream().write(frame);
                // about 2,000 a second: 200 times what a tunnel may send, without this JVM eating the test's CPU
                if (++sent[0] % 20 == 0)
                {
                    Thread.sleep(10);
                }
            }
            closedByServer = ended.get() && System.nanoTime() < deadline;
        }
        catch (final IOException ex)
        {
            closedByServer = System.nanoTime() < deadline;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            closedByServer = false;
        }
        stopper.interrupt();
        try
        {
            socket.close();
        }
        catch (final IOException ex)
        {
            // already closed
        }
        return closedByServer;
    }

    /** Reads frames until a DPD response: IN_SYNC, CLOSED (…), DESYNC (…) or TIMEOUT. */
    private String awaitDpdResponse(final InputStream in) throws IOException
    {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        final List<String> seen = new ArrayList<>();
        try
        {
            while (System.nanoTime() < deadline)
            {
                final byte[] header = readFully(in, 8);
                if (header[0] != 0x53 || header[1] != 0x54 || header[2] != 0x46 || header[3] != 0x01)
                {
                    return "DESYNC header " + java.util.HexFormat.of().formatHex(header);
                }
                final int length = ((header[4] & 0xff) << 8) | (header[5] & 0xff);
                final int type = header[6] & 0xff;
                readFully(in, length);
                seen.add("type 0x" + Integer.toHexString(type) + " len " + length);
                if (type == TYPE_DPD_RESP)
                {
                    return "IN_SYNC (frames seen: " + seen + ")";
                }
            }
            return "TIMEOUT (frames seen: " + seen + ")";
        }
        catch (final SocketTimeoutException ex)
        {
            return "TIMEOUT (frames seen: " + seen + ")";
        }
        catch (final EOFException | SSLException ex)
        {
            return "CLOSED (" + ex + "; frames seen: " + seen + ")";
        }
        catch (final IOException ex)
        {
            return "CLOSED (" + ex + "; frames seen: " + seen + ")";
        }
    }

    // ---------------------------------------------------------------- HTTP over TLS

    private record Response(int status, String head, String body, List<String> setCookies, String error)
    {
    }

    private SSLSocket connectTls() throws IOException
    {
        final Socket raw = new Socket();
        raw.connect(new InetSocketAddress(host, port), timeoutMs);
        final SSLSocket socket = (SSLSocket)tls.getSocketFactory().createSocket(raw, host, port, true);
        socket.setSoTimeout(timeoutMs);
        socket.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        socket.startHandshake();
        return socket;
    }

    /** POSTs an XML document on a fresh connection, sending back every cookie received so far. */
    private Response post(final String path, final String xml) throws IOException
    {
        try (SSLSocket socket = connectTls())
        {
            final byte[] body = xml.getBytes(StandardCharsets.UTF_8);
            final StringBuilder request = new StringBuilder();
            request.append("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\nUser-Agent: ")
                .append(UA).append("\r\nAccept: */*\r\nAccept-Encoding: identity\r\nX-Transcend-Version: 1\r\n")
                .append("X-Aggregate-Auth: 1\r\nX-Support-HTTP-Auth: true\r\n");
            if (!cookies.isEmpty())
            {
                request.append("Cookie: ");
                final List<String> pairs = new ArrayList<>();
                cookies.forEach((k, v) -> pairs.add(k + "=" + v));
                request.append(String.join("; ", pairs)).append("\r\n");
            }
            request.append("Content-Type: application/xml; charset=utf-8\r\nContent-Length: ").append(body.length)
                .append("\r\nConnection: close\r\n\r\n");
            final OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            return readResponse(socket.getInputStream());
        }
    }

    private Response readResponse(final InputStream in)
    {
        final StringBuilder head = new StringBuilder();
        final List<String> setCookies = new ArrayList<>();
        int status = 0;
        try
        {
            final String statusLine = readLine(in);
            head.append(statusLine).append('\n');
            final Matcher sm = Pattern.compile("^HTTP/1\\.[01] (\\d{3})").matcher(statusLine);
            if (!sm.find())
            {
                return new Response(0, head.toString(), "", setCookies, "not an HTTP status line");
            }
            status = Integer.parseInt(sm.group(1));
            int contentLength = -1;
            String line;
            while (!(line = readLine(in)).isEmpty())
            {
                head.append(line).append('\n');
                final int colon = line.indexOf(':');
                if (colon > 0)
                {
                    final String name = line.substring(0, colon).trim().toLowerCase();
                    final String value = line.substring(colon + 1).trim();
                    if (name.equals("content-length"))
                    {
                        contentLength = Integer.parseInt(value);
                    }
                    else if (name.equals("set-cookie"))
                    {
                        setCookies.add(value);
                        final String pair = value.split(";", 2)[0];
                        final int eq = pair.indexOf('=');
                        if (eq > 0)
                        {
                            final String cookieName = pair.substring(0, eq).trim();
                            final String cookieValue = pair.substring(eq + 1).trim();
                            if (cookieValue.isEmpty())
                            {
                                cookies.remove(cookieName);
                            }
                            else
                            {
                                cookies.put(cookieName, cookieValue);
                            }
                        }
                    }
                }
            }
            final byte[] body = contentLength >= 0 ? readFully(in, Math.min(contentLength, 1 << 20)) :
                readUpTo(in, 1 << 20);
            return new Response(status, head.toString(), new String(body, StandardCharsets.UTF_8), setCookies, null);
        }
        catch (final IOException ex)
        {
            return new Response(status, head.toString(), "", setCookies, ex.toString());
        }
    }

    /** XML aggregate-auth login, filling username/password into whatever form fields are asked for. */
    private String login(final String user, final String password) throws IOException
    {
        Response r = post("/", initXml());
        for (int step = 0; step < 4; step++)
        {
            final String token = first(r.body, "<session-token>([^<]+)</session-token>", null);
            if (token != null)
            {
                return token;
            }
            if (r.body.contains("type=\"complete\"") && cookies.containsKey("webvpn"))
            {
                return cookies.get("webvpn");
            }
            if (!r.body.contains("auth-request"))
            {
                System.out.println("DETAIL: unexpected login answer:\n" + indent(r.head + "\n" + r.body)
                    + (r.error == null ? "" : "\n  (" + r.error + ")"));
                return null;
            }
            if (step > 0 && r.body.contains("<error"))
            {
                System.out.println("DETAIL: login error:\n" + indent(r.body));
                return null;
            }
            final String opaque = first(r.body, "(?s)(<opaque.*?</opaque>)", "");
            final String action = first(r.body, "<form[^>]*action=\"([^\"]+)\"", "/");
            final StringBuilder fields = new StringBuilder();
            final Matcher input = Pattern.compile("<input[^>]*name=\"([^\"]+)\"").matcher(r.body);
            while (input.find())
            {
                final String name = input.group(1);
                if (name.equals("username"))
                {
                    fields.append("<username>").append(user).append("</username>");
                }
                else if (name.equals("password"))
                {
                    fields.append("<password>").append(password).append("</password>");
                }
            }
            final String reply = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth client=\"vpn\" " +
                "type=\"auth-reply\" aggregate-auth-version=\"2\"><version who=\"vpn\">v9.01</version>" +
                "<device-id>linux-64</device-id>" + opaque + "<auth>" + fields + "</auth></config-auth>";
            r = post(action, reply);
        }
        return null;
    }

    private String initXml()
    {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth client=\"vpn\" type=\"init\" " +
            "aggregate-auth-version=\"2\"><version who=\"vpn\">v9.01</version><device-id>linux-64</device-id>" +
            "<group-access>https://" + host + (port == 443 ? "" : ":" + port) + "/</group-access></config-auth>";
    }

    // ---------------------------------------------------------------- outcomes and I/O

    private int httpOutcome(final InputStream in, final String what)
    {
        final Response r = readResponse(in);
        if (r.status > 0)
        {
            return outcome("HTTP_" + r.status, what + ": " + r.head.split("\n")[0]);
        }
        if (r.error != null && r.error.contains("SocketTimeoutException"))
        {
            return outcome("TIMEOUT", what + ": no answer and no close within " + timeoutMs + " ms");
        }
        return outcome("CLOSED", what + ": " + (r.error == null ? r.head : r.error));
    }

    private int awaitClose(final InputStream in, final String what)
    {
        int received = 0;
        try
        {
            final byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) >= 0)
            {
                received += n;
            }
            return outcome("CLOSED", what + ": EOF after " + received + " byte(s) from the server");
        }
        catch (final SocketTimeoutException ex)
        {
            return outcome("TIMEOUT", what + ": still open after " + timeoutMs + " ms (" + received + " bytes)");
        }
        catch (final IOException ex)
        {
            return outcome("CLOSED", what + ": " + ex + " after " + received + " byte(s)");
        }
    }

    private static int outcome(final String outcome, final String detail)
    {
        if (detail != null)
        {
            System.out.println("DETAIL: " + detail);
        }
        System.out.println("OUTCOME=" + outcome);
        return "SETUP_FAILED".equals(outcome) ? 3 : 0;
    }

    private static String readLine(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0)
        {
            if (c == '\n')
            {
                break;
            }
            if (c != '\r')
            {
                line.write(c);
            }
            if (line.size() > 65536)
            {
                throw new IOException("line longer than 64 KiB");
            }
        }
        if (c < 0 && line.size() == 0)
        {
            throw new EOFException("connection closed");
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] readFully(final InputStream in, final int n) throws IOException
    {
        final byte[] buffer = new byte[n];
        int off = 0;
        while (off < n)
        {
            final int r = in.read(buffer, off, n - off);
            if (r < 0)
            {
                throw new EOFException("connection closed after " + off + " of " + n + " bytes");
            }
            off += r;
        }
        return buffer;
    }

    private static byte[] readUpTo(final InputStream in, final int max) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final byte[] buffer = new byte[8192];
        int n;
        while (out.size() < max && (n = in.read(buffer)) >= 0)
        {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static String first(final String text, final String regex, final String fallback)
    {
        final Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? m.group(1) : fallback;
    }

    private static String indent(final String text)
    {
        return "  | " + text.strip().replace("\n", "\n  | ");
    }

    /** Accepts any certificate: this tool attacks the server, it does not need to trust it. */
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
