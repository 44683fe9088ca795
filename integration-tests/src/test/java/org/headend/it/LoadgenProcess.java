package org.headend.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./loadgen} (the repository's launcher, built by the reactor) run in a client namespace: waits for the line it
 * prints once every arrival has settled, then for its exit, and reads figures from its {@code summary.json}.
 */
public final class LoadgenProcess implements AutoCloseable
{
    private static final Pattern SETTLED = Pattern.compile("LOADGEN SETTLED up=(\\d+) dtls=(\\d+) failed=(\\d+)");

    private final ManagedProcess process;
    private final Path out;

    private LoadgenProcess(final ManagedProcess process, final Path out)
    {
        this.process = process;
        this.out = out;
    }

    /** Starts the generator in namespace ns with these options (--out is added). */
    public static LoadgenProcess start(final String ns, final List<String> options)
    {
        final Path out = Harness.tempDir("loadgen-");
        final List<String> argv = new ArrayList<>();
        argv.add(Harness.repoRoot().resolve("loadgen").toString());
        argv.addAll(options);
        argv.add("--out");
        argv.add(out.toString());
        final ManagedProcess process = ManagedProcess.start("loadgen", Netns.in(ns, argv.toArray(String[]::new)),
            out, Map.of("LOADGEN_NO_BUILD", "1"));
        return new LoadgenProcess(process, out);
    }

    /** Sessions up, on DTLS, and failures when the arrivals settled. */
    public record Settled(int up, int dtls, int failed)
    {
    }

    public Settled awaitSettled(final Duration timeout)
    {
        final Matcher m = process.waitFor(SETTLED.pattern(), timeout);
        return new Settled(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /** Waits for the exit; returns the exit code (0: no failures). */
    public int awaitExit(final Duration timeout)
    {
        final Integer code = process.waitForExit(timeout);
        if (code == null)
        {
            throw new AssertionError("loadgen still running after " + timeout + "\n" + process.tails(40));
        }
        return code;
    }

    /** The summary.json text. */
    public String summary()
    {
        try
        {
            return Files.readString(out.resolve("summary.json"));
        }
        catch (final IOException ex)
        {
            throw new AssertionError("no summary.json\n" + process.tails(40), ex);
        }
    }

    /** The first number after {@code "key":} in the summary (keys are unique enough for the ones tests read). */
    public double figure(final String key)
    {
        final Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": (-?[0-9.]+)").matcher(summary());
        if (!m.find())
        {
            throw new AssertionError("no " + key + " in\n" + summary());
        }
        return Double.parseDouble(m.group(1));
    }

    public ManagedProcess process()
    {
        return process;
    }

    @Override
    public void close()
    {
        process.stop(Duration.ofSeconds(5));
    }
}
