package org.headend.nativecfg;

import org.headend.nativecfg.netns.NetworkNamespace;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace named {@code hdnc-<pid>-<role>-<n>} that exists for one test. It is deleted on
 * {@link #close()} and, should the JVM be stopped first, by a shutdown hook, so no test leaves one behind.
 */
public final class TestNamespace implements AutoCloseable
{
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String name;
    private final Thread cleanup;

    private TestNamespace(final String name)
    {
        this.name = name;
        cleanup = new Thread(() -> Commands.run("ip", "netns", "del", name), "delete-" + name);
    }

    /**
     * @param role short word naming the test, part of the namespace name.
     * @return a fresh namespace with loopback up.
     */
    public static TestNamespace create(final String role)
    {
        final String name = "hdnc-" + ProcessHandle.current().pid() + "-" + role + "-" + COUNTER.incrementAndGet();
        final TestNamespace namespace = new TestNamespace(name);
        Runtime.getRuntime().addShutdownHook(namespace.cleanup);
        try
        {
            Commands.runOrFail("ip", "netns", "add", name);
            namespace.ip("link", "set", "lo", "up");
            return namespace;
        }
        catch (final RuntimeException ex)
        {
            namespace.close();
            throw ex;
        }
    }

    /**
     * @return the namespace name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the calling thread's stay inside this namespace.
     */
    public NetworkNamespace enter()
    {
        return NetworkNamespace.enterOnCurrentThread(name);
    }

    /**
     * @param args arguments after {@code ip -n NAME}.
     * @return output of the successful command.
     */
    public String ip(final String... args)
    {
        return Commands.runOrFail(prefixed(new String[]{ "ip", "-n", name }, args));
    }

    /**
     * @param args arguments after {@code ip -n NAME}.
     * @return exit code and output.
     */
    public Commands.Result tryIp(final String... args)
    {
        return Commands.run(prefixed(new String[]{ "ip", "-n", name }, args));
    }

    /**
     * @param command program and arguments to run inside the namespace.
     * @return exit code and output.
     */
    public Commands.Result exec(final String... command)
    {
        return Commands.run(prefixed(new String[]{ "ip", "netns", "exec", name }, command));
    }

    /**
     * @param command program and arguments to start inside the namespace.
     * @return the running process.
     */
    public Process startExec(final String... command)
    {
        return Commands.start(prefixed(new String[]{ "ip", "netns", "exec", name }, command));
    }

    /**
     * Delete the namespace.
     */
    public void close()
    {
        Commands.run("ip", "netns", "del", name);
        try
        {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        catch (final IllegalStateException ignored)
        {
            // Already shutting down: the hook is running or has run.
        }
    }

    private static String[] prefixed(final String[] prefix, final String[] args)
    {
        final String[] command = new String[prefix.length + args.length];
        System.arraycopy(prefix, 0, command, 0, prefix.length);
        System.arraycopy(args, 0, command, prefix.length, args.length);
        return command;
    }
}
