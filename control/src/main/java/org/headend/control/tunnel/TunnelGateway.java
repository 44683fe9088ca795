package org.headend.control.tunnel;

import io.netty.handler.ssl.SslHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.PolicyAttribute;
import org.headend.control.config.TunnelGroup;
import org.headend.control.config.grammar.Ipv4;
import org.headend.control.config.grammar.Ipv6;
import org.headend.control.dtls.DtlsService;
import org.headend.control.http.Exchange;
import org.headend.control.http.HttpAnswer;
import org.headend.control.http.HttpRequestView;
import org.headend.control.http.HttpsListener;
import org.headend.control.session.AddressPools;
import org.headend.control.session.AddressPools.Lease;
import org.headend.control.session.Session;
import org.headend.control.session.SessionManager;
import org.headend.dataplane.api.CompressionMethod;
import org.headend.dataplane.api.Dataplane;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelHandle;
import org.headend.dataplane.api.TunnelListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code CONNECT /CSCOSSLC/tunnel}: checks the cookie, leases the session's address (the same one on every
 * reconnect), answers with the {@code X-CSTP-*} settings of the session's policy, and hands the connection to the
 * data plane. Control thread only.
 */
public final class TunnelGateway
{
    private static final Logger LOG = LoggerFactory.getLogger(TunnelGateway.class);

    private final Supplier<HeadendConfig> config;
    private final SessionManager sessions;
    private final Dataplane dataplane;
    private final DtlsService dtls;
    private final Executor control;
    private final java.util.function.ToIntFunction<java.net.InetAddress> interfaceMtu;
    private final String serverName;
    private Runnable keyUpdateSent = () -> { };
    private org.headend.control.cluster.ClusterSessions cluster;
    private org.headend.control.dhcp.DhcpAddresses dhcp;

    /**
     * @param dtls         the DTLS service, or null when DTLS is off
     * @param interfaceMtu the MTU of the interface that owns a local address (where a client's connection arrived)
     */
    public TunnelGateway(final Supplier<HeadendConfig> config, final SessionManager sessions, final Dataplane dataplane,
        final DtlsService dtls, final Executor control,
        final java.util.function.ToIntFunction<java.net.InetAddress> interfaceMtu, final String serverName)
    {
        this.config = config;
        this.sessions = sessions;
        this.dataplane = dataplane;
        this.dtls = dtls;
        this.control = control;
        this.interfaceMtu = interfaceMtu;
        this.serverName = serverName;
    }

    /** Runs (on a tunnel's event loop) after each TLS key update the headend sends; for the metrics. */
    public TunnelGateway onKeyUpdate(final Runnable counted)
    {
        keyUpdateSent = counted;
        return this;
    }

    /** Makes CONNECT take over sessions of other members and claim addresses cluster-wide (cluster members only). */
    public TunnelGateway cluster(final org.headend.control.cluster.ClusterSessions sessionsOfCluster)
    {
        cluster = sessionsOfCluster;
        return this;
    }

    /** Lets CONNECT wait for an address from DHCP ({@code dhcp-server}, {@code dhcp-network-scope}). */
    public TunnelGateway dhcp(final org.headend.control.dhcp.DhcpAddresses addresses)
    {
        dhcp = addresses;
        return this;
    }

    /** Handles one CONNECT. */
    public void connect(final HttpRequestView request, final Exchange exchange)
    {
        connect(request, exchange, null);
    }

    /** As above; {@code dhcpFailure} says why DHCP gave no address, when it was asked and failed (pools next). */
    private void connect(final HttpRequestView request, final Exchange exchange, final String dhcpFailure)
    {
        final String version = request.header("X-CSTP-Version");
        if (version != null && !"1".equals(version.strip()))
        {
            LOG.info("CONNECT from {} refused: X-CSTP-Version '{}' (only 1 is spoken)", exchange.client().address(),
                version.length() > 16 ? version.substring(0, 16) + "…" : version);
            exchange.reply(HttpAnswer.text(400, "Bad Request", "Unsupported X-CSTP-Version", true));
            return;
        }
        final Session session = sessions.find(request.cookies().get("webvpn"));
        if (session == null)
        {
            if (cluster != null && cluster.adoptThen(request.cookies().get("webvpn"), exchange,
                () -> connect(request, exchange)))
            {
                return;
            }
            LOG.info("CONNECT from {} refused: cookie not acceptable", exchange.client().address());
            exchange.reply(HttpAnswer.empty(401, "Cookie is not acceptable", true));
            return;
        }
        final HeadendConfig cfg = config.get();
        final TunnelGroup group = cfg.tunnelGroup(session.tunnelGroup()).orElse(cfg.defaultTunnelGroup());
        final EffectivePolicy policy = cfg.effectivePolicy(group.name(), session.username(),
            session.aaa().groupPolicy());
        // a client gone meanwhile gets nothing; the session keeps the lease for its next CONNECT
        if (dhcpFailure == null && dhcp != null && dhcp.leaseThen(session, group, policy,
            () -> whileConnected(exchange, () -> connect(request, exchange, null)),
            why -> whileConnected(exchange, () -> connect(request, exchange, why))))
        {
            return; // the CONNECT is answered once the DHCP server has (or the wait has run out)
        }
        final Lease lease = sessions.lease(session, group.addressPools());
        if (lease == null)
        {
            LOG.warn("session {}: no address free in pools {} of tunnel-group {}{}", session.index(),
                group.addressPools(), group.name(), dhcpFailure == null ? "" : ", and none from DHCP: " + dhcpFailure);
            exchange.reply(HttpAnswer.empty(503, "Service Unavailable", true)
                .withHeader("X-Reason", "No address available for the tunnel")); // the details stay in the log
            return;
        }
        final boolean fullIpv6 = "true".equalsIgnoreCase(request.header("X-CSTP-Full-IPv6-Capability"));
        final java.net.InetSocketAddress local = (java.net.InetSocketAddress)exchange.channel().localAddress();
        final int[] mtu = ConnectAnswer.mtu(interfaceMtu.applyAsInt(local.getAddress()),
            local.getAddress() instanceof java.net.Inet6Address, request.header("X-CSTP-Base-MTU"),
            policy.isSet(PolicyAttribute.MTU) ? policy.get(PolicyAttribute.MTU) : ConnectAnswer.MAX_TUNNEL_MTU);
        // IPv6 needs a 1280-byte link (RFC 8200 §5): below it the tunnel carries IPv4 only, as ocserv does
        final AddressPools.Lease6 lease6 = mtu[1] < ConnectAnswer.IPV6_MIN_MTU ? null
            : sessions.lease6(session, ipv6Pools(policy, group));
        if (cluster != null && cluster.claimThen(session, exchange, () -> connect(request, exchange, dhcpFailure)))
        {
            return;
        }
        final SplitTunnel split = SplitTunnel.of(policy, cfg, lease6 != null, session.index());
        final int tunnelId = sessions.nextTunnelId();
        final io.netty.channel.EventLoop tunnelLoop = (io.netty.channel.EventLoop)dataplane.tunnelLoop(tunnelId);
        final Events events = new Events(session, tunnelId);
        final boolean compressionSvc = cfg.globals().compressionSvc();
        final CompressionMethod cstpCompression = CompressionChoice.cstp(compressionSvc,
            policy.get(PolicyAttribute.SSL_COMPRESSION), request.header("X-CSTP-Accept-Encoding"));
        final CompressionMethod dtlsCompression = CompressionChoice.dtls(compressionSvc,
            policy.get(PolicyAttribute.DTLS_COMPRESSION), request.header("X-DTLS-Accept-Encoding"));
        final TunnelHandle tunnel = dataplane.openTunnel(tunnelId, exchange.channel(),
            new TunnelAccess(lease.address(), lease6 == null ? null : lease6.address().getAddress(), split.filter(),
                vpnFilter(cfg, session, lease, lease6)),
            mtu[1], policy.get(PolicyAttribute.DPD_GATEWAY), cstpCompression,
            policy.get(PolicyAttribute.SSL_DF_BIT_IGNORE), events);
        sessions.tunnelUp(session, new Session.Tunnel(tunnel, exchange.client()));
        // the interface the client came in on: enable NAMEIF tls-only there turns DTLS off
        final String nameif = exchange.channel().attr(HttpsListener.NAMEIF).get();
        final boolean dtlsAllowed = dtls != null && policy.get(PolicyAttribute.SSL_DTLS) && nameif != null
            && cfg.webvpn().dtlsEnabledOn(nameif);
        final DtlsService.Answer dtlsAnswer = !dtlsAllowed ? null : dtls.offer(request,
            exchange.channel().pipeline().get(SslHandler.class).engine().getSession(), tunnel, mtu[1],
            policy.get(PolicyAttribute.DPD_CLIENT), policy.get(PolicyAttribute.SSL_KEEPALIVE), cfg.webvpn().dtlsPort(),
            dtlsCompression, events);
        final boolean dtlsCompresses = dtlsAnswer != null && dtlsCompression != CompressionMethod.NONE;
        if (cstpCompression != CompressionMethod.NONE || dtlsCompresses)
        {
            LOG.info("session {}: tunnel {} compresses TLS with {}, DTLS with {}", session.index(), tunnelId,
                cstpCompression, dtlsAnswer == null ? "no DTLS" : dtlsCompression);
        }
        final TunnelTimers timers = TunnelTimers.of(policy, sessions.maxConnectLeftSeconds(session));
        final ConnectAnswer answer = new ConnectAnswer();
        announceBasics(answer, request);
        announceAddresses(answer, lease, lease6, fullIpv6);
        announceDns(answer, policy, split, lease6 != null);
        split.announce(answer, fullIpv6);
        announceBanner(answer, policy);
        BrowserProxy.announce(answer, policy);
        announceTimers(answer, policy, mtu, timers);
        if (cstpCompression != CompressionMethod.NONE)
        {
            answer.header("X-CSTP-Content-Encoding", cstpCompression.token());
        }
        if (dtlsAnswer != null)
        {
            for (final Map.Entry<String, String> header : dtlsAnswer.headers())
            {
                answer.header(header.getKey(), header.getValue());
            }
        }
        exchange.upgrade(answer.bytes(), dataplane.cstpHandler(tunnel), tunnelLoop,
            () -> control.execute(() -> sessions.onTunnelClosed(session, tunnelId,
                TunnelListener.CloseCause.PEER_CLOSED, "closed before the tunnel started")));
        final long keyUpdateSeconds = timers.serverKeyUpdateSeconds(exchange.client().tlsProtocol());
        if (keyUpdateSeconds > 0)
        {
            TlsKeyUpdates.start(tunnelLoop, exchange.channel(), exchange.channel().pipeline().get(SslHandler.class),
                keyUpdateSeconds, tunnelId, keyUpdateSent);
        }
    }

    private static void whileConnected(final Exchange exchange, final Runnable then)
    {
        if (exchange.channel().isActive())
        {
            then.run();
        }
    }

    /**
     * The session's vpn-filter for the data plane, or null when it has none; an access list that no longer exists
     * lets nothing through (its implicit deny), never everything.
     */
    static org.headend.dataplane.api.AccessFilter vpnFilter(final HeadendConfig cfg, final Session session,
        final Lease lease, final AddressPools.Lease6 lease6)
    {
        if (session.vpnFilter() == null)
        {
            return null;
        }
        final List<org.headend.control.config.AccessListEntry> entries =
            cfg.accessLists().get(session.vpnFilter());
        if (entries == null)
        {
            LOG.warn("session {}: vpn-filter {} is no longer configured: the tunnel lets nothing through",
                session.index(), session.vpnFilter());
        }
        return VpnFilter.of(entries == null ? List.of() : entries,
            Ipv4.fromLong(lease.address() & 0xFFFF_FFFFL),
            lease6 == null ? null : lease6.address());
    }

    /** The IPv6 pools of the session: the group-policy's {@code ipv6-address-pools}, else the tunnel-group's. */
    private static List<String> ipv6Pools(final EffectivePolicy policy, final TunnelGroup group)
    {
        final List<String> fromPolicy = policy.get(PolicyAttribute.IPV6_ADDRESS_POOLS);
        return fromPolicy.isEmpty() ? group.ipv6AddressPools() : fromPolicy;
    }

    private void announceBasics(final ConnectAnswer answer, final HttpRequestView request)
    {
        answer.header("X-CSTP-Version", 1)
            .header("X-CSTP-Protocol", "Copyright (c) 2004 Cisco Systems, Inc.")
            .header("X-CSTP-Server-Name", serverName);
        final String hostname = ConnectAnswer.acceptableHostname(request.header("X-CSTP-Hostname"));
        if (hostname != null)
        {
            answer.header("X-CSTP-Hostname", hostname);
        }
    }

    /**
     * The IPv4 lease, and the IPv6 one in the form the client understands: {@code X-CSTP-Address-IP6} for clients
     * that declared full IPv6 capability, else the legacy second {@code X-CSTP-Address}/{@code -Netmask} pair.
     */
    private static void announceAddresses(final ConnectAnswer answer, final Lease lease,
        final AddressPools.Lease6 lease6, final boolean fullIpv6)
    {
        answer.header("X-CSTP-Address", Ipv4.format(lease.address()))
            .header("X-CSTP-Netmask", Ipv4.format(lease.mask()));
        if (lease6 == null)
        {
            return;
        }
        final String address = Ipv6.format(lease6.address());
        if (fullIpv6)
        {
            answer.header("X-CSTP-Address-IP6", address + "/" + lease6.prefixLength());
        }
        else
        {
            answer.header("X-CSTP-Address", address)
                .header("X-CSTP-Netmask", Ipv6.format(ConnectAnswer.network(lease6.address(), lease6.prefixLength()))
                    + "/" + lease6.prefixLength());
        }
    }

    /** DNS servers (IPv6 ones only to sessions with IPv6), the default domain and split DNS. */
    private static void announceDns(final ConnectAnswer answer, final EffectivePolicy policy, final SplitTunnel split,
        final boolean ipv6)
    {
        for (final java.net.InetAddress server : policy.get(PolicyAttribute.DNS_SERVER))
        {
            if (server instanceof java.net.Inet4Address v4)
            {
                answer.header("X-CSTP-DNS", Ipv4.format(v4));
            }
            else if (ipv6)
            {
                answer.header("X-CSTP-DNS", Ipv6.format((java.net.Inet6Address)server));
            }
        }
        final String domain = policy.get(PolicyAttribute.DEFAULT_DOMAIN);
        if (!domain.isEmpty())
        {
            answer.header("X-CSTP-Default-Domain", domain);
        }
        for (final String splitDomain : policy.get(PolicyAttribute.SPLIT_DNS))
        {
            answer.header("X-CSTP-Split-DNS", splitDomain);
        }
        answer.header("X-CSTP-Tunnel-All-DNS", split.tunnelsAll() || policy.get(PolicyAttribute.SPLIT_TUNNEL_ALL_DNS));
    }

    /** The group's {@code banner}, its lines joined by newlines and percent-encoded as the header requires. */
    private static void announceBanner(final ConnectAnswer answer, final EffectivePolicy policy)
    {
        final List<String> banner = policy.get(PolicyAttribute.BANNER);
        if (!banner.isEmpty())
        {
            answer.header("X-CSTP-Banner", ConnectAnswer.percentEncode(String.join("\n", banner)));
        }
    }

    private static void announceTimers(final ConnectAnswer answer, final EffectivePolicy policy, final int[] mtu,
        final TunnelTimers timers)
    {
        answer
            .header("X-CSTP-Keepalive", policy.get(PolicyAttribute.SSL_KEEPALIVE))
            .header("X-CSTP-DPD", policy.get(PolicyAttribute.DPD_CLIENT));
        for (final Map.Entry<String, String> timer : timers.headers())
        {
            answer.header(timer.getKey(), timer.getValue());
        }
        answer
            .header("X-CSTP-Lease-Duration", 1209600)
            .header("X-CSTP-Keep", policy.get(PolicyAttribute.KEEP_INSTALLER))
            .header("X-CSTP-TCP-Keepalive", "true")
            .header("X-CSTP-License", "accept")
            .header("X-CSTP-Smartcard-Removal-Disconnect", "true")
            .header("X-CSTP-Base-MTU", mtu[0])
            .header("X-CSTP-MTU", mtu[1]);
    }

    /** Tunnel events, moved from the event loop to the control thread. */
    private final class Events implements TunnelListener
    {
        private final Session session;
        private final int tunnelId;

        Events(final Session session, final int tunnelId)
        {
            this.session = session;
            this.tunnelId = tunnelId;
        }

        @Override
        public void onDisconnectRequest(final int reason, final String text)
        {
            control.execute(() -> sessions.onClientDisconnect(session, tunnelId, reason, text));
        }

        @Override
        public void onClosed(final CloseCause cause, final String detail)
        {
            control.execute(() -> sessions.onTunnelClosed(session, tunnelId, cause, detail));
        }
    }
}
