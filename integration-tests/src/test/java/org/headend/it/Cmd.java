package org.headend.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived command to completion (ip, kill, ping, …) with a hard time limit.
 * Output is stdout and stderr merged; a command that overruns its limit is killed.
 */
public final class Cmd
{
    /** Outcome of one command. */
    public record Result(List<String> argv, int exitCode, String output)
    {
        public boolean ok()
        {
            return exitCode == 0;
        }

        public Result check()
        {
            if (exitCode != 0)
            {
                throw new IllegalStateException("command failed (exit " + exitCode + "): " + String.join(" ", argv) +
                    "\n" + output);
            }
            return this;
        }
    }

    private static final Duration DEFAULT_LIMIT = Duration.ofSeconds(30);

    private Cmd()
    {
    }

    /** Runs argv, fails if the exit code is not 0. */
    public static String check(final String... argv)
    {
        return run(DEFAULT_LIMIT, argv).check().output();
    }

    /** Runs argv and returns its result whatever the exit code. */
    public static Result run(final String... argv)
    {
        return run(DEFAULT_LIMIT, argv);
    }

    public static Result run(final Duration limit, final String... argv)
    {
        return run(limit, Arrays.asList(argv));
    }

    public static Result run(final Duration limit, final List<String> argv)
    {
        final List<String> command = new ArrayList<>(argv);
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            final byte[][] captured = new byte[1][];
            final Thread reader = Thread.ofPlatform().daemon().start(() -> captured[0] = readAll(process.getInputStream()));
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                reader.join(2000);
                return new Result(command, 124, "timed out after " + limit + "\n" + text(captured[0]));
            }
            reader.join(5000);
            return new Result(command, process.exitValue(), text(captured[0]));
        }
        catch (final IOException ex)
        {
            return new Result(command, 127, ex.toString());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, ex);
        }
    }

    private static byte[] readAll(final InputStream in)
    {
        try (in)
        {
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            return new byte[0];
        }
    }

    private static String text(final byte[] bytes)
    {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }
}
