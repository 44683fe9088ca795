package org.headend.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The appliance, started as {@code ip netns exec SRV ./headend --config FILE --state-dir DIR} from the repository
 * root. The launcher execs java, so {@link #pid()} is the JVM. Stdout is the console: {@link #console} writes one
 * command and returns what was printed up to the next prompt.
 */
public final class HeadendProcess implements AutoCloseable
{
    /** HOSTNAME# or HOSTNAME(config…)# (or user EXEC's HOSTNAME>) at the very end of the output, no newline after. */
    public static final Pattern PROMPT_AT_END = Pattern.compile("[A-Za-z0-9._-]+(\\([A-Za-z0-9 _-]*\\))?[#>] \\z");
    public static final String PIN_REGEX = "--servercert[ =](pin-sha256:[A-Za-z0-9+/]+=*)";
    public static final String URL_REGEX = "(https://[0-9.]+(?::[0-9]+)?/)";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(Long.getLong("hdit.startSeconds", 180));
    private static final Duration CONSOLE_TIMEOUT = Duration.ofSeconds(20);

    private final Netns net;
    private final ManagedProcess process;
    private final Path configFile;
    private String pin;
    private String url;

    private HeadendProcess(final Netns net, final ManagedProcess process, final Path configFile)
    {
        this.net = net;
        this.process = process;
        this.configFile = configFile;
    }

    /** Writes config to a fresh directory and starts the appliance on it without waiting. */
    public static HeadendProcess launch(final Netns net, final String config)
    {
        return launch(net, config, List.of());
    }

    /** As {@link #launch(Netns, String)}, with more command-line arguments for {@code ./headend}. */
    public static HeadendProcess launch(final Netns net, final String config, final List<String> extraArgs)
    {
        final Path dir = Harness.tempDir("headend-");
        final Path file = dir.resolve("startup-config");
        try
        {
            Files.writeString(file, config);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        return launchOn(net, file, extraArgs);
    }

    /**
     * Starts the appliance again on the startup-config (and state directory) of an earlier run, without waiting:
     * what {@code write memory} saved is what it loads.
     */
    public static HeadendProcess relaunch(final Netns net, final Path configFile)
    {
        return launchOn(net, configFile, List.of());
    }

    private static HeadendProcess launchOn(final Netns net, final Path file, final List<String> extraArgs)
    {
        final Path dir = file.getParent();
        final Path launcher = Harness.repoRoot().resolve("headend");
        if (!Files.isExecutable(launcher))
        {
            throw new AssertionError("the launcher " + launcher + " is missing or not executable");
        }
        final List<String> argv = new ArrayList<>(Netns.in(net.server(), launcher.toString(), "--config",
            file.toString(), "--state-dir", dir.resolve("state").toString()));
        argv.addAll(extraArgs);
        final Map<String, String> env = new HashMap<>();
        // the test run has already built everything; the launcher may use this to skip its own build check
        env.put("HEADEND_NO_BUILD", "1");
        final ManagedProcess process = ManagedProcess.start("headend", argv, Harness.repoRoot(), env);
        return new HeadendProcess(net, process, file);
    }

    /** Starts the appliance and waits until it printed how to connect, shows its prompt, and accepts TCP. */
    public static HeadendProcess start(final Netns net, final ApplianceConfig config)
    {
        return start(net, config, List.of());
    }

    /** As {@link #start(Netns, ApplianceConfig)}, with more command-line arguments for {@code ./headend}. */
    public static HeadendProcess start(final Netns net, final ApplianceConfig config, final List<String> extraArgs)
    {
        final HeadendProcess headend = launch(net, config.render(), extraArgs);
        try
        {
            headend.awaitReady();
        }
        catch (final RuntimeException | AssertionError ex)
        {
            headend.close();
            throw ex;
        }
        return headend;
    }

    public void awaitReady()
    {
        pin = process.waitFor(PIN_REGEX, START_TIMEOUT).group(1);
        url = process.waitFor(URL_REGEX, Duration.ofSeconds(5)).group(1);
        if (!process.out().awaitText(t -> PROMPT_AT_END.matcher(t).find(), 0, Duration.ofSeconds(30)))
        {
            throw new AssertionError("headend: no console prompt (e.g. 'headend# ') on stdout\n" + process.tails(60));
        }
        final Matcher hostPort = Pattern.compile("https://([0-9.]+)(?::([0-9]+))?/").matcher(url);
        if (!hostPort.find())
        {
            throw new AssertionError("headend: cannot parse URL " + url);
        }
        final int port = hostPort.group(2) == null ? 443 : Integer.parseInt(hostPort.group(2));
        NetTools.awaitTcp(net.client(), hostPort.group(1), port, Duration.ofSeconds(30));
    }

    public ManagedProcess process()
    {
        return process;
    }

    public long pid()
    {
        return process.pid();
    }

    public Path configFile()
    {
        return configFile;
    }

    /** The --state-dir given to the appliance (certificate, SSH host key, disk0:, audit.log). */
    public Path stateDir()
    {
        return configFile.getParent().resolve("state");
    }

    /** pin-sha256:… as printed in the how-to-connect text. */
    public String pin()
    {
        return pin;
    }

    /** https://ADDR[:PORT]/ as printed in the how-to-connect text. */
    public String url()
    {
        return url;
    }

    /** Sends one console command; returns its output up to (not including) the next prompt. */
    public synchronized String console(final String command)
    {
        final int mark = process.out().mark();
        process.writeLine(command);
        if (!process.out().awaitText(t -> PROMPT_AT_END.matcher(t).find(), mark, CONSOLE_TIMEOUT))
        {
            throw new AssertionError("headend console: no prompt after '" + command + "' within " + CONSOLE_TIMEOUT +
                "\n" + process.tails(60));
        }
        return strip(command, process.out().textFrom(mark));
    }

    /** Sends a command that asks a question; returns the output once regex (e.g. \[confirm\]) has appeared. */
    public synchronized String consoleUntil(final String command, final String regex)
    {
        final int mark = process.out().mark();
        process.writeLine(command);
        if (process.out().await(regex, mark, CONSOLE_TIMEOUT) == null)
        {
            throw new AssertionError("headend console: no /" + regex + "/ after '" + command + "'\n" +
                process.tails(60));
        }
        return process.out().textFrom(mark);
    }

    /** One row of show vpn-sessiondb anyconnect. */
    public record Session(String username, int index, String assignedIp, String publicIp)
    {
    }

    /** Parses show vpn-sessiondb anyconnect. */
    public List<Session> sessions()
    {
        return parseSessions(console("show vpn-sessiondb anyconnect"));
    }

    static List<Session> parseSessions(final String text)
    {
        final List<Session> list = new ArrayList<>();
        final Matcher user = Pattern.compile("Username\\s*:\\s*(\\S+)\\s+Index\\s*:\\s*(\\d+)").matcher(text);
        final Matcher ips = Pattern.compile("Assigned IP\\s*:\\s*([0-9.]+)\\s+Public IP\\s*:\\s*([0-9.]+)").matcher(text);
        while (user.find())
        {
            final boolean hasIps = ips.find();
            list.add(new Session(user.group(1), Integer.parseInt(user.group(2)), hasIps ? ips.group(1) : null,
                hasIps ? ips.group(2) : null));
        }
        return list;
    }

    /** Waits until show vpn-sessiondb anyconnect lists exactly n sessions (polling); returns them. */
    public List<Session> awaitSessionCount(final int n, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (true)
        {
            last = console("show vpn-sessiondb anyconnect");
            final List<Session> sessions = parseSessions(last);
            if (sessions.size() == n)
            {
                return sessions;
            }
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("expected " + n + " session(s) within " + timeout + ", console shows:\n" + last);
            }
            NetTools.sleep(500);
        }
    }

    /** Parses show counters: one "name value" per line (name may contain spaces; value is the last number). */
    public Map<String, Long> counters()
    {
        return parseCounters(console("show counters"));
    }

    static Map<String, Long> parseCounters(final String text)
    {
        final Map<String, Long> map = new HashMap<>();
        final Matcher m = Pattern.compile("(?m)^\\s*(.*?\\S)\\s*[:=]?\\s+(\\d+)\\s*$").matcher(text);
        while (m.find())
        {
            map.merge(m.group(1), Long.parseLong(m.group(2)), Long::sum);
        }
        return map;
    }

    /** Sum of the counters in text whose name matches regex (case-insensitive), or -1 if none does. */
    static long sumMatching(final Map<String, Long> counters, final String regex)
    {
        final Pattern p = Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
        long sum = -1;
        for (final Map.Entry<String, Long> e : counters.entrySet())
        {
            if (p.matcher(e.getKey()).find())
            {
                sum = Math.max(sum, 0) + e.getValue();
            }
        }
        return sum;
    }

    /** Sum of the counters whose name matches regex (case-insensitive), or -1 if none does. */
    public long counter(final String regex)
    {
        return sumMatching(counters(), regex);
    }

    /** The device in the server namespace that carries address (the appliance's TUN), or null. */
    public String deviceWithAddress(final String address)
    {
        final Cmd.Result r = Cmd.run("ip", "-n", net.server(), "-4", "-o", "addr", "show");
        for (final String line : r.output().split("\n"))
        {
            final String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && (f[3].equals(address) || f[3].startsWith(address + "/")))
            {
                return f[1];
            }
        }
        return null;
    }

    /** SIGTERM; returns the exit code, or null if still running after timeout. */
    public Integer terminate(final Duration timeout)
    {
        process.signal("TERM");
        return process.waitForExit(timeout);
    }

    @Override
    public void close()
    {
        process.stop(Duration.ofSeconds(10));
    }

    static String strip(final String command, final String raw)
    {
        String text = raw;
        final Matcher prompt = PROMPT_AT_END.matcher(text);
        if (prompt.find())
        {
            text = text.substring(0, prompt.start());
        }
        if (text.startsWith(command + "\n"))
        {
            text = text.substring(command.length() + 1);
        }
        return text;
    }
}
