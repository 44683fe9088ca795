package org.headend.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Ping, TCP reachability and checksummed bulk transfers between namespaces. */
public final class NetTools
{
    private static final Pattern PING_SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
    private static final Pattern SINK_DONE = Pattern.compile("RECEIVED bytes=(\\d+) sha256=([0-9a-f]+) seconds=([0-9.]+)");
    private static final Pattern SOURCE_DONE = Pattern.compile("SENT bytes=(\\d+) sha256=([0-9a-f]+) seconds=([0-9.]+)");

    private NetTools()
    {
    }

    /** Outcome of one ping run. */
    public record PingResult(int transmitted, int received, String output)
    {
        public boolean allAnswered()
        {
            return transmitted > 0 && received == transmitted;
        }
    }

    /**
     * Pings sent after the counted ones, only so that ping keeps listening: with {@code -c N} it exits once its last
     * request is out and max(2 x the slowest round trip so far, the interval) has passed, whatever {@code -W} says.
     * At 10 ms spacing that is often 10 ms, so one late answer to one of the last requests (a GC pause, a busy core)
     * was counted as lost although the tunnel carried it. These extra requests give each counted one at least
     * {@value} x 10 ms more; their own answers are not counted.
     */
    private static final int GRACE_PINGS = 30;
    /** Spacing of the pings, ms (root may go below 200 ms). */
    private static final int INTERVAL_MS = 10;
    /** How long a ping waits for an answer when none has come yet (-W), s. */
    private static final int WAIT_SECONDS = 1;
    /**
     * How many times its nominal length, (count + grace) x interval, a ping run may take before it is killed. iputils
     * ping makes up at most one late interval (its token bucket holds two), so each timer wake-up that comes late on
     * a busy machine stretches the run by the lateness: 3 lets every wake-up be 20 ms late on average. A run
     * stretched further is not measuring a 10 ms ping any more.
     */
    private static final int LATE_WAKEUP_ALLOWANCE = 3;
    /** Starting the ping in its namespace (ip netns exec), s: seconds on a loaded machine. */
    private static final int START_SECONDS = 10;
    private static final Pattern PING_TIME = Pattern.compile("(\\d+) packets transmitted, .*, time (\\d+)ms");
    private static final Pattern PING_REPLY = Pattern.compile("icmp_seq=(\\d+) ttl=\\d+ time=([0-9.]+) ms(.*)");

    /**
     * count pings from ns to target at 10 ms intervals (root may go below 200 ms), each waiting up to 1 s for its
     * answer; received counts the distinct answers to those count requests (duplicates and the grace pings' answers
     * aside). No -w deadline: with one, ping keeps sending until it has count answers, which never ends well for
     * a test that expects none. source (may be null) is passed as -I.
     */
    public static PingResult ping(final String ns, final String target, final int count, final String source)
    {
        final PingTimes times = run(ns, target, count, source);
        return new PingResult(times.transmitted(), times.received(), times.summary());
    }

    /** Each ping's round trip, for percentiles; lost pings have none. */
    public record PingTimes(int transmitted, int received, List<Double> rttMillis, String summary)
    {
        /** The p-th percentile (0..100) of the round trips that came back, ms; NaN when none did. */
        public double percentile(final double p)
        {
            if (rttMillis.isEmpty())
            {
                return Double.NaN;
            }
            final List<Double> sorted = rttMillis.stream().sorted().toList();
            return sorted.get(Math.min(sorted.size() - 1, (int)Math.ceil(p / 100 * sorted.size()) - 1));
        }

        /**
         * The mean spacing at which ping actually sent, ms (its "time" from the first request to the last over the
         * gaps between them); NaN when it did not say. Above the nominal 10 ms, the ping process itself waited for a
         * CPU: the round trips were measured on a starved client.
         */
        public double sentEveryMillis()
        {
            final Matcher m = PING_TIME.matcher(summary);
            return m.find() && Integer.parseInt(m.group(1)) > 1
                ? Double.parseDouble(m.group(2)) / (Integer.parseInt(m.group(1)) - 1) : Double.NaN;
        }
    }

    /** count pings from ns to target at 10 ms intervals, each waiting up to 1 s, with every round trip kept. */
    public static PingTimes pingTimes(final String ns, final String target, final int count)
    {
        return run(ns, target, count, null);
    }

    private static PingTimes run(final String ns, final String target, final int count, final String source)
    {
        // after its last request ping lingers for max(2 x the slowest round trip, the interval): 2 x -W at most
        final Duration limit = Duration.ofMillis((long)(count + GRACE_PINGS) * INTERVAL_MS * LATE_WAKEUP_ALLOWANCE)
            .plusSeconds(2L * WAIT_SECONDS + START_SECONDS);
        final List<String> argv = new ArrayList<>(List.of("ping", "-n", "-c", Integer.toString(count + GRACE_PINGS),
            "-i", String.format(Locale.ROOT, "%.3f", INTERVAL_MS / 1000.0), "-W", Integer.toString(WAIT_SECONDS)));
        if (source != null)
        {
            argv.addAll(List.of("-I", source));
        }
        argv.add(target);
        final Cmd.Result r = Cmd.run(limit, Netns.in(ns, argv.toArray(String[]::new)));
        final java.util.Set<Integer> answered = new java.util.HashSet<>();
        final List<Double> rtts = new ArrayList<>();
        final Matcher each = PING_REPLY.matcher(r.output());
        while (each.find())
        {
            final int seq = Integer.parseInt(each.group(1));
            if (seq >= 1 && seq <= count && !each.group(3).contains("DUP!") && answered.add(seq))
            {
                rtts.add(Double.parseDouble(each.group(2)));
            }
        }
        final Matcher m = PING_SUMMARY.matcher(r.output());
        if (!m.find())
        {
            return new PingTimes(0, 0, rtts, r.output());
        }
        final int transmitted = Math.min(count, Integer.parseInt(m.group(1)));
        final String summary = "counted " + count + " requests: " + answered.size() + " answered\n" + r.output()
            .lines().filter(l -> !l.contains("icmp_seq=")).reduce("", (a, b) -> a + b + "\n");
        return new PingTimes(transmitted, answered.size(), rtts, summary);
    }

    public static PingResult ping(final String ns, final String target, final int count)
    {
        return ping(ns, target, count, null);
    }

    /** Waits until a TCP connect from ns to host:port succeeds. */
    public static void awaitTcp(final String ns, final String host, final int port, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        Cmd.Result last = null;
        while (System.nanoTime() < deadline)
        {
            last = Cmd.run(Duration.ofSeconds(5), Netns.in(ns, "timeout", "2", "bash", "-c",
                "exec 3<>/dev/tcp/" + host + "/" + port));
            if (last.ok())
            {
                return;
            }
            sleep(300);
        }
        throw new AssertionError("no TCP connect from " + ns + " to " + host + ":" + port + " within " + timeout +
            (last == null ? "" : ": " + last.output()));
    }

    /** Result of a checksummed transfer. */
    public record TransferResult(long sentBytes, String sentSha256, long receivedBytes, String receivedSha256,
        double seconds)
    {
        public double megabitsPerSecond()
        {
            return seconds <= 0 ? 0 : receivedBytes * 8 / seconds / 1e6;
        }
    }

    /**
     * Sends bytes of seeded pseudo-random data from senderNs to a listener in receiverNs that senderNs reaches at
     * receiverAddress; both ends print the SHA-256 of what they sent or received.
     */
    public static TransferResult transfer(final String senderNs, final String receiverNs, final String receiverAddress,
        final int port, final long bytes, final Duration timeout)
    {
        return transfer(senderNs, receiverNs, receiverAddress, port, bytes, timeout, "random", 0);
    }

    /**
     * {@link #transfer(String, String, String, int, long, Duration)} with the data of pattern: {@code random}, or
     * {@code compressible} (repeats within every packet, and 1 KiB repeats 6 KiB back; tools.CompressibleStream).
     */
    public static TransferResult transfer(final String senderNs, final String receiverNs, final String receiverAddress,
        final int port, final long bytes, final Duration timeout, final String pattern)
    {
        return transfer(senderNs, receiverNs, receiverAddress, port, bytes, timeout, pattern, 0);
    }

    /** As {@link #transfer}, the sender paced to bytesPerSecond (0: as fast as it can). */
    public static TransferResult transfer(final String senderNs, final String receiverNs, final String receiverAddress,
        final int port, final long bytes, final long bytesPerSecond, final Duration timeout)
    {
        return transfer(senderNs, receiverNs, receiverAddress, port, bytes, timeout, "random", bytesPerSecond);
    }

    private static TransferResult transfer(final String senderNs, final String receiverNs,
        final String receiverAddress, final int port, final long bytes, final Duration timeout, final String pattern,
        final long bytesPerSecond)
    {
        try (ManagedProcess sink = ManagedProcess.start("TcpSink@" + receiverNs,
                Harness.tool(receiverNs, "TcpSink", "--listen", Integer.toString(port), "--bytes", Long.toString(bytes),
                    "--timeout-seconds", Long.toString(timeout.toSeconds())), null, null))
        {
            sink.waitFor("LISTENING", Duration.ofSeconds(30));
            try (ManagedProcess source = ManagedProcess.start("TcpSource@" + senderNs,
                    Harness.tool(senderNs, "TcpSource", "--connect", receiverAddress + ":" + port, "--bytes",
                        Long.toString(bytes), "--seed", Long.toString(bytes ^ port), "--pattern", pattern,
                        "--timeout-seconds", Long.toString(timeout.toSeconds()), "--rate",
                        Long.toString(bytesPerSecond)), null, null))
            {
                final Matcher sent = source.waitFor(SOURCE_DONE.pattern(), timeout);
                final Matcher received = sink.waitFor(SINK_DONE.pattern(), Duration.ofSeconds(30));
                return new TransferResult(Long.parseLong(sent.group(1)), sent.group(2),
                    Long.parseLong(received.group(1)), received.group(2), Double.parseDouble(received.group(3)));
            }
        }
    }

    /** What tools.UdpNoise saw. */
    public record UdpNoiseResult(int sent, int replies, String output)
    {
    }

    /** Sends count hostile datagrams from ns to host:port (tools.UdpNoise) and counts the replies. */
    public static UdpNoiseResult udpNoise(final String ns, final String host, final int port, final int count)
    {
        try (ManagedProcess p = ManagedProcess.start("UdpNoise@" + ns, Harness.tool(ns, "UdpNoise", "--host", host,
                "--port", Integer.toString(port), "--count", Integer.toString(count)), null, null))
        {
            final Matcher m = p.waitFor("SENT=(\\d+) REPLIES=(\\d+)", Duration.ofSeconds(60));
            return new UdpNoiseResult(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), p.out().text());
        }
    }

    public static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** What the bad client reported: OUTCOME=… and its whole output. */
    public record BadClientResult(String outcome, int exitCode, String output)
    {
        public boolean has(final String line)
        {
            return output.lines().anyMatch(line::equals);
        }
    }

    /** Runs tools.BadClient in ns against host:port in one mode; extra are more --name value pairs. */
    public static BadClientResult badClient(final String ns, final String host, final int port, final String mode,
        final String... extra)
    {
        return badClient(Duration.ofSeconds(60), ns, host, port, mode, extra);
    }

    /** As {@link #badClient(String, String, int, String, String...)}, waiting up to {@code limit} for it. */
    public static BadClientResult badClient(final Duration limit, final String ns, final String host, final int port,
        final String mode, final String... extra)
    {
        return badClient(limit, List.of(), ns, host, port, mode, extra);
    }

    /** As {@link #badClient(Duration, String, String, int, String, String...)}, its JVM run by {@code launcher}. */
    public static BadClientResult badClient(final Duration limit, final List<String> launcher, final String ns,
        final String host, final int port, final String mode, final String... extra)
    {
        final List<String> args = new ArrayList<>(List.of("--host", host, "--port", Integer.toString(port), "--mode",
            mode, "--timeout-seconds", "10"));
        args.addAll(List.of(extra));
        try (ManagedProcess p = ManagedProcess.start("BadClient[" + mode + "]",
                Harness.tool(ns, launcher, "BadClient", args.toArray(String[]::new)), null, null))
        {
            final Integer code = p.waitForExit(limit);
            p.out().awaitClosed(Duration.ofSeconds(2));
            p.err().awaitClosed(Duration.ofSeconds(2));
            final String out = p.out().text();
            final Matcher m = Pattern.compile("(?m)^OUTCOME=(\\S+)$").matcher(out);
            return new BadClientResult(m.find() ? m.group(1) : "NONE", code == null ? -1 : code,
                out + p.err().text());
        }
    }
}
