package org.headend.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * The real openconnect client in a client namespace: password login, {@code --authenticate} for a cookie, and
 * {@code --cookie-on-stdin} reconnects. The tunnel is configured by hdit-connect-script.sh, which logs what
 * openconnect told it to a per-client file ({@link #scriptCalls()}).
 */
public final class OpenconnectClient implements AutoCloseable
{
    public static final String TUN = "hdtun0";

    private final String ns;
    private final String url;
    private final String pin;
    private final String user;
    private final boolean dtls;
    private final List<String> extraArgs;
    private final Path dir;
    private final Path envLog;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private ManagedProcess process;

    /**
     * @param ns   client namespace
     * @param url  https://ADDR[:PORT]/
     * @param pin  pin-sha256:… of the server certificate
     * @param user login name
     * @param dtls false adds --no-dtls
     */
    public OpenconnectClient(final String ns, final String url, final String pin, final String user, final boolean dtls)
    {
        this(ns, url, pin, user, dtls, List.of());
    }

    /**
     * @param extraArgs more openconnect options, e.g. {@code --dtls-ciphers=OC-DTLS1_2-AES128-GCM}
     */
    public OpenconnectClient(final String ns, final String url, final String pin, final String user, final boolean dtls,
        final List<String> extraArgs)
    {
        this.ns = ns;
        this.url = url;
        this.pin = pin;
        this.user = user;
        this.dtls = dtls;
        this.extraArgs = List.copyOf(extraArgs);
        this.dir = Harness.tempDir("oc-" + user + "-");
        this.envLog = dir.resolve("script-env.log");
    }

    public String namespace()
    {
        return ns;
    }

    /** The login name. */
    public String user()
    {
        return user;
    }

    /** Sets a variable in openconnect's environment (before it starts), e.g. GNUTLS_SYSTEM_PRIORITY_FILE. */
    public OpenconnectClient environment(final String name, final String value)
    {
        environment.put(name, value);
        return this;
    }

    public ManagedProcess process()
    {
        return process;
    }

    /** Starts a password login and the tunnel; does not wait. */
    public OpenconnectClient startWithPassword(final String password)
    {
        final List<String> argv = baseArgv();
        argv.addAll(List.of("--passwd-on-stdin", "--user", user));
        argv.addAll(tunnelArgs());
        argv.add(url);
        process = ManagedProcess.start("openconnect[" + user + "@" + shortNs() + "]", argv, dir, env());
        process.setExtraDump(() -> "---- connect script log ----\n" + scriptLog());
        process.writeLine(password);
        process.closeStdin();
        return this;
    }

    /**
     * Starts a single sign-on login with {@code --external-browser=BROWSER} (openconnect runs it with the IdP
     * kick-off URL and waits for the token at localhost:29786) and the tunnel; does not wait.
     */
    public OpenconnectClient startWithExternalBrowser(final Path browser)
    {
        final List<String> argv = baseArgv();
        argv.add("--external-browser=" + browser);
        argv.addAll(tunnelArgs());
        argv.add(url);
        process = ManagedProcess.start("openconnect-sso[" + user + "@" + shortNs() + "]", argv, dir, env());
        process.setExtraDump(() -> "---- connect script log ----\n" + scriptLog());
        process.closeStdin();
        return this;
    }

    /** Starts the tunnel with a cookie from {@link #authenticate}; does not wait. */
    public OpenconnectClient startWithCookie(final String cookie)
    {
        final List<String> argv = baseArgv();
        argv.add("--cookie-on-stdin");
        argv.addAll(tunnelArgs());
        argv.add(url);
        process = ManagedProcess.start("openconnect-C[" + user + "@" + shortNs() + "]", argv, dir, env());
        process.setExtraDump(() -> "---- connect script log ----\n" + scriptLog());
        process.writeLine(cookie);
        process.closeStdin();
        return this;
    }

    /** Logs in with --authenticate and returns the COOKIE value it printed (fails the test if it printed none). */
    public String authenticate(final String password)
    {
        final List<String> argv = baseArgv();
        argv.addAll(List.of("--authenticate", "--passwd-on-stdin", "--user", user, url));
        final ManagedProcess auth = ManagedProcess.start("openconnect-auth[" + user + "@" + shortNs() + "]", argv, dir,
            env());
        auth.writeLine(password);
        auth.closeStdin();
        final Matcher m = auth.waitFor("^COOKIE=(.*)$", Duration.ofSeconds(30));
        auth.waitForExit(Duration.ofSeconds(10));
        return unquote(m.group(1).trim());
    }

    /** Waits for the tunnel to come up and returns the address openconnect reports ("Configured as A"). */
    public String awaitConfigured(final Duration timeout)
    {
        final Matcher m = process.waitFor("Configured as ([0-9.]+)", timeout);
        awaitScriptCall("connect", 1, Duration.ofSeconds(10));
        return m.group(1);
    }

    /** Waits until openconnect has printed "CSTP connected" at least count times (initial connect + reconnects). */
    public void awaitCstpConnected(final int count, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final String all = process.out().text() + "\n" + process.err().text();
            if (countOf(all, "CSTP connected") >= count)
            {
                return;
            }
            if (System.nanoTime() > deadline || !process.isAlive())
            {
                throw new AssertionError("openconnect: expected " + count + "x 'CSTP connected' within " + timeout +
                    (process.isAlive() ? "" : " (exited " + process.exitCodeOrNull() + ")") + "\n" + process.tails(60));
            }
            sleep(100);
        }
    }

    /** Waits until the script has been called with this reason at least count times. */
    public Map<String, String> awaitScriptCall(final String reason, final int count, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final List<Map<String, String>> calls = scriptCalls().stream()
                .filter(c -> reason.equals(c.get("reason"))).toList();
            if (calls.size() >= count)
            {
                return calls.get(count - 1);
            }
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("connect script not called " + count + "x with reason=" + reason + " within " +
                    timeout + "; calls so far: " + scriptCalls() + "\n" + (process == null ? "" : process.tails(60)));
            }
            sleep(100);
        }
    }

    /** Every call of the connect script so far, in order: the environment it was given. */
    public List<Map<String, String>> scriptCalls()
    {
        final List<Map<String, String>> calls = new ArrayList<>();
        if (!Files.exists(envLog))
        {
            return calls;
        }
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(envLog, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return calls;
        }
        Map<String, String> current = null;
        for (final String line : lines)
        {
            if (line.startsWith("### reason="))
            {
                current = new LinkedHashMap<>();
            }
            else if (line.equals("### end"))
            {
                if (current != null)
                {
                    calls.add(current);
                }
                current = null;
            }
            else if (current != null && line.indexOf('=') > 0)
            {
                current.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return calls;
    }

    /** Address of the tun in the client namespace right now (null when it has none). */
    public String tunAddress()
    {
        final Cmd.Result r = Cmd.run("ip", "-n", ns, "-4", "-o", "addr", "show", "dev", TUN);
        final Matcher m = java.util.regex.Pattern.compile("inet ([0-9.]+)/").matcher(r.output());
        return r.ok() && m.find() ? m.group(1) : null;
    }

    /** Packets that came out of the tunnel into the client's tun (written by openconnect: the device's RX). */
    public long tunRxPackets()
    {
        final Cmd.Result rx = Cmd.run("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + TUN + "/statistics/rx_packets");
        return rx.ok() ? Long.parseLong(rx.output().trim()) : -1;
    }

    public void signal(final String name)
    {
        process.signal(name);
    }

    public Integer waitForExit(final Duration timeout)
    {
        return process.waitForExit(timeout);
    }

    @Override
    public void close()
    {
        if (process != null)
        {
            process.signal("CONT");
            process.stop(Duration.ofSeconds(5));
        }
    }

    /** The script's log, for failure reports. */
    public String scriptLog()
    {
        try
        {
            return Files.exists(envLog) ? Files.readString(envLog) : "(script not called)";
        }
        catch (final IOException ex)
        {
            return ex.toString();
        }
    }

    private List<String> baseArgv()
    {
        final List<String> argv = new ArrayList<>(Netns.in(ns, "openconnect", "--protocol=anyconnect",
            "--non-inter", "--servercert", pin));
        if (!dtls)
        {
            argv.add("--no-dtls");
        }
        argv.addAll(extraArgs);
        return argv;
    }

    private List<String> tunnelArgs()
    {
        return List.of("--script", Harness.connectScript().toString(), "--interface", TUN);
    }

    private Map<String, String> env()
    {
        final Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("HDIT_ENV_LOG", envLog.toString());
        return env;
    }

    private String shortNs()
    {
        return ns.substring(ns.lastIndexOf('-') + 1);
    }

    private static String unquote(final String value)
    {
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'"))
        {
            return value.substring(1, value.length() - 1).replace("'\\''", "'");
        }
        return value;
    }

    private static int countOf(final String text, final String what)
    {
        int n = 0;
        int i = 0;
        while ((i = text.indexOf(what, i)) >= 0)
        {
            n++;
            i += what.length();
        }
        return n;
    }

    private static void sleep(final long ms)
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
}
