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
import org.headend.control.dtls.DtlsService;
import org.headend.control.http.Exchange;
import org.headend.control.http.HttpAnswer;
import org.headend.control.http.HttpRequestView;
import org.headend.control.session.AddressPools.Lease;
import org.headend.control.session.Session;
import org.headend.control.session.SessionManager;
import org.headend.dataplane.api.Dataplane;
import org.headend.dataplane.tunnel.CstpTunnelHandler;
import org.headend.dataplane.tunnel.TunnelListener;
import org.headend.dataplane.tunnel.TunnelPath;
import org.headend.dataplane.wire.Ipv4Header;
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
    private final int interfaceMtu;
    private final String serverName;
    private final String listenNameif;

    /**
     * @param dtls         the DTLS service, or null when DTLS is off
     * @param listenNameif the nameif clients reach the headend on ({@code enable <nameif> tls-only} turns DTLS off)
     */
    public TunnelGateway(final Supplier<HeadendConfig> config, final SessionManager sessions, final Dataplane dataplane,
        final DtlsService dtls, final Executor control, final int interfaceMtu, final String serverName,
        final String listenNameif)
    {
        this.listenNameif = listenNameif;
        this.config = config;
        this.sessions = sessions;
        this.dataplane = dataplane;
        this.dtls = dtls;
        this.control = control;
        this.interfaceMtu = interfaceMtu;
        this.serverName = serverName;
    }

    /** Handles one CONNECT. */
    public void connect(final HttpRequestView request, final Exchange exchange)
    {
        final Session session = sessions.find(request.cookies().get("webvpn"));
        if (session == null)
        {
            LOG.info("CONNECT from {} refused: cookie not acceptable", exchange.client().address());
            exchange.reply(HttpAnswer.empty(401, "Cookie is not acceptable", true));
            return;
        }
        final HeadendConfig cfg = config.get();
        final TunnelGroup group = cfg.tunnelGroup(session.tunnelGroup()).orElse(cfg.defaultTunnelGroup());
        final EffectivePolicy policy = cfg.effectivePolicy(group.name(), session.username());
        final Lease lease = sessions.lease(session, group.addressPools());
        if (lease == null)
        {
            LOG.warn("session {}: no address free in pools {} of tunnel-group {}", session.index(),
                group.addressPools(), group.name());
            exchange.reply(HttpAnswer.empty(503, "Service Unavailable", true)
                .withHeader("X-Reason", "No address available for the tunnel"));
            return;
        }
        final int[] mtu = ConnectAnswer.mtu(interfaceMtu, request.header("X-CSTP-Base-MTU"),
            policy.get(PolicyAttribute.MTU));
        final int tunnelId = sessions.nextTunnelId();
        final TunnelPath path = dataplane.newTunnelPath(tunnelId, exchange.channel().eventLoop());
        final Events events = new Events(session, tunnelId);
        final CstpTunnelHandler handler = dataplane.newCstpTunnel(path, lease.address(), mtu[1],
            policy.get(PolicyAttribute.DPD_GATEWAY), events);
        sessions.tunnelUp(session, new Session.Tunnel(tunnelId, path, handler, exchange.channel(), exchange.client()));
        final boolean dtlsAllowed = dtls != null && policy.get(PolicyAttribute.SSL_DTLS)
            && cfg.webvpn().dtlsEnabledOn(listenNameif);
        final DtlsService.Answer dtlsAnswer = !dtlsAllowed ? null : dtls.offer(request,
            exchange.channel().pipeline().get(SslHandler.class).engine().getSession(), tunnelId, path,
            lease.address(), mtu[1], policy.get(PolicyAttribute.DPD_CLIENT), policy.get(PolicyAttribute.SSL_KEEPALIVE),
            dtls.udpPort(), events);
        final TunnelTimers timers = TunnelTimers.of(policy, sessions.maxConnectLeftSeconds(session));
        exchange.upgrade(answer(request, policy, lease, mtu, dtlsAnswer, timers), handler,
            () -> control.execute(() -> sessions.onTunnelClosed(session, tunnelId,
                TunnelListener.CloseCause.PEER_CLOSED, "closed before the tunnel started")));
        final long keyUpdateSeconds = timers.serverKeyUpdateSeconds(exchange.client().tlsProtocol());
        if (keyUpdateSeconds > 0)
        {
            TlsKeyUpdates.start(exchange.channel(), exchange.channel().pipeline().get(SslHandler.class),
                keyUpdateSeconds, tunnelId);
        }
    }

    private byte[] answer(final HttpRequestView request, final EffectivePolicy policy, final Lease lease,
        final int[] mtu, final DtlsService.Answer dtlsAnswer, final TunnelTimers timers)
    {
        final ConnectAnswer answer = new ConnectAnswer()
            .header("X-CSTP-Version", 1)
            .header("X-CSTP-Protocol", "Copyright (c) 2004 Cisco Systems, Inc.")
            .header("X-CSTP-Server-Name", serverName);
        final String hostname = ConnectAnswer.acceptableHostname(request.header("X-CSTP-Hostname"));
        if (hostname != null)
        {
            answer.header("X-CSTP-Hostname", hostname);
        }
        answer.header("X-CSTP-Address", Ipv4Header.format(lease.address()))
            .header("X-CSTP-Netmask", Ipv4Header.format(lease.mask()));
        final List<String> dns = ConnectAnswer.ipv4Only(policy.get(PolicyAttribute.DNS_SERVER));
        for (final String server : dns)
        {
            answer.header("X-CSTP-DNS", server);
        }
        final String domain = policy.get(PolicyAttribute.DEFAULT_DOMAIN);
        if (!domain.isEmpty())
        {
            answer.header("X-CSTP-Default-Domain", domain);
        }
        answer
            .header("X-CSTP-Tunnel-All-DNS", "true")
            .header("X-CSTP-Keepalive", policy.get(PolicyAttribute.SSL_KEEPALIVE))
            .header("X-CSTP-DPD", policy.get(PolicyAttribute.DPD_CLIENT));
        for (final Map.Entry<String, String> timer : timers.headers())
        {
            answer.header(timer.getKey(), timer.getValue());
        }
        answer
            .header("X-CSTP-Lease-Duration", 1209600)
            .header("X-CSTP-Keep", "true")
            .header("X-CSTP-TCP-Keepalive", "true")
            .header("X-CSTP-License", "accept")
            .header("X-CSTP-Smartcard-Removal-Disconnect", "true")
            .header("X-CSTP-Base-MTU", mtu[0])
            .header("X-CSTP-MTU", mtu[1]);
        if (dtlsAnswer != null)
        {
            for (final Map.Entry<String, String> header : dtlsAnswer.headers())
            {
                answer.header(header.getKey(), header.getValue());
            }
        }
        return answer.bytes();
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
