package org.headend.control.session;

import java.time.Instant;
import org.headend.control.http.ClientInfo;
import org.headend.control.session.AddressPools.Lease;
import org.headend.dataplane.api.TunnelHandle;

/**
 * An AnyConnect parent session: it exists from login until logoff, timeout or the client's own logout, across any
 * number of TLS tunnels (the client reconnects with its cookie). Control thread only.
 */
public final class Session
{
    private final int index;
    private final String username;
    private final String tunnelGroup;
    private String groupPolicy;
    private final String tokenKey;
    private final Instant loginTime;
    private final long loginNanos;
    private ClientInfo lastClient;
    private Lease lease;
    private AddressPools.Lease6 lease6;
    private DhcpBinding dhcp;
    private Tunnel tunnel;
    private long disconnectedSinceNanos;
    private long lastTrafficNanos;
    /** The {@link #lastTrafficNanos} last handed to the session store. */
    private long storedTrafficNanos;
    private long packetsSeen;
    private long closedRxBytes;
    private long closedTxBytes;
    private long closedRxPackets;
    private long closedTxPackets;
    private long closedRxDrops;
    private long closedTxDrops;
    private boolean ended;
    private AaaAssignment aaa = AaaAssignment.NONE;
    /** The access list the session's client traffic is held to (RADIUS Filter-Id, CoA), or null. */
    private int tunnelsOpened;
    private boolean portal;

    /** The live TLS tunnel under the parent: the data plane's handle of it, and who it came from. */
    public record Tunnel(TunnelHandle handle, ClientInfo client)
    {
        public int tunnelId()
        {
            return handle.id();
        }
    }

    Session(final int index, final String username, final String tunnelGroup, final String groupPolicy,
        final String tokenKey,
        final ClientInfo client, final Instant loginTime, final long loginNanos)
    {
        this.index = index;
        this.username = username;
        this.tunnelGroup = tunnelGroup;
        this.groupPolicy = groupPolicy;
        this.tokenKey = tokenKey;
        this.lastClient = client;
        this.loginTime = loginTime;
        this.loginNanos = loginNanos;
        this.disconnectedSinceNanos = loginNanos;
        this.lastTrafficNanos = loginNanos;
    }

    /**
     * A session an earlier run kept ({@link SessionStore}), without a tunnel, its times already moved onto this
     * run's monotonic clock. Its traffic counters start at zero.
     */
    static Session restored(final SessionRecord record, final long loginNanos, final long lastTrafficNanos,
        final long disconnectedSinceNanos)
    {
        final Session session = new Session(record.index(), record.username(), record.tunnelGroup(),
            record.groupPolicy(), record.tokenKey(), new ClientInfo(record.clientAddress(), 0, 0, record.userAgent(),
                "", ""), record.loginTime(), loginNanos);
        session.lastTrafficNanos = lastTrafficNanos;
        session.storedTrafficNanos = lastTrafficNanos;
        session.disconnectedSinceNanos = disconnectedSinceNanos;
        session.lease = record.lease();
        session.lease6 = record.lease6();
        session.dhcp = record.dhcp();
        session.aaa = record.aaa();
        // it had its first tunnel in the earlier run: a reconnect now is not a new session's setup
        session.tunnelsOpened = record.lease() == null ? 0 : 1;
        return session;
    }

    public int index()
    {
        return index;
    }

    public String username()
    {
        return username;
    }

    public String tunnelGroup()
    {
        return tunnelGroup;
    }

    /** The effective group-policy at login, or the one a RADIUS CoA moved the session to since. */
    public String groupPolicy()
    {
        return groupPolicy;
    }

    /** What the AAA server assigned at login (nothing for local logins). */
    public AaaAssignment aaa()
    {
        return aaa;
    }

    /** Records what the AAA server assigned; called right after login, before any tunnel. */
    public void assign(final AaaAssignment assignment)
    {
        this.aaa = assignment;
    }

    /**
     * Moves the session to group-policy {@code name} (a RADIUS CoA): from now on it is the AAA server's assignment
     * of the session, as if the Access-Accept had named it; the address and filter stay.
     */
    void regroup(final String name)
    {
        this.groupPolicy = name;
        this.aaa = new AaaAssignment(name, aaa.framedAddress(), aaa.vpnFilter());
    }

    /** The access list the session's traffic is filtered by (RADIUS Filter-Id, also by CoA), or null for none. */
    public String vpnFilter()
    {
        return aaa.vpnFilter();
    }

    /** Holds the session's tunnels to access list {@code name} from their next CONNECT on (null: no filter). */
    void vpnFilter(final String name)
    {
        this.aaa = new AaaAssignment(aaa.groupPolicy(), aaa.framedAddress(), name);
    }

    public String tokenKey()
    {
        return tokenKey;
    }

    public Instant loginTime()
    {
        return loginTime;
    }

    long loginNanos()
    {
        return loginNanos;
    }

    public ClientInfo lastClient()
    {
        return lastClient;
    }

    public Lease lease()
    {
        return lease;
    }

    void lease(final Lease lease)
    {
        this.lease = lease;
    }

    /** How its DHCP lease is confirmed after a restart, when its address came from DHCP; else null. */
    public DhcpBinding dhcp()
    {
        return dhcp;
    }

    void dhcp(final DhcpBinding dhcp)
    {
        this.dhcp = dhcp;
    }

    /** The session's IPv6 address, kept across reconnects; null when it has none. */
    public AddressPools.Lease6 lease6()
    {
        return lease6;
    }

    void lease6(final AddressPools.Lease6 lease6)
    {
        this.lease6 = lease6;
    }

    public Tunnel tunnel()
    {
        return tunnel;
    }

    void tunnelUp(final Tunnel tunnel)
    {
        this.tunnel = tunnel;
        tunnelsOpened++;
        this.lastClient = tunnel.client();
    }

    /** Folds the ended tunnel's counters (TLS and DTLS) into the session's totals. */
    void tunnelDown(final long nowNanos)
    {
        closedRxBytes = rxBytes();
        closedTxBytes = txBytes();
        closedRxPackets = rxPackets();
        closedTxPackets = txPackets();
        closedRxDrops = rxDrops();
        closedTxDrops = txDrops();
        tunnel = null;
        disconnectedSinceNanos = nowNanos;
    }

    /** How many TLS tunnels the session has had, the live one included (1 after the first CONNECT). */
    /** Marks a session opened by a browser login to the portal (the ASA's weblaunch). */
    public void openedByPortal()
    {
        portal = true;
    }

    /**
     * Whether the ASA would list the session as clientless: a portal login that no client has opened a tunnel under
     * yet (once the client started from the portal connects with the cookie, it is an AnyConnect parent).
     */
    public boolean clientless()
    {
        return portal && tunnelsOpened == 0;
    }

    public int tunnelsOpened()
    {
        return tunnelsOpened;
    }

    long disconnectedSinceNanos()
    {
        return disconnectedSinceNanos;
    }

    /**
     * Notes user traffic: if the inner packets counted in either direction (DPD and keepalive frames are not
     * counted) moved since the last call, the session was active at {@code nowNanos}. Sampling this every few
     * seconds measures idleness with no work per packet on the data path.
     */
    void sampleTraffic(final long nowNanos)
    {
        final long packets = rxPackets() + txPackets();
        if (packets != packetsSeen)
        {
            packetsSeen = packets;
            lastTrafficNanos = nowNanos;
        }
    }

    /** When user traffic was last seen (login time if never), as of the last {@link #sampleTraffic}. */
    long lastTrafficNanos()
    {
        return lastTrafficNanos;
    }

    /** The last-activity time last handed to the session store. */
    long storedTrafficNanos()
    {
        return storedTrafficNanos;
    }

    void storedTrafficNanos(final long nanos)
    {
        storedTrafficNanos = nanos;
    }

    public boolean ended()
    {
        return ended;
    }

    void end()
    {
        ended = true;
    }

    long rxBytes()
    {
        return closedRxBytes + (tunnel == null ? 0 : tunnel.handle().rxBytes());
    }

    long txBytes()
    {
        return closedTxBytes + (tunnel == null ? 0 : tunnel.handle().txBytes());
    }

    long rxPackets()
    {
        return closedRxPackets + (tunnel == null ? 0 : tunnel.handle().rxPackets());
    }

    long txPackets()
    {
        return closedTxPackets + (tunnel == null ? 0 : tunnel.handle().txPackets());
    }

    /** Packets from the client its tunnels dropped (access checks, undecodable, no room inside). */
    long rxDrops()
    {
        return closedRxDrops + (tunnel == null ? 0 : tunnel.handle().rxDrops());
    }

    /** Packets for the client its tunnels dropped (client not reading, sealing failed). */
    long txDrops()
    {
        return closedTxDrops + (tunnel == null ? 0 : tunnel.handle().txDrops());
    }
}
