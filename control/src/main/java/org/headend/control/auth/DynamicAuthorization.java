package org.headend.control.auth;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.headend.control.LogText;
import org.headend.control.auth.radius.DynamicAuthorizationPacket;
import org.headend.control.auth.radius.DynamicAuthorizationServer;
import org.headend.control.auth.radius.DynamicAuthorizationServer.Verdict;
import org.headend.control.auth.radius.RadiusClient;
import org.headend.control.auth.radius.RadiusPacket;
import org.headend.control.config.AaaServerGroup;
import org.headend.control.config.AaaServerHost;
import org.headend.control.config.AccessListEntry;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.TunnelGroup;
import org.headend.control.config.grammar.Ipv4;
import org.headend.control.session.Session;
import org.headend.control.session.SessionManager;
import org.headend.control.tunnel.VpnFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RADIUS dynamic authorization (RFC 5176) for the {@code aaa-server} groups with {@code dynamic-authorization}: one
 * {@link DynamicAuthorizationServer} per port, hearing the hosts of those groups with their keys, and what the
 * requests do to sessions, on the control thread:
 * <ul>
 * <li>the sessions a request names are those whose User-Name, Acct-Session-Id and Framed-IP-Address (every one the
 * request carries) match, among the sessions of tunnel-groups that use the server's group for authentication,
 * authorization or accounting: a server cannot reach another server's users;</li>
 * <li>Disconnect-Request ends them as {@code vpn-sessiondb logoff} does (the client gets a DISCONNECT, accounting
 * Stop goes out with Acct-Terminate-Cause Admin-Reset);</li>
 * <li>CoA-Request with Filter-Id holds their traffic to that access list from the next packet, on the live
 * tunnel and on any later reconnect;</li>
 * <li>CoA-Request with the ASA's Group-Policy attribute (vendor 3076, 25) or {@code Class "OU=NAME;"} moves them to
 * that group-policy, as an Access-Accept naming it would have, when what changes can change on a live tunnel
 * ({@link GroupPolicyChange}: the timers and the gateway's DPD); a policy that differs in anything the client is
 * told at CONNECT (DNS, split tunnel, MTU, …) is refused with 401 and nothing changes;</li>
 * <li>anything else is answered NAK with its Error-Cause: an attribute the headend cannot act on, or a group-policy
 * change that needs a reconnect (401), no session attribute (402), a NAS-Identifier that is not this headend's
 * hostname (403), a Filter-Id that names no access list or a group-policy that is not configured (407), no
 * matching session (503).</li>
 * </ul>
 * A request is done in full or not at all (RFC 5176 §3.4): every check comes before the first change.
 */
public final class DynamicAuthorization implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DynamicAuthorization.class);
    private static final int NAS_IPV6_ADDRESS = 95;
    /** What a Disconnect-Request may carry besides its session attributes. */
    private static final Set<Integer> DISCONNECT_ATTRIBUTES = Set.of(RadiusPacket.USER_NAME,
        RadiusPacket.ACCT_SESSION_ID, RadiusPacket.FRAMED_IP_ADDRESS, RadiusPacket.NAS_IP_ADDRESS,
        RadiusPacket.NAS_IDENTIFIER, NAS_IPV6_ADDRESS, RadiusPacket.MESSAGE_AUTHENTICATOR,
        DynamicAuthorizationPacket.EVENT_TIMESTAMP, RadiusPacket.REPLY_MESSAGE, RadiusPacket.STATE);
    /** What a CoA-Request may carry: the same, and the attributes it can change (vendor ones: see asaGroupPolicy). */
    private static final Set<Integer> COA_ATTRIBUTES = union(DISCONNECT_ATTRIBUTES,
        Set.of(DynamicAuthorizationPacket.FILTER_ID, RadiusPacket.CLASS, RadiusPacket.VENDOR_SPECIFIC));

    private final Supplier<HeadendConfig> config;
    private final SessionManager sessions;
    private final RadiusAccounting accounting;
    private final Executor control;
    private final LongSupplier nanoClock;
    private final Map<Integer, DynamicAuthorizationServer> servers = new HashMap<>();
    private final InetAddress bindAddress;

    /**
     * @param bindAddress where the listeners bind; null for every address
     * @param control     the control thread, where requests act on sessions
     */
    public DynamicAuthorization(final Supplier<HeadendConfig> config, final SessionManager sessions,
        final RadiusAccounting accounting, final Executor control, final LongSupplier nanoClock,
        final InetAddress bindAddress)
    {
        this.config = config;
        this.sessions = sessions;
        this.accounting = accounting;
        this.control = control;
        this.nanoClock = nanoClock;
        this.bindAddress = bindAddress;
    }

    private static Set<Integer> union(final Set<Integer> a, final Set<Integer> b)
    {
        final java.util.HashSet<Integer> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /**
     * Opens the listeners {@code cfg} asks for, closes the ones it no longer does, and gives each its servers. A
     * port that cannot be bound is logged and left out (the rest of the configuration applies).
     */
    public synchronized void apply(final HeadendConfig cfg)
    {
        final Map<Integer, List<DynamicAuthorizationServer.Peer>> wanted = new HashMap<>();
        for (final AaaServerGroup group : cfg.aaaServers().values())
        {
            if (group.dynamicAuthorizationPort() == 0 || group.isLdap())
            {
                continue;
            }
            final List<DynamicAuthorizationServer.Peer> peers =
                wanted.computeIfAbsent(group.dynamicAuthorizationPort(), port -> new ArrayList<>());
            for (final AaaServerHost host : group.hosts())
            {
                if (host.key() != null && !host.key().isEmpty())
                {
                    peers.add(new DynamicAuthorizationServer.Peer(host.address(),
                        host.key().getBytes(StandardCharsets.UTF_8), group.name()));
                }
            }
        }
        for (final Integer port : List.copyOf(servers.keySet()))
        {
            if (!wanted.containsKey(port))
            {
                servers.remove(port).close();
                LOG.info("dynamic authorization: no longer listening on UDP {}", port);
            }
        }
        wanted.forEach((port, peers) ->
        {
            DynamicAuthorizationServer server = servers.get(port);
            if (server == null)
            {
                try
                {
                    server = DynamicAuthorizationServer.start(new InetSocketAddress(bindAddress, port), this::handle,
                        nanoClock, () -> System.currentTimeMillis() / 1000);
                    servers.put(port, server);
                    LOG.info("dynamic authorization (RFC 5176): listening on UDP {}", port);
                }
                catch (final IOException ex)
                {
                    LOG.error("dynamic authorization: UDP {} cannot be bound: {}", port, ex.toString());
                    return;
                }
            }
            server.peers(peers);
        });
    }

    /** The listener of {@code port}, or null (for {@code show aaa-server} and tests). */
    public synchronized DynamicAuthorizationServer server(final int port)
    {
        return servers.get(port);
    }

    private CompletionStage<Verdict> handle(final DynamicAuthorizationServer.Request request)
    {
        final CompletableFuture<Verdict> verdict = new CompletableFuture<>();
        control.execute(() ->
        {
            try
            {
                verdict.complete(act(request));
            }
            catch (final RuntimeException ex)
            {
                verdict.completeExceptionally(ex);
            }
        });
        return verdict;
    }

    /** What the request does; control thread. */
    Verdict act(final DynamicAuthorizationServer.Request request)
    {
        final RadiusPacket packet = request.packet();
        final boolean disconnect = packet.code() == DynamicAuthorizationPacket.DISCONNECT_REQUEST;
        final String what = (disconnect ? "Disconnect-Request" : "CoA-Request") + " from aaa-server "
            + request.peer().group() + " host " + request.peer().address().getHostAddress();
        final Set<Integer> allowed = disconnect ? DISCONNECT_ATTRIBUTES : COA_ATTRIBUTES;
        for (final RadiusPacket.Attribute attribute : packet.attributes())
        {
            if (!allowed.contains(attribute.type())
                || attribute.type() == RadiusPacket.VENDOR_SPECIFIC && !asaGroupPolicy(attribute.value()))
            {
                LOG.info("{} refused: attribute {} is not supported", what, attribute.type());
                return Verdict.nak(DynamicAuthorizationPacket.UNSUPPORTED_ATTRIBUTE);
            }
        }
        final HeadendConfig cfg = config.get();
        final String nasIdentifier = packet.text(RadiusPacket.NAS_IDENTIFIER);
        if (nasIdentifier != null && !nasIdentifier.equals(cfg.hostname()))
        {
            LOG.info("{} refused: NAS-Identifier {} is not this headend", what, LogText.escape(nasIdentifier));
            return Verdict.nak(DynamicAuthorizationPacket.NAS_IDENTIFICATION_MISMATCH);
        }
        final String username = packet.text(RadiusPacket.USER_NAME);
        final String accountingId = packet.text(RadiusPacket.ACCT_SESSION_ID);
        final byte[] framed = packet.first(RadiusPacket.FRAMED_IP_ADDRESS);
        if (username == null && accountingId == null && framed == null)
        {
            LOG.info("{} refused: it names no session (User-Name, Acct-Session-Id or Framed-IP-Address)", what);
            return Verdict.nak(DynamicAuthorizationPacket.MISSING_ATTRIBUTE);
        }
        if (framed != null && framed.length != 4)
        {
            return Verdict.nak(DynamicAuthorizationPacket.INVALID_ATTRIBUTE_VALUE);
        }
        final String filter = disconnect ? null : packet.text(DynamicAuthorizationPacket.FILTER_ID);
        final List<AccessListEntry> entries = filter == null ? null : cfg.accessLists().get(filter);
        final boolean namesPolicy = !disconnect && (packet.first(RadiusPacket.CLASS) != null
            || packet.first(RadiusPacket.VENDOR_SPECIFIC) != null);
        final String policy = namesPolicy ? RadiusClient.assignedGroupPolicy(packet) : null;
        if (!disconnect && filter == null && !namesPolicy)
        {
            LOG.info("{} refused: it changes nothing this headend can change", what);
            return Verdict.nak(DynamicAuthorizationPacket.UNSUPPORTED_ATTRIBUTE);
        }
        if (filter != null && entries == null)
        {
            LOG.info("{} refused: Filter-Id {} names no access-list", what, LogText.escape(filter));
            return Verdict.nak(DynamicAuthorizationPacket.INVALID_ATTRIBUTE_VALUE);
        }
        if (namesPolicy && (policy == null || !cfg.groupPolicies().containsKey(policy)))
        {
            LOG.info("{} refused: {}", what, policy == null ? "its Class names no group-policy (OU=NAME;)"
                : "group-policy " + LogText.escape(policy) + " is not configured");
            return Verdict.nak(DynamicAuthorizationPacket.INVALID_ATTRIBUTE_VALUE);
        }
        final List<Session> matching = new ArrayList<>();
        for (final Session session : sessions.list())
        {
            if (servedBy(cfg, session, request.peer().group())
                && (username == null || username.equals(session.username()))
                && (accountingId == null || accountingId.equals(accounting.accountingSessionId(session.index())))
                && (framed == null || session.lease() != null && session.lease().address() == ipv4(framed)))
            {
                matching.add(session);
            }
        }
        if (matching.isEmpty())
        {
            LOG.info("{}: no such session", what);
            return Verdict.nak(DynamicAuthorizationPacket.SESSION_CONTEXT_NOT_FOUND);
        }
        if (policy != null)
        {
            for (final Session session : matching)
            {
                final List<String> reconnect = GroupPolicyChange.needingReconnect(
                    cfg.effectivePolicy(session.tunnelGroup(), session.username(), session.aaa().groupPolicy()),
                    cfg.effectivePolicy(session.tunnelGroup(), session.username(), policy));
                if (!reconnect.isEmpty())
                {
                    LOG.info("{} refused: session {} cannot move to group-policy {} without a reconnect, it changes {}",
                        what, session.index(), LogText.escape(policy), String.join(", ", reconnect));
                    return Verdict.nak(DynamicAuthorizationPacket.UNSUPPORTED_ATTRIBUTE);
                }
            }
        }
        for (final Session session : matching)
        {
            if (disconnect)
            {
                sessions.end(session, "disconnected by the RADIUS server (" + what + ")");
                continue;
            }
            if (policy != null)
            {
                sessions.changeGroupPolicy(session, policy);
                LOG.info("session {}: user {}: group-policy {} ({})", session.index(),
                    LogText.escape(session.username()), LogText.escape(policy), what);
            }
            if (filter == null)
            {
                continue;
            }
            sessions.changeVpnFilter(session, filter);
            final Session.Tunnel tunnel = session.tunnel();
            if (tunnel != null && session.lease() != null && !tunnel.handle().vpnFilter(VpnFilter.of(entries,
                Ipv4.fromLong(session.lease().address() & 0xFFFF_FFFFL),
                session.lease6() == null ? null : session.lease6().address())))
            {
                // a tunnel that cannot change its filter while it runs gets it on its reconnect
                tunnel.handle().drop("vpn-filter changed by the RADIUS server");
            }
            LOG.info("session {}: user {}: vpn-filter {} ({})", session.index(),
                LogText.escape(session.username()), LogText.escape(filter), what);
        }
        return Verdict.ACK;
    }

    /** A Vendor-Specific attribute that holds the ASA's Group-Policy and nothing else. */
    private static boolean asaGroupPolicy(final byte[] value)
    {
        if (value.length < 4 || ((value[0] & 0xff) << 24 | (value[1] & 0xff) << 16 | (value[2] & 0xff) << 8
            | value[3] & 0xff) != RadiusClient.ASA_VENDOR)
        {
            return false;
        }
        int at = 4;
        while (at < value.length)
        {
            final int length = at + 1 < value.length ? value[at + 1] & 0xff : 0;
            if ((value[at] & 0xff) != RadiusClient.ASA_GROUP_POLICY || length < 2 || at + length > value.length)
            {
                return false;
            }
            at += length;
        }
        return at > 4;
    }

    private static int ipv4(final byte[] address)
    {
        return (address[0] & 0xff) << 24 | (address[1] & 0xff) << 16 | (address[2] & 0xff) << 8 | address[3] & 0xff;
    }

    private static boolean servedBy(final HeadendConfig cfg, final Session session, final String group)
    {
        final TunnelGroup tunnelGroup = cfg.tunnelGroup(session.tunnelGroup()).orElse(null);
        return tunnelGroup != null && (group.equals(tunnelGroup.authenticationServerGroup())
            || group.equals(tunnelGroup.authorizationServerGroup()) || group.equals(tunnelGroup.accountingServerGroup()));
    }

    @Override
    public synchronized void close()
    {
        servers.values().forEach(DynamicAuthorizationServer::close);
        servers.clear();
    }
}
