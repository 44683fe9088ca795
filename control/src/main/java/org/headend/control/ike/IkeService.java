package org.headend.control.ike;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.headend.control.auth.AuthOutcome;
import org.headend.control.auth.AuthRequest;
import org.headend.control.auth.Logins;
import org.headend.control.config.AaaServerGroup;
import org.headend.control.config.AclAddress;
import org.headend.control.config.ConfigHash;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.PolicyAttribute;
import org.headend.control.config.TunnelGroup;
import org.headend.control.config.UserAccount;
import org.headend.control.http.ClientInfo;
import org.headend.control.ike.codec.TrafficSelector;
import org.headend.control.ike.sa.ChildSa;
import org.headend.control.ike.sa.ClientConfig;
import org.headend.control.ike.sa.IkeAction;
import org.headend.control.ike.sa.IkeHost;
import org.headend.control.ike.sa.IkeResponder;
import org.headend.control.ike.sa.IkeSa;
import org.headend.control.ike.sa.ResponderPolicy;
import org.headend.control.session.AddressPools;
import org.headend.control.tunnel.IpsecAccess;
import org.headend.control.session.Session;
import org.headend.control.session.SessionManager;
import org.headend.control.session.SessionView;
import org.headend.dataplane.api.EspSa;
import org.headend.dataplane.api.EspSocket;
import org.headend.dataplane.api.EspTunnel;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.api.TunnelListener.CloseCause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IKEv2 remote access in the appliance: one {@link IkeResponder} on the control thread, fed by UDP 500 (a socket of
 * its own, read by a thread of its own) and by the data plane's ESP port on 4500; an authenticated IKE SA is a session
 * of the one session table (address from the tunnel-group's pool, the group-policy's DNS and timers), its CHILD_SA an
 * {@link EspTunnel} recorded with {@link SessionManager#tunnelUp} (which routes the address to it). A session that
 * ends in the table (logoff, timers) sends the IKE DELETE.
 */
public final class IkeService implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(IkeService.class);
    private static final int ESP_PORT = 4500;
    private static final int IKE_PORT = 500;
    /** Inner MTU for a 1500-byte outside link: 20 IP + 8 UDP + 8 ESP + 8 IV + 5 trailer + 16 ICV, rounded down. */
    private static final int MTU = 1400;
    private static final int REPLAY_WINDOW = 128;

    private final ScheduledExecutorService control;
    private final SessionManager sessions;
    private final Supplier<HeadendConfig> config;
    private final EspSocket esp;
    private final DatagramChannel udp500;
    private final InetSocketAddress local500;
    private final InetSocketAddress local4500;
    private final IkeResponder responder;
    private final Map<IkeSa, Session> sessionOf = new IdentityHashMap<>();
    private final Map<Integer, IkeSa> saOfSession = new HashMap<>();
    private final Map<IkeSa, EspTunnel> tunnels = new IdentityHashMap<>();
    /** The EAP conversations relayed to RADIUS, by SA, until the SA is admitted or gone. */
    private final Map<IkeSa, EapRelay> relays = new IdentityHashMap<>();
    /** What the server of an EAP-AnyConnect login accepted, by SA, until the SA is admitted or gone. */
    private final Map<IkeSa, AuthOutcome.Accepted> passwordLogins = new IdentityHashMap<>();
    private final Logins logins;
    private final IkePasswords passwords;
    private final Thread reader;
    private final String nameif;
    private final ScheduledFuture<?> timer;
    /** Takes {@link #sessionEnded} out of the session table's listeners again; control thread. */
    private Runnable endListener;

    private IkeService(final ScheduledExecutorService control, final SessionManager sessions,
        final Supplier<HeadendConfig> config, final EspSocket esp, final DatagramChannel udp500,
        final InetAddress address, final ResponderPolicy policy, final String nameif, final Logins logins)
    {
        this.nameif = nameif;
        this.logins = logins;
        this.passwords = new IkePasswords(logins, config);
        this.control = control;
        this.sessions = sessions;
        this.config = config;
        this.esp = esp;
        this.udp500 = udp500;
        this.local500 = new InetSocketAddress(address, IKE_PORT);
        this.local4500 = new InetSocketAddress(address, ESP_PORT);
        this.responder = new IkeResponder(policy, new Host(), new SecureRandom(), System.nanoTime());
        this.reader = new Thread(this::read500, "ike-udp500");
        this.reader.setDaemon(true);
        this.timer = control.scheduleWithFixedDelay(() -> perform(responder.onTimer(System.nanoTime())), 1, 1,
            TimeUnit.SECONDS);
    }

    /**
     * Binds UDP 500 and 4500 on {@code address} and starts answering with {@code policy}. {@code esp} is the data
     * plane's port, opened with {@link DatagramSink} as its IKE listener. Call on any thread but the control thread
     * (it waits for nothing on it).
     */
    public static IkeService start(final ScheduledExecutorService control, final SessionManager sessions,
        final Supplier<HeadendConfig> config, final EspSocket esp, final InetAddress address,
        final ResponderPolicy policy, final String nameif, final DatagramSink sink, final Logins logins)
        throws IOException
    {
        final DatagramChannel udp500 = DatagramChannel.open();
        try
        {
            udp500.bind(new InetSocketAddress(address, IKE_PORT));
            esp.bind(address, ESP_PORT);
        }
        catch (final InterruptedException ex)
        {
            udp500.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding UDP " + ESP_PORT, ex);
        }
        catch (final IOException | RuntimeException ex)
        {
            udp500.close();
            throw ex;
        }
        final IkeService service = new IkeService(control, sessions, config, esp, udp500, address, policy, nameif,
            logins);
        // the table's listeners belong to the control thread; close() takes this one out again in the same order
        control.execute(() -> service.endListener = sessions.onEnd(service::sessionEnded));
        sink.target = service;
        service.reader.start();
        LOG.info("IKEv2: answering on UDP {}:{} and {} (ESP in UDP)", address.getHostAddress(), IKE_PORT, ESP_PORT);
        return service;
    }

    /** The address UDP 500 and 4500 are bound to. */
    public InetAddress address()
    {
        return local500.getAddress();
    }

    /** IKE SAs negotiated from now on use {@code policy} (a configuration change); established ones keep theirs. */
    public void policy(final ResponderPolicy policy)
    {
        control.execute(() -> responder.policy(policy));
    }

    /**
     * {@code no crypto ikev2 enable}: every IKE SA is deleted (the client told, its session ended), then the sockets
     * close. Not on the control thread.
     */
    public void disable(final String why)
    {
        try
        {
            control.submit(() ->
            {
                for (final IkeSa sa : responder.sas())
                {
                    perform(responder.delete(sa.responderSpi(), why, System.nanoTime()));
                }
            }).get(5, TimeUnit.SECONDS);
        }
        catch (final java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
            | java.util.concurrent.RejectedExecutionException ex)
        {
            LOG.warn("IKEv2: not every SA could be deleted: {}", ex.toString());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** The ESP port's IKE listener, bound to the service once it starts; datagrams before that are dropped. */
    public static final class DatagramSink implements org.headend.dataplane.api.IkeDatagramListener
    {
        private volatile IkeService target;

        @Override
        public void onIkeDatagram(final InetSocketAddress peer, final InetSocketAddress local, final byte[] message)
        {
            final IkeService service = target;
            if (service != null)
            {
                service.control.execute(() -> service.perform(service.responder.onDatagram(message, peer,
                    service.local4500, System.nanoTime())));
            }
        }
    }

    /** The IKE SAs, for {@code show crypto ikev2 sa}. Control thread. */
    public List<IkeSa> sas()
    {
        return List.copyOf(responder.sas());
    }

    /** The ESP tunnel of an IKE SA, or null, for {@code show crypto ipsec sa}. Control thread. */
    public EspTunnel tunnel(final IkeSa sa)
    {
        return tunnels.get(sa);
    }

    /** What the CLI shows of the SAs, read on the control thread. */
    public org.headend.control.cli.CryptoStatus status()
    {
        return new org.headend.control.cli.CryptoStatus()
        {
            @Override
            public String ikev2Sas()
            {
                return onControl(() -> IkeSaReport.ikev2(sas(), System.nanoTime()));
            }

            @Override
            public String ipsecSas()
            {
                return onControl(() -> IkeSaReport.ipsec(new java.util.LinkedHashMap<>(tunnels), nameif));
            }

            @Override
            public String ikev2Stats()
            {
                return onControl(() -> IkeSaReport.stats(responder.stats(), sas(), responder.policy().fragmentMtu()));
            }
        };
    }

    private String onControl(final java.util.concurrent.Callable<String> report)
    {
        try
        {
            return control.submit(report).get(5, TimeUnit.SECONDS);
        }
        catch (final java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex)
        {
            return "ERROR: the IKEv2 SAs could not be read: " + ex + "\n";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "ERROR: interrupted\n";
        }
    }

    private void read500()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(65_536);
        while (true)
        {
            try
            {
                final InetSocketAddress from = (InetSocketAddress)udp500.receive(buffer.clear());
                buffer.flip();
                final byte[] message = new byte[buffer.remaining()];
                buffer.get(message);
                control.execute(() -> perform(responder.onDatagram(message, from, local500, System.nanoTime())));
            }
            catch (final ClosedChannelException ex)
            {
                return;
            }
            catch (final IOException | java.util.concurrent.RejectedExecutionException ex)
            {
                if (!udp500.isOpen())
                {
                    return;
                }
                LOG.warn("IKEv2: UDP 500 receive failed: {}", ex.toString());
            }
        }
    }

    /** Applies the responder's actions: SA changes first, then the messages (the client's ESP follows the answer). */
    private void perform(final List<IkeAction> actions)
    {
        for (final IkeAction action : actions)
        {
            switch (action)
            {
                case IkeAction.ChildUp up -> childUp(up.sa(), up.child());
                case IkeAction.ChildRekeyed rekeyed ->
                {
                    final EspTunnel tunnel = tunnels.get(rekeyed.sa());
                    if (tunnel != null)
                    {
                        tunnel.rekey(inbound(rekeyed.replacement()), outbound(rekeyed.replacement()));
                    }
                }
                case IkeAction.ChildRetired retired ->
                {
                    final EspTunnel tunnel = tunnels.get(retired.sa());
                    if (tunnel != null)
                    {
                        tunnel.retireInbound(retired.inboundSpi());
                    }
                }
                case IkeAction.Rekeyed rekeyed -> moved(rekeyed.old(), rekeyed.replacement());
                case IkeAction.Closed closed -> closed(closed.sa(), closed.reason());
                case IkeAction.RelayEap relay -> relay(relay.sa(), relay.eap());
                case IkeAction.CheckPassword check -> checkPassword(check);
                case IkeAction.Send send ->
                {
                    // below, once every SA change is in place
                }
            }
        }
        for (final IkeAction action : actions)
        {
            if (action instanceof IkeAction.Send send)
            {
                send(send);
            }
        }
    }

    private void send(final IkeAction.Send send)
    {
        try
        {
            if (send.local().getPort() == ESP_PORT)
            {
                esp.sendIke(send.peer(), send.message(), 0, send.message().length);
            }
            else
            {
                udp500.send(ByteBuffer.wrap(send.message()), send.peer());
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.warn("IKEv2: send to {} failed: {}", send.peer(), ex.toString());
        }
    }

    private void childUp(final IkeSa sa, final ChildSa child)
    {
        final Session session = sessionOf.get(sa);
        if (session == null || session.ended() || session.lease() == null)
        {
            LOG.warn("IKEv2: CHILD_SA of {} without a session", sa);
            return;
        }
        final int tunnelId = sessions.nextTunnelId();
        final HeadendConfig cfg = config.get();
        final TunnelAccess access = IpsecAccess.of(cfg, cfg.effectivePolicy(session.tunnelGroup(),
            session.username(), session.aaa().groupPolicy()), session, session.lease()).access();
        final EspTunnel tunnel = esp.install(tunnelId, access, MTU,
            sa.peer(), inbound(child), outbound(child), new Closes(session, tunnelId));
        tunnels.put(sa, tunnel);
        sessions.tunnelUp(session, new Session.Tunnel(tunnel, clientInfo(sa, tunnel.cipherName())));
    }

    private void moved(final IkeSa old, final IkeSa replacement)
    {
        final Session session = sessionOf.remove(old);
        final EspTunnel tunnel = tunnels.remove(old);
        if (session != null)
        {
            sessionOf.put(replacement, session);
            saOfSession.put(session.index(), replacement);
        }
        if (tunnel != null)
        {
            tunnels.put(replacement, tunnel);
        }
    }

    /**
     * Passes one EAP response to the RADIUS group; its answer comes back to the control thread as the SA's waiting
     * IKE_AUTH response. Nothing here waits for the server.
     */
    private void relay(final IkeSa sa, final byte[] eap)
    {
        final EapRelay relay = relays.get(sa);
        final AuthRequest request = relay == null ? null : relay.request(eap);
        if (request == null)
        {
            perform(responder.onEapResult(sa.responderSpi(), new org.headend.control.ike.eap.EapResult.Failed(
                org.headend.control.ike.codec.EapPacket.result(org.headend.control.ike.codec.Ike.EAP_FAILURE,
                    eap.length > 1 ? eap[1] & 0xff : 0), null, "the first EAP response names no user")));
            return;
        }
        logins.relayEap(relay.serverGroup(), request, eap).whenComplete((answer, error) ->
            control.execute(() ->
            {
                if (relays.get(sa) != relay)
                {
                    return; // the SA went while the server decided
                }
                final org.headend.control.auth.radius.RadiusEap.Answer decided = error == null ? answer
                    : new org.headend.control.auth.radius.RadiusEap.Answer(
                        new org.headend.control.auth.AuthOutcome.Rejected(error.toString()), null, null);
                perform(responder.onEapResult(sa.responderSpi(), relay.result(eap, decided)));
            }));
    }

    /**
     * A password sent in EAP (EAP-GTC, EAP-AnyConnect), checked as an SSL login's is (lockout, counting, the same
     * time for unknown users; see {@link IkePasswords}); the verdict comes back to the control thread. What the server
     * of an EAP-AnyConnect login assigned is kept for the SA's admission.
     */
    private void checkPassword(final IkeAction.CheckPassword check)
    {
        final IkeSa sa = check.sa();
        passwords.check(sa, check.username(), check.password()).whenComplete((outcome, error) -> control.execute(() ->
        {
            if (outcome instanceof AuthOutcome.Accepted accepted && sa.anyConnectTunnelGroup() != null
                && sa.state() != IkeSa.State.CLOSED)
            {
                passwordLogins.put(sa, accepted);
            }
            perform(responder.onPasswordChecked(sa.responderSpi(), outcome instanceof AuthOutcome.Accepted));
        }));
    }

    /** The client (or DPD, or the lifetime) ended the IKE SA: the session ends with it. */
    private void closed(final IkeSa sa, final String reason)
    {
        relays.remove(sa);
        passwordLogins.remove(sa);
        tunnels.remove(sa);
        final Session session = sessionOf.remove(sa);
        if (session != null)
        {
            saOfSession.remove(session.index());
            sessions.end(session, "IKEv2: " + reason);
        }
        else if (sa.initiatorId() != null)
        {
            // an IKE_AUTH that came to nothing (a refused login): say why, as for an SSL login
            LOG.info("IKEv2: negotiation with {} ended: {}", sa.peer(), reason);
        }
    }

    /**
     * A session ended in the table (logoff, idle or session timer, a newer login of the user): its IKE SA is deleted,
     * the client told. The delete runs as a task of its own: a newer login ends the older session from within the
     * responder's own {@code admit}, which must not be re-entered.
     */
    private void sessionEnded(final SessionView session, final String why)
    {
        final IkeSa sa = session == null ? null : saOfSession.remove(session.index());
        if (sa != null)
        {
            sessionOf.remove(sa);
            tunnels.remove(sa);
            control.execute(() -> perform(responder.delete(sa.responderSpi(), why, System.nanoTime())));
        }
    }

    private static ClientInfo clientInfo(final IkeSa sa, final String cipher)
    {
        return new ClientInfo(sa.peer().getAddress().getHostAddress(), sa.peer().getPort(), ESP_PORT, "", "IKEv2",
            cipher);
    }

    private static EspSa inbound(final ChildSa child)
    {
        return EspSa.fromKeymat(child.inboundSpi(), child.keymatIn(), child.esn(), REPLAY_WINDOW);
    }

    private static EspSa outbound(final ChildSa child)
    {
        return EspSa.fromKeymat(child.outboundSpi(), child.keymatOut(), child.esn(), 0);
    }

    @Override
    public void close()
    {
        timer.cancel(false);
        try
        {
            control.execute(() ->
            {
                if (endListener != null)
                {
                    endListener.run();
                    endListener = null;
                }
            });
        }
        catch (final java.util.concurrent.RejectedExecutionException ex)
        {
            LOG.debug("the control thread has stopped; the session table goes with it");
        }
        try
        {
            udp500.close();
        }
        catch (final IOException ex)
        {
            LOG.debug("closing UDP 500: {}", ex.toString());
        }
        esp.close();
    }

    /** The appliance's side of the responder's questions, over the configuration and the session table. */
    private final class Host implements IkeHost
    {
        @Override
        public byte[] ntPasswordHash(final String username)
        {
            final UserAccount user = config.get().users().get(username);
            return user == null || user.ntHash() == null ? null : HexFormat.of().parseHex(user.ntHash());
        }

        @Override
        public boolean lockedOut(final IkeSa sa, final String username)
        {
            return logins.limiter().isLocked(username, sa.peer().getAddress().getHostAddress(), System.nanoTime());
        }

        @Override
        public void loginFailed(final IkeSa sa, final String username)
        {
            final String from = sa.peer().getAddress().getHostAddress();
            logins.limiter().onFailure(username, from, System.nanoTime());
            LOG.info("login failed for user {} from {}: IKEv2 EAP-MSCHAPv2 against the local users",
                org.headend.control.LogText.escape(username), from);
        }

        @Override
        public void loginSucceeded(final IkeSa sa, final String username)
        {
            logins.limiter().onSuccess(username);
        }

        @Override
        public String anyConnectTunnelGroup(final IkeSa sa, final String groupAccess)
        {
            final String group = passwords.tunnelGroup(groupAccess);
            if (group == null)
            {
                LOG.info("IKEv2: EAP-AnyConnect client {} refused: its group-access {} selects a tunnel-group whose "
                    + "users need more than a password", sa.peer(),
                    org.headend.control.LogText.escape(String.valueOf(groupAccess)));
            }
            return group;
        }

        @Override
        public long configHash()
        {
            // the SSL login form's number, so that both transports tell the client the same
            return ConfigHash.of(config.get());
        }

        @Override
        public boolean relaysEap(final IkeSa sa)
        {
            final TunnelGroup group = IkeTunnelGroups.select(config.get(), sa.initiatorIdType(), sa.initiatorId());
            final String server = group.authenticationServerGroup();
            if (AaaServerGroup.LOCAL.equals(server) || logins.radius(server) == null)
            {
                return false;
            }
            relays.put(sa, new EapRelay(server, sa.peer().getAddress().getHostAddress()));
            return true;
        }

        @Override
        public ClientConfig admit(final IkeSa sa, final String username)
        {
            final HeadendConfig cfg = config.get();
            // an AnyConnect client's group-access chose its group; a standards-based client's IDi chooses
            final TunnelGroup group = sa.anyConnectTunnelGroup() != null
                ? cfg.tunnelGroups().get(sa.anyConnectTunnelGroup())
                : IkeTunnelGroups.select(cfg, sa.initiatorIdType(), sa.initiatorId());
            final String escaped = org.headend.control.LogText.escape(username);
            final EapRelay relay = relays.remove(sa);
            final AuthOutcome.Accepted checked = passwordLogins.remove(sa);
            if (group == null)
            {
                LOG.info("IKEv2 login of user {} refused: tunnel-group {} was removed", escaped,
                    sa.anyConnectTunnelGroup());
                return null;
            }
            final AuthOutcome.Accepted assigned = relay != null ? relay.accepted() : checked;
            if (assigned == null && !AaaServerGroup.LOCAL.equals(
                group.authenticationServerGroup()) && !group.authenticationFallbackLocal())
            {
                // EAP was answered from the local users; a group that names a server must not take them instead
                LOG.info("IKEv2 login of user {} refused: tunnel-group {} authenticates with {}, which is not a "
                    + "RADIUS group EAP can be passed to", escaped, group.name(), group.authenticationServerGroup());
                return null;
            }
            final EffectivePolicy policy = assigned == null ? cfg.effectivePolicy(group.name(), username)
                : cfg.effectivePolicy(group.name(), username, assigned.groupPolicy());
            if (!policy.get(PolicyAttribute.VPN_TUNNEL_PROTOCOL).contains("ikev2"))
            {
                LOG.info("IKEv2 login of user {} refused: vpn-tunnel-protocol has no ikev2", escaped);
                return null;
            }
            final SessionManager.Login login = sessions.open(username, group.name(), policy.groupPolicyName(),
                clientInfo(sa, ""));
            if (login == null)
            {
                return null;
            }
            final Session session = login.session();
            if (assigned != null)
            {
                // what the RADIUS server assigned applies as for an SSL login: address, group-policy, filter
                session.assign(new org.headend.control.session.AaaAssignment(assigned.groupPolicy(),
                    assigned.framedAddress(), assigned.vpnFilter()));
            }
            final AddressPools.Lease lease = sessions.lease(session, group.addressPools());
            if (lease == null)
            {
                LOG.warn("IKEv2: no address free in pools {} of tunnel-group {}", group.addressPools(), group.name());
                sessions.end(session, "no address available");
                return null;
            }
            sessionOf.put(sa, session);
            saOfSession.put(session.index(), sa);
            final List<byte[]> dns = new ArrayList<>();
            policy.get(PolicyAttribute.DNS_SERVER).stream().filter(a -> a instanceof java.net.Inet4Address)
                .forEach(a -> dns.add(a.getAddress()));
            final String domain = policy.get(PolicyAttribute.DEFAULT_DOMAIN);
            final IpsecAccess access = IpsecAccess.of(cfg, policy, session, lease);
            final List<TrafficSelector> networks = new ArrayList<>();
            final List<byte[]> subnets = new ArrayList<>();
            for (final AclAddress network : access.ipv4Includes())
            {
                final long mask = network.prefixLength() == 0 ? 0 : 0xFFFF_FFFFL << 32 - network.prefixLength();
                final int start = (int)(ByteBuffer.wrap(network.network().getAddress()).getInt() & mask);
                final int end = start | (int)~mask;
                networks.add(TrafficSelector.ipv4Range(ByteBuffer.allocate(4).putInt(start).array(),
                    ByteBuffer.allocate(4).putInt(end).array()));
                subnets.add(ByteBuffer.allocate(8).putInt(start).putInt((int)mask).array());
            }
            LOG.info("IKEv2: session {} of user {} in tunnel-group {} (IDi {}){}", session.index(), escaped,
                group.name(), org.headend.control.LogText.escape(String.valueOf(sa.initiatorId())),
                networks.isEmpty() ? "" : ", split tunnel to " + networks.size() + " networks");
            return new ClientConfig(ByteBuffer.allocate(4).putInt(lease.address()).array(), dns,
                domain.isEmpty() ? null : domain, networks.isEmpty() ? List.of(TrafficSelector.anyIpv4()) : networks,
                subnets);
        }

        @Override
        public void release(final IkeSa sa)
        {
            final Session session = sessionOf.remove(sa);
            if (session != null)
            {
                saOfSession.remove(session.index());
                sessions.end(session, "IKEv2 negotiation failed");
            }
        }

        @Override
        public int reserveSpi()
        {
            return esp.reserveSpi();
        }

        @Override
        public void releaseSpi(final int spi)
        {
            esp.releaseSpi(spi);
        }
    }

    /** The ESP tunnel's end as the data plane sees it (closed from our side: nothing more to do). */
    private final class Closes implements TunnelListener
    {
        private final Session session;
        private final int tunnelId;

        Closes(final Session session, final int tunnelId)
        {
            this.session = session;
            this.tunnelId = tunnelId;
        }

        @Override
        public void onDisconnectRequest(final int reason, final String text)
        {
        }

        @Override
        public void onClosed(final CloseCause cause, final String detail)
        {
            if (cause != CloseCause.LOCAL)
            {
                control.execute(() -> sessions.onTunnelClosed(session, tunnelId, cause, detail));
            }
        }
    }
}
