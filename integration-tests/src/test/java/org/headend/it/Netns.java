package org.headend.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test network: a server namespace, one or more client namespaces, and optionally an "inside" host behind the
 * server, all created by this fixture and removed by {@link #close()} (or the shutdown hook if the JVM dies first).
 *
 * <pre>
 *  one client:   [cli1 eth0 10.77.0.2] ──veth── [veth-srv 10.77.0.1  srv]
 *  n clients:    [cliN eth0 10.77.0.(1+N)] ──veth── vcN ─┐
 *                                                        br-out 10.77.0.1  srv
 *  inside host:  [srv veth-in 10.78.0.1] ──veth── [eth0 10.78.0.2  in]   (srv forwards)
 *                         2001:db8:200::1/64         2001:db8:200::2/64
 * </pre>
 *
 * Names are {@code hdit-PID-SEQ-ROLE}; namespaces of a test JVM that has died are removed at the next start.
 * Devices are created directly inside the namespaces, so their names never clash across fixtures.
 */
public final class Netns implements AutoCloseable
{
    public static final String PREFIX = "hdit-";
    public static final String SERVER_ADDRESS = "10.77.0.1";
    public static final int OUTSIDE_PREFIX_LENGTH = 24;
    public static final String INSIDE_SERVER_ADDRESS = "10.78.0.1";
    public static final String INSIDE_HOST_ADDRESS = "10.78.0.2";
    /** The server's IPv6 address on the inside link (/64, like the inside host's). */
    public static final String INSIDE_SERVER_ADDRESS6 = "2001:db8:200::1";
    public static final String INSIDE_HOST_ADDRESS6 = "2001:db8:200::2";
    /** Name of the server's interface towards the inside host. */
    public static final String INSIDE_INTERFACE = "veth-in";

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final List<Netns> OPEN = new CopyOnWriteArrayList<>();
    private static final Pattern OURS = Pattern.compile("^" + PREFIX + "(\\d+)-\\S+");

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            ManagedProcess.killAll();
            for (final Netns n : OPEN)
            {
                n.close();
            }
        }, "hdit-netns-cleanup"));
    }

    private final String server;
    private final List<String> clients = new ArrayList<>();
    private final String inside;
    private final String outsideInterface;
    private final List<String> created = new ArrayList<>();

    private Netns(final int clientCount, final boolean insideHost, final boolean serverAddress)
    {
        removeStale();
        final String base = PREFIX + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + "-";
        server = base + "srv";
        for (int i = 1; i <= clientCount; i++)
        {
            clients.add(base + "cli" + i);
        }
        inside = insideHost ? base + "in" : null;
        outsideInterface = clientCount == 1 ? "veth-srv" : "br-out";
        OPEN.add(this);
        try
        {
            build(insideHost, serverAddress);
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /** A server and one client; the server's outside address is set on veth-srv. */
    public static Netns create()
    {
        return new Netns(1, false, true);
    }

    /** The general form. serverAddress false leaves 10.77.0.1 for the appliance to add itself. */
    public static Netns create(final int clientCount, final boolean insideHost, final boolean serverAddress)
    {
        if (clientCount < 1 || clientCount > 50)
        {
            throw new IllegalArgumentException("clients: 1..50");
        }
        return new Netns(clientCount, insideHost, serverAddress);
    }

    public String server()
    {
        return server;
    }

    public String client()
    {
        return clients.get(0);
    }

    /** Client namespace 1..n. */
    public String client(final int number)
    {
        return clients.get(number - 1);
    }

    public String inside()
    {
        return inside;
    }

    /** Name of the server's outside interface (what the appliance's "interface" line names). */
    public String outsideInterface()
    {
        return outsideInterface;
    }

    /** Outside address of client namespace 1..n. */
    public static String clientAddress(final int number)
    {
        return "10.77.0." + (1 + number);
    }

    /** argv prefix that runs a command inside a namespace. */
    public static List<String> in(final String ns, final String... argv)
    {
        final List<String> list = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        list.addAll(List.of(argv));
        return list;
    }

    /** Runs a command inside a namespace and returns its result. */
    public static Cmd.Result exec(final String ns, final String... argv)
    {
        return Cmd.run(Duration.ofSeconds(60), in(ns, argv));
    }

    private void build(final boolean insideHost, final boolean serverAddress)
    {
        addNamespace(server);
        for (final String c : clients)
        {
            addNamespace(c);
        }
        if (insideHost)
        {
            addNamespace(inside);
        }
        final String serverCidr = SERVER_ADDRESS + "/" + OUTSIDE_PREFIX_LENGTH;
        if (clients.size() == 1)
        {
            Cmd.check("ip", "-n", server, "link", "add", "veth-srv", "type", "veth", "peer", "name", "eth0",
                "netns", clients.get(0));
        }
        else
        {
            Cmd.check("ip", "-n", server, "link", "add", "br-out", "type", "bridge");
            for (int i = 1; i <= clients.size(); i++)
            {
                Cmd.check("ip", "-n", server, "link", "add", "vc" + i, "type", "veth", "peer", "name", "eth0",
                    "netns", clients.get(i - 1));
                Cmd.check("ip", "-n", server, "link", "set", "vc" + i, "master", "br-out", "up");
            }
        }
        if (serverAddress)
        {
            Cmd.check("ip", "-n", server, "addr", "add", serverCidr, "dev", outsideInterface);
        }
        Cmd.check("ip", "-n", server, "link", "set", outsideInterface, "up");
        for (int i = 1; i <= clients.size(); i++)
        {
            final String ns = clients.get(i - 1);
            Cmd.check("ip", "-n", ns, "addr", "add", clientAddress(i) + "/" + OUTSIDE_PREFIX_LENGTH, "dev", "eth0");
            Cmd.check("ip", "-n", ns, "link", "set", "eth0", "up");
        }
        if (insideHost)
        {
            Cmd.check("ip", "-n", server, "link", "add", INSIDE_INTERFACE, "type", "veth", "peer", "name", "eth0",
                "netns", inside);
            Cmd.check("ip", "-n", server, "addr", "add", INSIDE_SERVER_ADDRESS + "/24", "dev", INSIDE_INTERFACE);
            // nodad: usable at once, so that the appliance can route via the inside host as soon as it starts
            Cmd.check("ip", "-n", server, "addr", "add", INSIDE_SERVER_ADDRESS6 + "/64", "dev", INSIDE_INTERFACE,
                "nodad");
            Cmd.check("ip", "-n", server, "link", "set", INSIDE_INTERFACE, "up");
            Cmd.check("ip", "-n", inside, "addr", "add", INSIDE_HOST_ADDRESS + "/24", "dev", "eth0");
            Cmd.check("ip", "-n", inside, "addr", "add", INSIDE_HOST_ADDRESS6 + "/64", "dev", "eth0", "nodad");
            Cmd.check("ip", "-n", inside, "link", "set", "eth0", "up");
            Cmd.check("ip", "-n", inside, "route", "add", "default", "via", INSIDE_SERVER_ADDRESS);
            Cmd.check("ip", "-n", inside, "-6", "route", "add", "default", "via", INSIDE_SERVER_ADDRESS6);
            // the appliance leaves forwarding to the host, for both families
            exec(server, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1").check();
            exec(server, "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1").check();
        }
    }

    private void addNamespace(final String name)
    {
        Cmd.check("ip", "netns", "add", name);
        created.add(name);
        Cmd.check("ip", "-n", name, "link", "set", "lo", "up");
    }

    /** Kills whatever still runs in our namespaces, then deletes them (devices inside go with them). */
    @Override
    public synchronized void close()
    {
        for (int i = created.size() - 1; i >= 0; i--)
        {
            deleteNamespace(created.get(i));
        }
        created.clear();
        OPEN.remove(this);
    }

    private static void deleteNamespace(final String name)
    {
        final Cmd.Result pids = Cmd.run("ip", "netns", "pids", name);
        if (pids.ok())
        {
            for (final String pid : pids.output().trim().split("\\s+"))
            {
                if (!pid.isEmpty() && pid.chars().allMatch(Character::isDigit))
                {
                    Cmd.run("kill", "-9", pid);
                }
            }
        }
        Cmd.run("ip", "netns", "del", name);
    }

    /** Removes hdit- namespaces whose creating JVM is gone (a run that was killed before it could clean up). */
    public static void removeStale()
    {
        final Cmd.Result list = Cmd.run("ip", "netns", "list");
        if (!list.ok())
        {
            return;
        }
        for (final String line : list.output().split("\n"))
        {
            final Matcher m = OURS.matcher(line.trim());
            if (m.find())
            {
                final long pid = Long.parseLong(m.group(1));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                {
                    continue;
                }
                deleteNamespace(line.trim().split("\\s+")[0]);
            }
        }
    }
}
