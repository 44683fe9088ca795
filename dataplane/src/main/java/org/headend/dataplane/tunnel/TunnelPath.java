package org.headend.dataplane.tunnel;

import org.headend.dataplane.api.TunnelAccess;

/**
 * Which transport carries a tunnel's inside packets right now: its CSTP channel, or its DTLS endpoint while DTLS is
 * up. Built by control per CONNECT; read by TUN agents per packet; {@link #dtls} is switched by the DTLS endpoint
 * (its event loop) and by the CSTP handler when the client falls back.
 */
public final class TunnelPath
{
    private final int tunnelId;
    private final EgressQueue cstp;
    /** Replaced whole when the session's vpn-filter changes (the addresses stay): one volatile read per packet. */
    private volatile TunnelAccess access;
    private final TunnelCounters cstpCounters = new TunnelCounters();
    private final TunnelCounters dtlsCounters = new TunnelCounters();
    private final RoundTrips cstpRoundTrips = new RoundTrips();
    private final RoundTrips dtlsRoundTrips = new RoundTrips();
    private volatile Route dtls;
    private final int mtu;
    private final boolean dfBitIgnore;

    /** A DTLS endpoint's place in an egress queue. Immutable; one per endpoint. */
    public record Route(int targetId, EgressQueue queue)
    {
    }

    /**
     * @param access what the tunnel's client may send, whichever transport carries it
     */
    public TunnelPath(final int tunnelId, final EgressQueue cstp, final TunnelAccess access)
    {
        this(tunnelId, cstp, access, 0, false);
    }

    /**
     * @param access      what the tunnel's client may send, whichever transport carries it
     * @param mtu         the tunnel MTU: longer inside packets are fragmented or answered (0: sent as they are)
     * @param dfBitIgnore {@code anyconnect ssl df-bit-ignore enable}: fragment IPv4 packets even with DF set
     */
    public TunnelPath(final int tunnelId, final EgressQueue cstp, final TunnelAccess access, final int mtu,
        final boolean dfBitIgnore)
    {
        this.tunnelId = tunnelId;
        this.cstp = cstp;
        this.access = access;
        this.mtu = mtu;
        this.dfBitIgnore = dfBitIgnore;
    }

    /** The longest inside packet sent to the client whole; 0 when the transport takes any length. */
    public int mtu()
    {
        return mtu;
    }

    /** Whether IPv4 packets longer than {@link #mtu} are fragmented although they have DF set. */
    public boolean dfBitIgnore()
    {
        return dfBitIgnore;
    }

    /** The CSTP handler's id in its egress queue (the tunnel id). */
    public int tunnelId()
    {
        return tunnelId;
    }

    public EgressQueue cstp()
    {
        return cstp;
    }

    /** The session's addresses and split-tunnel filter, checked on every packet from the client. */
    public TunnelAccess access()
    {
        return access;
    }

    /**
     * Puts {@code value} in force from the next packet, on whichever transport; it must hold the same addresses (the
     * inside routes were made for them).
     */
    public void access(final TunnelAccess value)
    {
        if (value.ipv4() != access.ipv4() || value.hasIpv6() != access.hasIpv6() || value.ipv6Hi() != access.ipv6Hi()
            || value.ipv6Lo() != access.ipv6Lo())
        {
            throw new IllegalArgumentException("a tunnel's addresses do not change");
        }
        access = value;
    }

    /** Traffic over TLS; written by the CSTP handler only. */
    public TunnelCounters cstpCounters()
    {
        return cstpCounters;
    }

    /** Traffic over DTLS; written by the tunnel's DTLS endpoints (one at a time, on the UDP event loop). */
    public TunnelCounters dtlsCounters()
    {
        return dtlsCounters;
    }

    /** DPD round trips over TLS; written by the CSTP handler only. */
    public RoundTrips cstpRoundTrips()
    {
        return cstpRoundTrips;
    }

    /** DPD round trips over DTLS; written by the tunnel's DTLS endpoints. */
    public RoundTrips dtlsRoundTrips()
    {
        return dtlsRoundTrips;
    }

    /** The DTLS route while DTLS carries the tunnel, else null. */
    public Route dtls()
    {
        return dtls;
    }

    /** Moves the tunnel's inside packets to DTLS ({@code route}) or back to CSTP ({@code null}). */
    public void dtls(final Route route)
    {
        this.dtls = route;
    }

    /** Moves traffic back to CSTP if {@code route} is still the active one (a newer endpoint may have taken over). */
    public void leaveDtls(final Route route)
    {
        if (dtls == route)
        {
            dtls = null;
        }
    }
}
