package org.headend.it;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A private network behind a masquerading router, made of a test's client namespace: a new namespace ("lan") with
 * {@value #LAN_HOST}/24 hangs off the client namespace, which forwards for it and rewrites its source address to the
 * client's outside address with nftables masquerade, remapping source ports into {@value #PORTS}. What runs in
 * {@link #lan()} reaches the appliance from the router's outside address and a port the NAT chose, as a client behind
 * a home router does.
 *
 * <pre>
 *  [lan eth0 10.79.0.2] ──veth── [lan0 10.79.0.1  cliN (NAT)  eth0 10.77.0.(1+N)] ── srv 10.77.0.1
 * </pre>
 *
 * The namespace is named like {@link Netns}'s ({@code hdit-PID-…}), so a run that dies before {@link #close()} has it
 * removed at the next start.
 */
final class NatRouter implements AutoCloseable
{
    static final String LAN_HOST = "10.79.0.2";
    static final String LAN_ROUTER = "10.79.0.1";
    /** Source ports the NAT maps to: never the client's own 500/4500, so the appliance must answer the mapped ones. */
    static final String PORTS = "40000-40999";

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String router;
    private final String lan;

    private NatRouter(final String router)
    {
        this.router = router;
        this.lan = Netns.PREFIX + ProcessHandle.current().pid() + "-nat" + SEQUENCE.incrementAndGet() + "-lan";
    }

    /** Puts a private network behind {@code router} (a client namespace whose eth0 leads to the appliance). */
    static NatRouter behind(final String router)
    {
        final NatRouter nat = new NatRouter(router);
        try
        {
            nat.build();
        }
        catch (final RuntimeException ex)
        {
            nat.close();
            throw ex;
        }
        return nat;
    }

    private void build()
    {
        Cmd.check("ip", "netns", "add", lan);
        Cmd.check("ip", "-n", lan, "link", "set", "lo", "up");
        Cmd.check("ip", "-n", router, "link", "add", "lan0", "type", "veth", "peer", "name", "eth0", "netns", lan);
        Cmd.check("ip", "-n", router, "addr", "add", LAN_ROUTER + "/24", "dev", "lan0");
        Cmd.check("ip", "-n", router, "link", "set", "lan0", "up");
        Cmd.check("ip", "-n", lan, "addr", "add", LAN_HOST + "/24", "dev", "eth0");
        Cmd.check("ip", "-n", lan, "link", "set", "eth0", "up");
        Cmd.check("ip", "-n", lan, "route", "add", "default", "via", LAN_ROUTER);
        Netns.exec(router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1").check();
        masquerade(PORTS);
    }

    /** UDP gets a source port from {@code ports}; the rest (ping) is masqueraded as it comes. */
    private void masquerade(final String ports)
    {
        Netns.exec(router, "nft", "add table ip hdit_nat; add chain ip hdit_nat post { type nat hook postrouting "
            + "priority srcnat; }; add rule ip hdit_nat post oifname \"eth0\" ip saddr 10.79.0.0/24 meta l4proto udp "
            + "masquerade to :" + ports + "; add rule ip hdit_nat post oifname \"eth0\" ip saddr 10.79.0.0/24 "
            + "masquerade").check();
    }

    /**
     * A NAT rebinding, as a home router that restarts or times a mapping out does it: the router forgets every
     * mapping (its conntrack table is flushed) and maps what comes next to source ports from {@code ports}, so a
     * flow that carries on leaves from another port than before.
     */
    void remap(final String ports)
    {
        Netns.exec(router, "nft", "delete", "table", "ip", "hdit_nat").check();
        masquerade(ports);
        Netns.exec(router, "conntrack", "-F").check();
    }

    /** The router's UDP mappings to {@code port} (conntrack's listing): which source port the NAT gave a flow. */
    String udpMappings(final int port)
    {
        return Netns.exec(router, "conntrack", "-L", "-p", "udp", "--dport", Integer.toString(port)).output();
    }

    /** The namespace behind the NAT. */
    String lan()
    {
        return lan;
    }

    /** The NAT's nftables rules, for failure messages. */
    String describe()
    {
        return Netns.exec(router, "nft", "list", "table", "ip", "hdit_nat").output();
    }

    @Override
    public void close()
    {
        final Cmd.Result pids = Cmd.run("ip", "netns", "pids", lan);
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
        Cmd.run("ip", "netns", "del", lan);
        Netns.exec(router, "nft", "delete", "table", "ip", "hdit_nat");
    }
}
