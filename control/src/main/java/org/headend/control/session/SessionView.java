package org.headend.control.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One session as {@code show vpn-sessiondb anyconnect} shows it.
 *
 * @param index         the ASA session index (1, 2, … in creation order, never reused while the process lives)
 * @param username      the authenticated user
 * @param assignedIp    the tunnel address leased to the client (dotted quad), or null before the first CONNECT
 * @param publicIp      the client's outside address as seen by the headend
 * @param tunnels       the live tunnels under the parent; empty while the client is disconnected
 * @param bytesTx       bytes of inner packets sent to the client
 * @param bytesRx       bytes of inner packets received from the client
 * @param packetsTx     inner packets sent to the client
 * @param packetsRx     inner packets received from the client
 * @param groupPolicy   the effective group-policy name
 * @param tunnelGroup   the tunnel-group the client authenticated in
 * @param loginTime     when the user authenticated
 * @param duration      time since login
 * @param inactivity    time since the last tunnel went away; zero while a tunnel is up
 * @param clientVersion the client's User-Agent, trimmed to a printable length
 * @param assignedIpv6  the IPv6 address leased to the client, or null when it has none
 * @param dropsTx       packets for the client that its tunnels dropped
 * @param dropsRx       packets from the client that its tunnels dropped
 * @param clientless    a portal (browser) login without a client tunnel yet: listed by {@code show vpn-sessiondb
 *                      webvpn}, not as AnyConnect
 */
public record SessionView(
    int index,
    String username,
    String assignedIp,
    String publicIp,
    List<TunnelView> tunnels,
    long bytesTx,
    long bytesRx,
    long packetsTx,
    long packetsRx,
    String groupPolicy,
    String tunnelGroup,
    Instant loginTime,
    Duration duration,
    Duration inactivity,
    String clientVersion,
    String assignedIpv6,
    long dropsTx,
    long dropsRx,
    boolean clientless)
{
    /** An AnyConnect session (not a clientless portal login). */
    public SessionView(final int index, final String username, final String assignedIp, final String publicIp,
        final List<TunnelView> tunnels, final long bytesTx, final long bytesRx, final long packetsTx,
        final long packetsRx, final String groupPolicy, final String tunnelGroup, final Instant loginTime,
        final Duration duration, final Duration inactivity, final String clientVersion, final String assignedIpv6,
        final long dropsTx, final long dropsRx)
    {
        this(index, username, assignedIp, publicIp, tunnels, bytesTx, bytesRx, packetsTx, packetsRx, groupPolicy,
            tunnelGroup, loginTime, duration, inactivity, clientVersion, assignedIpv6, dropsTx, dropsRx, false);
    }

    /**
     * One tunnel under the parent session.
     *
     * @param protocol   {@code SSL-Tunnel} or {@code DTLS-Tunnel}
     * @param encryption the bulk cipher in ASA words, e.g. {@code AES-GCM-256}
     * @param hashing    the MAC/PRF hash in ASA words, e.g. {@code SHA384}
     * @param version    the protocol version, e.g. {@code TLSv1.3}
     * @param srcPort    the client's source port of this tunnel
     * @param dstPort    the headend's port of this tunnel
     * @param rttLast    the round trip of the latest DPD probe the headend sent on this tunnel, or null before one
     *                   was answered
     * @param rttAverage the mean DPD round trip on this tunnel, or null before one was answered
     */
    public record TunnelView(String protocol, String encryption, String hashing, String version, int srcPort,
        int dstPort, Duration rttLast, Duration rttAverage)
    {
        /** A tunnel without DPD round trips yet. */
        public TunnelView(final String protocol, final String encryption, final String hashing, final String version,
            final int srcPort, final int dstPort)
        {
            this(protocol, encryption, hashing, version, srcPort, dstPort, null, null);
        }
    }
}
