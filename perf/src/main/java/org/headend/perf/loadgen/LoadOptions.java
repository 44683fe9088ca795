package org.headend.perf.loadgen;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The generator's command line: what to connect to, who logs in, the arrival schedule and what each session does.
 * Every run is bounded: {@code --duration} caps it however the rest is set.
 */
record LoadOptions(URI server, List<URI> servers, String pin, int sessions,
    String userPattern, int firstUser, String password, String group, String challengeAnswer, double rate,
    double rampFrom, double rampSeconds, int maxInflight, double holdSeconds, int pingIntervalMillis,
    String pingTarget, int lossTimeoutMillis, double churnPerSecond, double movePerSecond, double stormAtSeconds, double durationSeconds,
    boolean dtls, int baseMtu, String userAgent, int threads, List<java.net.InetAddress> sourceAddresses,
    List<Integer> plateaus, double plateauHoldSeconds, Path out, boolean quiet, Path history,
    boolean reconnectOnLoss, List<String> commandLine)
{
    static final String USAGE = """
        usage: loadgen --server https://HOST[:PORT]/[GROUP-PATH][,https://…] [options]
          --server URL[,URL…]           several servers (cluster members): session i logs in on the i-th
                                        modulo their number; a login answered with a redirect follows it
          --servercert pin-sha256:B64   accept only this server key (default: any certificate)
          --sessions N                  sessions to set up (default 10)
          --user-pattern P              user names, %d = number (default user%d); --first-user N (default 1)
          --password P                  every user's password (default password)
          --group G                     tunnel group to pick from the group list (openconnect --authgroup)
          --challenge ANSWER            answer to an auth id="challenge" step (default: the password)
          --rate R                      setups started per second, open loop (default 20)
          --ramp-from R0 --ramp S       rise linearly from R0 to --rate over S seconds
          --max-inflight K              at most K setups at once; waiting counts in the latency (default 64)
          --hold S                      keep every session this long once all are up (default 10)
          --ping-interval MS            each session pings --ping-target this often (default 1000; 0 = off)
          --ping-target IP              inside address to ping (required with pings)
          --loss-timeout MS             a reply later than this is lost (default 2000)
          --churn C                     during the hold, C sessions/s log off and log in again
          --move M                      during the hold, M sessions/s drop TCP and UDP without BYE and
                                        come back with their cookie on the next --server (a client that
                                        roams to another cluster member)
          --storm-at S                  S seconds into the hold, drop every TCP and UDP without BYE; all
                                        sessions reconnect at once with their cookies
          --duration S                  hard stop for the whole run (default 600)
          --dtls on|off                 PSK-NEGOTIATE DTLS (default on)
          --base-mtu N                  X-CSTP-Base-MTU (default 1500)
          --useragent S                 User-Agent (default openconnect 9.21's)
          --threads N                   event loop threads (default 2)
          --source A[,B…] | A-N         local addresses to spread sessions over, e.g. 10.77.0.2-41 (a server
                                        may cap connections per client address, as the headend does at 64)
          --plateaus N[,M…]             pause the arrivals when N sessions have set up (and M, …): once they
                                        all settled, print LOADGEN PLATEAU, hold --plateau-hold seconds with
                                        pings going on, print LOADGEN PLATEAU-END with that window's RTT, then
                                        go on (the schedule shifts by the pause); for a server's memory and CPU
                                        at each level
          --plateau-hold S              seconds each plateau is held (default 20)
          --out DIR                     where summary.json goes (default results/loadgen-<time>)
          --history FILE                each session's events as JSON lines for a checker: up, down (with
                                        its address), logoff (with the cookie: keep FILE private), refused
          --reconnect-on-loss on|off    as openconnect: a tunnel the server drops without DISCONNECT comes
                                        back with its cookie, tried every second (a 503 or no answer too),
                                        each try on the next --server (one server: the same), until it
                                        succeeds, the cookie is refused or the run ends (default off)
          --quiet                       no progress line
        """;

    static LoadOptions parse(final String[] args)
    {
        final Map<String, String> flags = new LinkedHashMap<>();
        boolean quiet = false;
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            if (a.equals("--quiet"))
            {
                quiet = true;
                continue;
            }
            if (!a.startsWith("--"))
            {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            final int eq = a.indexOf('=');
            if (eq > 0)
            {
                flags.put(a.substring(2, eq), a.substring(eq + 1));
            }
            else if (i + 1 < args.length)
            {
                flags.put(a.substring(2), args[++i]);
            }
            else
            {
                throw new IllegalArgumentException(a + " needs a value");
            }
        }
        final String server = take(flags, "server", null);
        if (server == null)
        {
            throw new IllegalArgumentException("--server is required");
        }
        final List<URI> servers = new ArrayList<>();
        for (final String one : server.split(","))
        {
            servers.add(serverUri(one.strip()));
        }
        final URI uri = servers.get(0);
        final double rate = positive(flags, "rate", "20");
        final int pingInterval = (int)number(flags, "ping-interval", "1000", 0, 3_600_000);
        final String pingTarget = take(flags, "ping-target", null);
        if (pingInterval > 0 && pingTarget == null)
        {
            throw new IllegalArgumentException("--ping-target is required unless --ping-interval 0");
        }
        if (pingTarget != null)
        {
            IcmpEcho.parseIpv4(pingTarget);
        }
        final String dtls = take(flags, "dtls", "on");
        if (!dtls.equals("on") && !dtls.equals("off"))
        {
            throw new IllegalArgumentException("--dtls must be on or off");
        }
        final String pattern = take(flags, "user-pattern", "user%d");
        if (!pattern.contains("%d") && !pattern.matches(".*%0\\d+d.*"))
        {
            throw new IllegalArgumentException("--user-pattern needs %d (or %05d, …)");
        }
        final String password = take(flags, "password", "password");
        final String history = take(flags, "history", null);
        final LoadOptions o = new LoadOptions(uri, List.copyOf(servers), take(flags, "servercert", null),
            (int)number(flags, "sessions", "10", 1, 100_000), pattern,
            (int)number(flags, "first-user", "1", 0, Integer.MAX_VALUE / 2), password, take(flags, "group", null),
            take(flags, "challenge", password), rate, number(flags, "ramp-from", String.valueOf(rate), 0, 1e6),
            number(flags, "ramp", "0", 0, 86_400), (int)number(flags, "max-inflight", "64", 1, 100_000),
            number(flags, "hold", "10", 0, 86_400), pingInterval, pingTarget,
            (int)number(flags, "loss-timeout", "2000", 1, 600_000), number(flags, "churn", "0", 0, 1e5),
            number(flags, "move", "0", 0, 1e5),
            number(flags, "storm-at", "-1", -1, 86_400), positive(flags, "duration", "600"), dtls.equals("on"),
            (int)number(flags, "base-mtu", "1500", 1280, 9000),
            take(flags, "useragent", OpenconnectRequests.USER_AGENT), (int)number(flags, "threads", "2", 1, 64),
            sources(take(flags, "source", null)), plateaus(take(flags, "plateaus", null)),
            number(flags, "plateau-hold", "20", 0, 86_400),
            Path.of(take(flags, "out", "results/loadgen-" + System.currentTimeMillis() / 1000)), quiet,
            history == null ? null : Path.of(history),
            onOff(take(flags, "reconnect-on-loss", "off"), "reconnect-on-loss"),
            List.copyOf(java.util.Arrays.asList(args)));
        if (!flags.isEmpty())
        {
            throw new IllegalArgumentException("unknown option --" + flags.keySet().iterator().next());
        }
        if (!o.plateaus().isEmpty() && o.plateaus().get(o.plateaus().size() - 1) > o.sessions())
        {
            throw new IllegalArgumentException("--plateaus: more than --sessions " + o.sessions());
        }
        return o;
    }

    private static boolean onOff(final String value, final String name)
    {
        if (!value.equals("on") && !value.equals("off"))
        {
            throw new IllegalArgumentException("--" + name + " must be on or off");
        }
        return value.equals("on");
    }

    String user(final int index)
    {
        return String.format(userPattern, firstUser + index);
    }

    /** An https URL with a host (a --server value, or where a login was redirected to). */
    static URI serverUri(final String url)
    {
        final URI uri;
        try
        {
            uri = URI.create(url);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("not a URL: " + url);
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null)
        {
            throw new IllegalArgumentException("--server must be https://HOST[:PORT]/[PATH]: " + url);
        }
        return uri;
    }

    /** The Host header: the port only when it is not 443. */
    String hostHeader()
    {
        return hostHeader(server);
    }

    static String hostHeader(final URI server)
    {
        return port(server) == 443 ? server.getHost() : server.getHost() + ":" + port(server);
    }

    int port()
    {
        return port(server);
    }

    static int port(final URI server)
    {
        return server.getPort() < 0 ? 443 : server.getPort();
    }

    /** The path the first POST goes to ({@code /} or the group path). */
    String path()
    {
        return path(server);
    }

    static String path(final URI server)
    {
        return server.getRawPath() == null || server.getRawPath().isEmpty() ? "/" : server.getRawPath();
    }

    /** The {@code <group-access>} openconnect sends: the URL as the user gave it. */
    String groupAccess()
    {
        return groupAccess(server);
    }

    static String groupAccess(final URI server)
    {
        return "https://" + hostHeader(server) + path(server);
    }

    /** A printable view of the settings for the report (no password). */
    Map<String, Object> describe()
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("server", servers.stream().map(URI::toString).collect(java.util.stream.Collectors.joining(",")));
        m.put("sessions", sessions);
        m.put("user_pattern", userPattern);
        m.put("group", group);
        m.put("rate_per_s", rate);
        m.put("ramp_from_per_s", rampFrom);
        m.put("ramp_s", rampSeconds);
        m.put("max_inflight", maxInflight);
        m.put("hold_s", holdSeconds);
        m.put("ping_interval_ms", pingIntervalMillis);
        m.put("ping_target", pingTarget);
        m.put("loss_timeout_ms", lossTimeoutMillis);
        m.put("churn_per_s", churnPerSecond);
        m.put("move_per_s", movePerSecond);
        m.put("storm_at_s", stormAtSeconds < 0 ? null : stormAtSeconds);
        m.put("duration_s", durationSeconds);
        m.put("dtls", dtls);
        m.put("base_mtu", baseMtu);
        m.put("user_agent", userAgent);
        m.put("threads", threads);
        m.put("source_addresses", sourceAddresses.size());
        m.put("plateaus", plateaus);
        m.put("plateau_hold_s", plateauHoldSeconds);
        m.put("reconnect_on_loss", reconnectOnLoss);
        m.put("command_line", redacted(commandLine));
        return m;
    }

    /** The command line with the values of --password and --challenge replaced: secrets stay out of reports. */
    static List<String> redacted(final List<String> args)
    {
        final List<String> out = new ArrayList<>();
        boolean hideNext = false;
        for (final String a : args)
        {
            final boolean secretFlag = a.equals("--password") || a.equals("--challenge");
            if (hideNext)
            {
                out.add("***");
            }
            else if (a.startsWith("--password=") || a.startsWith("--challenge="))
            {
                out.add(a.substring(0, a.indexOf('=') + 1) + "***");
            }
            else
            {
                out.add(a);
            }
            hideNext = secretFlag && !hideNext;
        }
        return out;
    }

    /** {@code N,M,…}: rising session counts, each at least 1. */
    static List<Integer> plateaus(final String spec)
    {
        if (spec == null || spec.isBlank())
        {
            return List.of();
        }
        final List<Integer> out = new ArrayList<>();
        for (final String part : spec.split(","))
        {
            final int n;
            try
            {
                n = Integer.parseInt(part.strip());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("--plateaus: not a number: " + part);
            }
            if (n < 1 || (!out.isEmpty() && n <= out.get(out.size() - 1)))
            {
                throw new IllegalArgumentException("--plateaus must rise and be at least 1: " + spec);
            }
            out.add(n);
        }
        return List.copyOf(out);
    }

    /** {@code A,B,C} or {@code a.b.c.X-Y} (a range of the last octet). */
    static List<java.net.InetAddress> sources(final String spec)
    {
        if (spec == null)
        {
            return List.of();
        }
        final List<java.net.InetAddress> out = new ArrayList<>();
        try
        {
            for (final String part : spec.split(","))
            {
                final int dash = part.indexOf('-');
                if (dash < 0)
                {
                    out.add(java.net.InetAddress.getByAddress(intBytes(IcmpEcho.parseIpv4(part))));
                    continue;
                }
                final int first = IcmpEcho.parseIpv4(part.substring(0, dash));
                final int last = Integer.parseInt(part.substring(dash + 1).strip());
                if (last < (first & 0xFF) || last > 255)
                {
                    throw new IllegalArgumentException("--source: bad range " + part);
                }
                for (int a = first; (a & 0xFF) <= last && (a & 0xFF) >= (first & 0xFF); a++)
                {
                    out.add(java.net.InetAddress.getByAddress(intBytes(a)));
                    if ((a & 0xFF) == 255)
                    {
                        break;
                    }
                }
            }
        }
        catch (final java.net.UnknownHostException | NumberFormatException ex)
        {
            throw new IllegalArgumentException("--source: " + spec);
        }
        return List.copyOf(out);
    }

    private static byte[] intBytes(final int a)
    {
        return new byte[] {(byte)(a >>> 24), (byte)(a >>> 16), (byte)(a >>> 8), (byte)a};
    }

    private static String take(final Map<String, String> flags, final String name, final String fallback)
    {
        final String v = flags.remove(name);
        return v == null ? fallback : v;
    }

    private static double positive(final Map<String, String> flags, final String name, final String fallback)
    {
        return number(flags, name, fallback, 1e-6, 1e9);
    }

    private static double number(final Map<String, String> flags, final String name, final String fallback,
        final double min, final double max)
    {
        final String v = take(flags, name, fallback);
        final double d;
        try
        {
            d = Double.parseDouble(v.endsWith("/s") ? v.substring(0, v.length() - 2) : v);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--" + name + ": not a number: " + v);
        }
        if (!(d >= min && d <= max))
        {
            throw new IllegalArgumentException("--" + name + " must be between " + min + " and " + max);
        }
        return d;
    }
}
