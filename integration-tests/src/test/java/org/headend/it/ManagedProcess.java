package org.headend.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

/**
 * A long-running child process with its stdout and stderr captured by two reader threads, its stdin kept open for
 * the test to write to, and its pid at hand for signals. Every instance is registered so that a failing test can
 * print what it said ({@link HarnessExtension}) and so that nothing outlives the test run ({@link #killAll}).
 */
public final class ManagedProcess implements AutoCloseable
{
    private static final List<ManagedProcess> ALL = new CopyOnWriteArrayList<>();

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(ManagedProcess::killAll, "hdit-kill-processes"));
    }

    private final String label;
    private final List<String> argv;
    private final Process process;
    private final Transcript out;
    private final Transcript err;
    private final OutputStream stdin;
    private final long startedNs = System.nanoTime();
    private volatile java.util.function.Supplier<String> extraDump;

    private ManagedProcess(final String label, final List<String> argv, final Path workDir,
        final Map<String, String> env)
    {
        this.label = label;
        this.argv = List.copyOf(argv);
        final ProcessBuilder builder = new ProcessBuilder(this.argv);
        if (workDir != null)
        {
            builder.directory(workDir.toFile());
        }
        if (env != null)
        {
            builder.environment().putAll(env);
        }
        try
        {
            process = builder.start();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot start " + String.join(" ", this.argv), ex);
        }
        out = new Transcript(label + " stdout");
        err = new Transcript(label + " stderr");
        stdin = process.getOutputStream();
        pump(process.getInputStream(), out);
        pump(process.getErrorStream(), err);
        ALL.add(this);
    }

    /** Starts argv as a managed process. */
    public static ManagedProcess start(final String label, final List<String> argv, final Path workDir,
        final Map<String, String> env)
    {
        return new ManagedProcess(label, argv, workDir, env);
    }

    public String label()
    {
        return label;
    }

    public long pid()
    {
        return process.pid();
    }

    public Transcript out()
    {
        return out;
    }

    public Transcript err()
    {
        return err;
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    /** Writes one line to the process's stdin. */
    public void writeLine(final String line)
    {
        try
        {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(label + ": cannot write to stdin (exited?)", ex);
        }
    }

    public void closeStdin()
    {
        try
        {
            stdin.close();
        }
        catch (final IOException ignored)
        {
            // already gone
        }
    }

    /** Sends a signal by name (STOP, CONT, USR2, TERM, KILL, INT) with kill(1). */
    public void signal(final String name)
    {
        if (process.isAlive())
        {
            Cmd.run("kill", "-s", name, Long.toString(process.pid()));
        }
    }

    /** Waits for regex in stdout or stderr (whichever shows it first); fails the test with the output on timeout. */
    public Matcher waitFor(final String regex, final Duration timeout)
    {
        return waitFor(regex, 0, 0, timeout);
    }

    /** As {@link #waitFor(String, Duration)}, looking only at output written after the two marks. */
    public Matcher waitFor(final String regex, final int outMark, final int errMark, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            // read before looking: output that arrived just before the streams closed is then still seen
            final boolean ended = out.isClosed() && err.isClosed();
            Matcher m = out.find(regex, outMark);
            if (m == null)
            {
                m = err.find(regex, errMark);
            }
            if (m != null)
            {
                return m;
            }
            final long left = deadline - System.nanoTime();
            if (left <= 0 || ended)
            {
                throw new AssertionError(label + ": no output matching /" + regex + "/ within " + timeout +
                    (process.isAlive() ? "" : " (process exited with " + exitCodeOrNull() + ")") + "\n" + tails(60));
            }
            out.await(regex, outMark, Duration.ofNanos(Math.min(left, 250_000_000L)));
        }
    }

    /** Exit code once the process has ended within the timeout, else null. */
    public Integer waitForExit(final Duration timeout)
    {
        try
        {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                return process.exitValue();
            }
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public Integer exitCodeOrNull()
    {
        return process.isAlive() ? null : process.exitValue();
    }

    /** SIGTERM, then SIGKILL if it has not ended within grace. */
    public void stop(final Duration grace)
    {
        if (!process.isAlive())
        {
            return;
        }
        process.destroy();
        if (waitForExit(grace) == null)
        {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close()
    {
        stop(Duration.ofSeconds(5));
    }

    /** The last lines of both streams. */
    public String tails(final int lines)
    {
        return "---- " + out.name() + " ----\n" + out.tail(lines) + "\n---- " + err.name() + " ----\n" + err.tail(lines);
    }

    /** Something more to print with this process's output when a test fails (e.g. the connect script's log). */
    public void setExtraDump(final java.util.function.Supplier<String> supplier)
    {
        extraDump = supplier;
    }

    /** What a failing test prints about this process. */
    public void dump(final PrintStream to, final int lines)
    {
        final double age = (System.nanoTime() - startedNs) / 1e9;
        to.printf("======== %s (pid %d, %s, started %.1f s ago) ========%n%s%n", label, process.pid(),
            process.isAlive() ? "running" : "exit " + process.exitValue(), age, String.join(" ", argv));
        to.println(tails(lines));
        final java.util.function.Supplier<String> extra = extraDump;
        if (extra != null)
        {
            to.println(extra.get());
        }
    }

    /** Every process started since the given index in the registry (for per-class dumps). */
    static List<ManagedProcess> since(final int index)
    {
        final List<ManagedProcess> list = new ArrayList<>();
        for (int i = index; i < ALL.size(); i++)
        {
            list.add(ALL.get(i));
        }
        return list;
    }

    static int registered()
    {
        return ALL.size();
    }

    /** Kills every process the harness started that still runs (TERM, short grace, KILL). */
    public static void killAll()
    {
        for (final ManagedProcess p : ALL)
        {
            if (p.process.isAlive())
            {
                p.process.destroy();
            }
        }
        for (final ManagedProcess p : ALL)
        {
            if (p.process.isAlive())
            {
                if (p.waitForExit(Duration.ofSeconds(3)) == null)
                {
                    // a SIGSTOPped process ignores TERM until continued; KILL works regardless
                    p.process.destroyForcibly();
                    p.waitForExit(Duration.ofSeconds(3));
                }
            }
        }
    }

    private void pump(final InputStream stream, final Transcript into)
    {
        Thread.ofPlatform().daemon().name("hdit-" + into.name()).start(() ->
        {
            final char[] buffer = new char[8192];
            try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8))
            {
                int n;
                while ((n = reader.read(buffer)) >= 0)
                {
                    into.append(new String(buffer, 0, n));
                }
            }
            catch (final IOException ignored)
            {
                // stream closed: the process ended
            }
            finally
            {
                into.close();
            }
        });
    }
}
