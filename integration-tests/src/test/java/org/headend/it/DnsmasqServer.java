package org.headend.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real DHCP server (Debian's {@code dnsmasq}, DNS off) run by a test inside a network namespace: one range, answering
 * requests relayed to it (the range is chosen by the relay's giaddr), every exchange in its log
 * ({@code --log-dhcp} on stderr) and its leases in a file of its own.
 */
public final class DnsmasqServer implements AutoCloseable
{
    private final ManagedProcess process;
    private final Path leaseFile;

    private DnsmasqServer(final ManagedProcess process, final Path leaseFile)
    {
        this.process = process;
        this.leaseFile = leaseFile;
    }

    /** Checks that the package is installed. */
    public static void prerequisites()
    {
        if (Cmd.run(Duration.ofSeconds(10), List.of("sh", "-c", "command -v dnsmasq")).exitCode() != 0)
        {
            throw new AssertionError("dnsmasq is not installed (./run-tests installs it)");
        }
    }

    /**
     * Starts dnsmasq in {@code ns} on its {@code eth0}, leasing {@code first}..{@code last} of {@code mask} for
     * {@code leaseTime} (dnsmasq's syntax, at least 2m) with the renewal time T1 and rebinding time T2 in seconds.
     */
    public static DnsmasqServer start(final String ns, final String first, final String last, final String mask,
        final String leaseTime, final int t1Seconds, final int t2Seconds)
    {
        final Path dir = Harness.tempDir("dnsmasq-");
        final Path leases = dir.resolve("dnsmasq.leases");
        try
        {
            Files.createFile(leases);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final ManagedProcess process = ManagedProcess.start("dnsmasq", Netns.in(ns, "dnsmasq", "--no-daemon",
            "--port=0", "--conf-file=/dev/null", "--user=root", "--interface=eth0", "--no-ping", "--log-dhcp",
            "--log-facility=-", "--pid-file=" + dir.resolve("dnsmasq.pid"), "--dhcp-leasefile=" + leases,
            "--dhcp-range=" + first + "," + last + "," + mask + "," + leaseTime,
            "--dhcp-option=option:T1," + t1Seconds, "--dhcp-option=option:T2," + t2Seconds), dir, null);
        process.waitFor("DHCP, IP range", Duration.ofSeconds(15));
        return new DnsmasqServer(process, leases);
    }

    /** Waits for a log line matching {@code regex}. */
    public java.util.regex.Matcher waitFor(final String regex, final Duration timeout)
    {
        return process.waitFor(regex, timeout);
    }

    /** The lease file now: one line per lease (expiry, hardware address, IP address, name, client id). */
    public String leases()
    {
        try
        {
            return Files.readString(leaseFile);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** What dnsmasq logged. */
    public String log()
    {
        return process.out().text() + process.err().text();
    }

    @Override
    public void close()
    {
        process.stop(Duration.ofSeconds(3));
    }
}
