package org.headend.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real three-member etcd for cluster tests, in a namespace of its own ({@code hdit-PID-…-etcd}, so that the
 * harness's stale-namespace sweep removes it after a crash) on a bridge, {@code 192.0.2.0/24}: etcd members on
 * .11–.13, and each headend's server namespace joined to the bridge by {@link #attach} on .21, .22, …
 * {@link #close} kills etcd and deletes the namespace (the veths go with it).
 */
final class EtcdNamespaces implements AutoCloseable
{
    static final String NET = "192.0.2.";
    private static int sequence;

    private final String ns;
    private final Path dataDir;
    private final List<ManagedProcess> members = new ArrayList<>();
    private final List<String> attached = new ArrayList<>();
    private boolean created;
    private String client;

    EtcdNamespaces()
    {
        ns = Netns.PREFIX + ProcessHandle.current().pid() + "-" + nextSequence() + "-etcd";
        dataDir = Harness.tempDir("etcd-");
        try
        {
            Cmd.check("ip", "netns", "add", ns);
            created = true;
            Cmd.check("ip", "-n", ns, "link", "set", "lo", "up");
            Cmd.check("ip", "-n", ns, "link", "add", "br-cl", "type", "bridge");
            Cmd.check("ip", "-n", ns, "link", "set", "br-cl", "up");
            for (int i = 1; i <= 3; i++)
            {
                Cmd.check("ip", "-n", ns, "addr", "add", NET + (10 + i) + "/24", "dev", "br-cl");
            }
            final StringBuilder initial = new StringBuilder();
            for (int i = 1; i <= 3; i++)
            {
                initial.append(i == 1 ? "" : ",").append("e").append(i).append("=http://").append(NET)
                    .append(10 + i).append(":2380");
            }
            for (int i = 1; i <= 3; i++)
            {
                final String ip = NET + (10 + i);
                members.add(ManagedProcess.start("etcd-e" + i, Netns.in(ns, "etcd", "--logger=zap",
                    "--log-level=warn", "--name", "e" + i, "--data-dir", dataDir.resolve("e" + i).toString(),
                    "--listen-client-urls", "http://" + ip + ":2379", "--advertise-client-urls",
                    "http://" + ip + ":2379", "--listen-peer-urls", "http://" + ip + ":2380",
                    "--initial-advertise-peer-urls", "http://" + ip + ":2380", "--initial-cluster",
                    initial.toString(), "--initial-cluster-token", ns, "--initial-cluster-state", "new",
                    "--pre-vote=true"), dataDir, java.util.Map.of()));
            }
            awaitHealthy();
        }
        catch (final RuntimeException | AssertionError ex)
        {
            close();
            throw ex;
        }
    }

    private static synchronized int nextSequence()
    {
        return ++sequence;
    }

    /** The {@code cluster etcd-endpoints} line's URLs. */
    String endpoints()
    {
        return "http://" + NET + "11:2379 http://" + NET + "12:2379 http://" + NET + "13:2379";
    }

    /**
     * Joins {@code serverNs} to the etcd bridge as {@code 192.0.2.(20+n)}, where TCP 443 reaches the headend on
     * 10.77.0.1 (destination NAT): the member's address for clients on the bridge, its {@code nat} address.
     */
    void attach(final String serverNs, final int n)
    {
        final String port = "cl" + n;
        Cmd.check("ip", "-n", ns, "link", "add", port, "type", "veth", "peer", "name", "cl0", "netns", serverNs);
        Cmd.check("ip", "-n", ns, "link", "set", port, "master", "br-cl", "up");
        Cmd.check("ip", "-n", serverNs, "addr", "add", NET + (20 + n) + "/24", "dev", "cl0");
        Cmd.check("ip", "-n", serverNs, "link", "set", "cl0", "up");
        Netns.exec(serverNs, "nft", "add table ip hdcl; add chain ip hdcl pre { type nat hook prerouting "
            + "priority -100; }; add rule ip hdcl pre ip daddr " + NET + (20 + n) + " tcp dport 443 dnat to "
            + Netns.SERVER_ADDRESS).check();
        attached.add(serverNs);
    }

    /** A client namespace on the bridge, {@code 192.0.2.50}, that reaches every member at its bridge address. */
    String client()
    {
        if (client == null)
        {
            client = ns.replace("-etcd", "-clu");
            Cmd.check("ip", "netns", "add", client);
            Cmd.check("ip", "-n", client, "link", "set", "lo", "up");
            Cmd.check("ip", "-n", ns, "link", "add", "clu", "type", "veth", "peer", "name", "eth0", "netns", client);
            Cmd.check("ip", "-n", ns, "link", "set", "clu", "master", "br-cl", "up");
            Cmd.check("ip", "-n", client, "addr", "add", NET + "50/24", "dev", "eth0");
            Cmd.check("ip", "-n", client, "link", "set", "eth0", "up");
        }
        return client;
    }

    private void awaitHealthy()
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true)
        {
            final Cmd.Result health = Cmd.run(Duration.ofSeconds(10), Netns.in(ns, "etcdctl", "--endpoints",
                endpoints().replace(' ', ','), "endpoint", "health"));
            if (health.exitCode() == 0)
            {
                return;
            }
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("etcd did not become healthy:\n" + health.output() + "\n"
                    + members.stream().map(m -> m.tails(20)).reduce("", String::concat));
            }
            NetTools.sleep(300);
        }
    }

    @Override
    public void close()
    {
        for (final ManagedProcess member : members)
        {
            member.close();
        }
        if (client != null)
        {
            Cmd.run(Duration.ofSeconds(30), List.of("ip", "netns", "delete", client));
            client = null;
        }
        if (created)
        {
            Cmd.run(Duration.ofSeconds(30), List.of("ip", "netns", "delete", ns));
            created = false;
        }
    }
}
