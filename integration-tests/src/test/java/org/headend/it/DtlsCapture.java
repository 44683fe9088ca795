package org.headend.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * tcpdump on the DTLS port in the server namespace, written to a file that the test reads back: a failing connect's
 * datagrams, or a session's ClientHello. {@code -Dit.dtls.pcap=FILE} keeps the capture after the test.
 */
final class DtlsCapture implements AutoCloseable
{
    /** The UDP payload starts after the IPv4 header (20 bytes, no options) and the UDP header. */
    private static final int PAYLOAD = 28;
    private static final int SESSION_ID_LENGTH = 59;
    private static final Pattern HEX_LINE = Pattern.compile("^\\s+0x[0-9a-f]+:\\s+((?:[0-9a-f]{2,4}\\s?)+)",
        Pattern.MULTILINE);

    private final ManagedProcess tcpdump;
    private final Path file;

    private DtlsCapture(final ManagedProcess tcpdump, final Path file)
    {
        this.tcpdump = tcpdump;
        this.file = file;
    }

    static DtlsCapture start(final String ns, final int port)
    {
        final Path file = Harness.tempDir("dtls-pcap-").resolve("dtls.pcap");
        final ManagedProcess p = ManagedProcess.start("tcpdump@" + ns, Netns.in(ns, "tcpdump", "-i", "any",
            "-n", "-U", "-s", "200", "-w", file.toString(), "udp", "port", Integer.toString(port)), null, null);
        p.waitFor("listening on", Duration.ofSeconds(10));
        return new DtlsCapture(p, file);
    }

    /** The last datagrams captured to or from host, one line each. */
    String flows(final String host)
    {
        final List<String> lines = Cmd.run("tcpdump", "-n", "-tt", "-r", file.toString(), "host", host)
            .output().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /**
     * The session_id of the first ClientHello host sent (the App-ID of its CONNECT answer), as hex; waits up to 10 s
     * for it to reach the file. Fails the test with what tcpdump read when there is none.
     */
    String firstSessionId(final String host)
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true)
        {
            // a handshake record (22) carrying a ClientHello (1) from host
            final String out = Cmd.run("tcpdump", "-n", "-r", file.toString(), "-x", "-c", "1", "src", "host", host,
                "and", "udp[8] = 22", "and", "udp[21] = 1").output();
            final String id = sessionId(out);
            if (id != null)
            {
                return id;
            }
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("no ClientHello from " + host + " in the capture:\n" + out);
            }
            NetTools.sleep(200);
        }
    }

    private static String sessionId(final String hexDump)
    {
        final StringBuilder hex = new StringBuilder();
        final Matcher m = HEX_LINE.matcher(hexDump);
        while (m.find())
        {
            hex.append(m.group(1).replaceAll("\\s", ""));
        }
        final byte[] packet = HexFormat.of().parseHex(hex.toString());
        if (packet.length < PAYLOAD + SESSION_ID_LENGTH + 1)
        {
            return null;
        }
        final int length = packet[PAYLOAD + SESSION_ID_LENGTH] & 0xFF;
        final int from = PAYLOAD + SESSION_ID_LENGTH + 1;
        return length == 0 || packet.length < from + length ? null
            : HexFormat.of().formatHex(packet, from, from + length);
    }

    /** Stops tcpdump; keeps the capture at {@code -Dit.dtls.pcap} when that is set. */
    @Override
    public void close()
    {
        tcpdump.signal("INT");
        tcpdump.stop(Duration.ofSeconds(5));
        final String keep = System.getProperty("it.dtls.pcap");
        if (keep != null)
        {
            Cmd.run("cp", file.toString(), keep);
        }
    }
}
