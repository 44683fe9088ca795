package org.headend.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The appliance's SSH console driven by the real OpenSSH client (password given by sshpass) from a client
 * namespace, without a pty ({@code ssh -T}): lines go to stdin, and {@link #command} returns what was printed up to
 * the next prompt, like {@link HeadendProcess#console}.
 */
public final class SshCli implements AutoCloseable
{
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final ManagedProcess process;

    private SshCli(final ManagedProcess process)
    {
        this.process = process;
    }

    /** Installs the OpenSSH client and sshpass when missing (Debian packages). */
    public static void prerequisites()
    {
        Prerequisites.installMissing(java.util.Map.of("ssh", "openssh-client", "sshpass", "sshpass"));
    }

    /**
     * argv of one ssh run from ns to host as user with password.
     *
     * @param knownHosts a known_hosts file: the first connection records the key, later ones must see the same key
     */
    public static List<String> argv(final String ns, final String host, final String user, final String password,
        final Path knownHosts, final boolean strict)
    {
        final List<String> argv = new ArrayList<>(Netns.in(ns, "sshpass", "-p", password, "ssh", "-T",
            "-o", "StrictHostKeyChecking=" + (strict ? "yes" : "accept-new"),
            "-o", "UserKnownHostsFile=" + knownHosts,
            "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
            "-o", "NumberOfPasswordPrompts=1", "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR",
            user + "@" + host));
        return argv;
    }

    /** argv of an ssh run that forces a pty ({@code -tt}): the appliance edits lines with JLine there. */
    public static List<String> ttyArgv(final String ns, final String host, final String user, final String password,
        final Path knownHosts)
    {
        final List<String> argv = argv(ns, host, user, password, knownHosts, false);
        argv.set(argv.indexOf("-T"), "-tt");
        return argv;
    }

    /** Logs in and waits for the first prompt. */
    public static SshCli login(final String ns, final String host, final String user, final String password,
        final Path knownHosts, final boolean strict)
    {
        final ManagedProcess process = ManagedProcess.start("ssh[" + user + "]", argv(ns, host, user, password,
            knownHosts, strict), null, null);
        final SshCli cli = new SshCli(process);
        if (!process.out().awaitText(t -> HeadendProcess.PROMPT_AT_END.matcher(t).find(), 0, TIMEOUT))
        {
            process.stop(Duration.ofSeconds(2));
            throw new AssertionError("ssh " + user + "@" + host + ": no prompt\n" + process.tails(40));
        }
        return cli;
    }

    /** Runs one login attempt expected to fail; returns ssh's (sshpass's) exit code. */
    public static int failedLogin(final String ns, final String host, final String user, final String password,
        final Path knownHosts)
    {
        try (ManagedProcess process = ManagedProcess.start("ssh-fail[" + user + "]", argv(ns, host, user, password,
            knownHosts, false), null, null))
        {
            process.closeStdin();
            final Integer code = process.waitForExit(Duration.ofSeconds(30));
            if (code == null)
            {
                throw new AssertionError("ssh with a wrong password did not give up\n" + process.tails(40));
            }
            return code;
        }
    }

    /** The prompt the session shows now, e.g. {@code headend#} (without the blank). */
    public String prompt()
    {
        final String text = process.out().text();
        final var m = HeadendProcess.PROMPT_AT_END.matcher(text);
        return m.find() ? text.substring(m.start()).strip() : "";
    }

    /** Sends one line; returns its output up to (not including) the next prompt. */
    public String command(final String line)
    {
        final int mark = process.out().mark();
        process.writeLine(line);
        if (!process.out().awaitText(t -> HeadendProcess.PROMPT_AT_END.matcher(t).find(), mark, TIMEOUT))
        {
            throw new AssertionError("ssh: no prompt after '" + abbreviate(line) + "'\n" + process.tails(40));
        }
        final String text = process.out().textFrom(mark);
        final var m = HeadendProcess.PROMPT_AT_END.matcher(text);
        return m.find() ? text.substring(0, m.start()) : text;
    }

    /** Sends a line that asks something; returns the output once regex has appeared. */
    public String commandUntil(final String line, final String regex)
    {
        final int mark = process.out().mark();
        process.writeLine(line);
        if (process.out().await(regex, mark, TIMEOUT) == null)
        {
            throw new AssertionError("ssh: no /" + regex + "/ after '" + abbreviate(line) + "'\n" + process.tails(40));
        }
        return process.out().textFrom(mark);
    }

    public ManagedProcess process()
    {
        return process;
    }

    private static String abbreviate(final String line)
    {
        return line.length() > 80 ? line.substring(0, 80) + "..." : line;
    }

    @Override
    public void close()
    {
        if (process.isAlive())
        {
            process.writeLine("exit");
            process.closeStdin();
            process.waitForExit(Duration.ofSeconds(5));
        }
        process.stop(Duration.ofSeconds(2));
    }
}
