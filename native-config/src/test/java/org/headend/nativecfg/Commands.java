package org.headend.nativecfg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs iproute2 and friends for tests: to create namespaces and to check what our own code did through a tool
 * that does not share its code.
 */
public final class Commands
{
    private static final long TIMEOUT_SECONDS = 10;

    /**
     * @param exitCode process exit code.
     * @param output   stdout and stderr, interleaved.
     */
    public record Result(int exitCode, String output)
    {
    }

    private Commands()
    {
    }

    /**
     * @param command program and arguments.
     * @return exit code and output.
     */
    public static Result run(final String... command)
    {
        final Process process = start(command);
        try
        {
            final byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + List.of(command));
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @param command program and arguments.
     * @return its output.
     * @throws IllegalStateException with the output if it exits non-zero.
     */
    public static String runOrFail(final String... command)
    {
        final Result result = run(command);
        if (result.exitCode() != 0)
        {
            throw new IllegalStateException(List.of(command) + " exited " + result.exitCode() + ": " + result.output());
        }
        return result.output();
    }

    /**
     * @param command program and arguments.
     * @return the running process, stderr merged into stdout.
     */
    public static Process start(final String... command)
    {
        try
        {
            return new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return true if this process runs as root, /dev/net/tun exists and iproute2 is installed.
     */
    public static boolean canConfigureNetwork()
    {
        try
        {
            final boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter((line) -> line.startsWith("Uid:"))
                .anyMatch((line) -> "0".equals(line.split("\\s+")[1]));
            return root && Files.exists(Path.of("/dev/net/tun")) && run("ip", "-V").exitCode() == 0;
        }
        catch (final IOException | UncheckedIOException ex)
        {
            return false;
        }
    }
}
