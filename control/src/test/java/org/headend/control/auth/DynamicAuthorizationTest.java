package org.headend.control.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.control.auth.radius.DynamicAuthorizationPacket;
import org.headend.control.auth.radius.DynamicAuthorizationServer;
import org.headend.control.auth.radius.DynamicAuthorizationServer.Verdict;
import org.headend.control.auth.radius.RadiusClient;
import org.headend.control.auth.radius.RadiusPacket;
import org.headend.control.config.ConfigStore;
import org.headend.control.http.ClientInfo;
import org.headend.control.session.AddressPools;
import org.headend.control.session.Session;
import org.headend.control.session.SessionManager;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.Dataplane;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.tunnel.CstpTunnel;
import org.headend.dataplane.tunnel.CstpTunnelHandler;
import org.headend.dataplane.tunnel.EgressQueue;
import org.headend.dataplane.tunnel.TunnelPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What Disconnect- and CoA-Requests do to the session table: which sessions they name (only those of tunnel-groups
 * the requesting server's group serves), ending them, changing a live tunnel's vpn-filter, and the Error-Cause of
 * each refusal.
 */
class DynamicAuthorizationTest
{
    private static final byte[] KEY = "k".getBytes(StandardCharsets.US_ASCII);
    private static final ClientInfo CLIENT = new ClientInfo("10.77.0.2", 40000, 443, "openconnect", "TLSv1.3",
        "TLS_AES_128_GCM_SHA256");
    private static final String CONFIG = """
        hostname vpn1
        ip local pool POOL 192.168.100.10-192.168.100.20 mask 255.255.255.0
        aaa-server RAD protocol radius
         dynamic-authorization
        aaa-server RAD (inside) host 127.0.0.1
         key k
         accounting-port 9
        aaa-server OTHER protocol radius
        tunnel-group DefaultWEBVPNGroup general-attributes
         address-pool POOL
         authentication-server-group RAD
         accounting-server-group RAD
        tunnel-group ELSEWHERE type remote-access
        tunnel-group ELSEWHERE general-attributes
         address-pool POOL
         authentication-server-group OTHER
        access-list ONLY10 extended permit ip any 10.0.0.0 255.0.0.0
        group-policy SHORT internal
        group-policy SHORT attributes
         vpn-session-timeout 1
         banner value Short sessions.
         webvpn
          anyconnect dpd-interval gateway 45
        group-policy OTHERDNS internal
        group-policy OTHERDNS attributes
         dns-server value 192.0.2.53
        """;

    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
    private final ConfigStore config = ConfigStore.embeddedDefault("unused-password");
    private final AddressPools pools = new AddressPools(Set.of(), Set.of());
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private Dataplane dataplane;
    private SessionManager sessions;
    private Logins logins;
    private RadiusAccounting accounting;
    private DynamicAuthorization authorization;
    private int nextTunnel = 1;

    @BeforeEach
    void setUp() throws Exception
    {
        config.replace(CONFIG, "test");
        pools.configure(config.current().pools());
        dataplane = Dataplane.start(List.of(), List.of(), ex -> { });
        sessions = new SessionManager(control, dataplane, pools, null,
            (group, user) -> config.current().effectivePolicy(group, user), System::nanoTime, Clock.systemUTC());
        sessions.assignedPolicies((group, user, assigned) -> config.current().effectivePolicy(group, user,
            assigned));
        logins = new Logins(config::current, new FailedLoginLimiter(), System::nanoTime);
        logins.apply(config.current());
        accounting = new RadiusAccounting(config::current, logins, System::nanoTime);
        authorization = new DynamicAuthorization(config::current, sessions, accounting, control, System::nanoTime,
            InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void tearDown()
    {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        authorization.close();
        logins.close();
        dataplane.close();
        control.shutdownNow();
    }

    private Session login(final String user, final String tunnelGroup)
    {
        final Session session = sessions.open(user, tunnelGroup, "DfltGrpPolicy", CLIENT).session();
        accounting.start(session, "ACCT-" + user + "-" + session.index());
        return session;
    }

    /** A tunnel up for the session as the gateway brings it up; returns its path. */
    private TunnelPath connect(final Session session)
    {
        final AddressPools.Lease lease = sessions.lease(session, List.of("POOL"));
        final EmbeddedChannel channel = new EmbeddedChannel();
        channels.add(channel);
        final TunnelPath path = new TunnelPath(nextTunnel++, new EgressQueue(channel.eventLoop(), 64 * 1024),
            new TunnelAccess(lease.address(), null, null));
        final CstpTunnelHandler handler = new CstpTunnelHandler(path, 1400, 0, (DirectBuffer b, int i, int l) -> true,
            PacketCompression.none(), new DataplaneCounters(), new TunnelListener()
            {
                @Override
                public void onDisconnectRequest(final int reason, final String text)
                {
                }

                @Override
                public void onClosed(final CloseCause cause, final String detail)
                {
                }
            });
        channel.pipeline().addLast(handler);
        sessions.tunnelUp(session, new Session.Tunnel(new CstpTunnel(path, handler, channel), CLIENT));
        return path;
    }

    private Verdict act(final int code, final RadiusPacket.Attribute... attributes) throws Exception
    {
        final byte[] datagram = DynamicAuthorizationPacket.request(code, 1, KEY, List.of(attributes));
        return authorization.act(new DynamicAuthorizationServer.Request(
            DynamicAuthorizationPacket.decodeRequest(datagram, datagram.length, KEY),
            new DynamicAuthorizationServer.Peer(InetAddress.getLoopbackAddress(), KEY, "RAD")));
    }

    private static RadiusPacket.Attribute user(final String name)
    {
        return RadiusPacket.Attribute.text(RadiusPacket.USER_NAME, name);
    }

    @Test
    void shouldEndTheNamedSessionsOfTheServersOwnTunnelGroupsOnly() throws Exception
    {
        final Session alice = login("alice", "DefaultWEBVPNGroup");
        connect(alice);
        login("alice", "DefaultWEBVPNGroup");
        final Session elsewhere = login("alice", "ELSEWHERE");
        final Session bob = login("bob", "DefaultWEBVPNGroup");
        assertEquals(Verdict.ACK, act(DynamicAuthorizationPacket.DISCONNECT_REQUEST, user("alice")));
        assertTrue(alice.ended());
        assertEquals(List.of(elsewhere, bob), sessions.list(), "another server group's session and bob stay");
        assertEquals(DynamicAuthorizationPacket.SESSION_CONTEXT_NOT_FOUND,
            act(DynamicAuthorizationPacket.DISCONNECT_REQUEST, user("alice")).errorCause());
    }

    @Test
    void shouldNameASessionByAllTheAttributesGiven() throws Exception
    {
        final Session first = login("carol", "DefaultWEBVPNGroup");
        final Session second = login("carol", "DefaultWEBVPNGroup");
        connect(first);
        connect(second);
        final byte[] secondAddress = InetAddress.ofLiteral(sessions.view(second).assignedIp()).getAddress();
        assertEquals(DynamicAuthorizationPacket.SESSION_CONTEXT_NOT_FOUND,
            act(DynamicAuthorizationPacket.DISCONNECT_REQUEST, user("carol"),
                RadiusPacket.Attribute.text(RadiusPacket.ACCT_SESSION_ID, "ACCT-carol-" + first.index()),
                new RadiusPacket.Attribute(RadiusPacket.FRAMED_IP_ADDRESS, secondAddress)).errorCause(),
            "the first session's id and the second's address name no session");
        assertEquals(Verdict.ACK, act(DynamicAuthorizationPacket.DISCONNECT_REQUEST,
            new RadiusPacket.Attribute(RadiusPacket.FRAMED_IP_ADDRESS, secondAddress)));
        assertEquals(List.of(first), sessions.list());
        assertEquals(Verdict.ACK, act(DynamicAuthorizationPacket.DISCONNECT_REQUEST,
            RadiusPacket.Attribute.text(RadiusPacket.ACCT_SESSION_ID, "ACCT-carol-" + first.index())));
        assertTrue(sessions.list().isEmpty());
    }

    @Test
    void shouldRefuseWithTheErrorCauseOfEachProblem() throws Exception
    {
        login("alice", "DefaultWEBVPNGroup");
        assertEquals(DynamicAuthorizationPacket.MISSING_ATTRIBUTE,
            act(DynamicAuthorizationPacket.DISCONNECT_REQUEST).errorCause());
        assertEquals(DynamicAuthorizationPacket.NAS_IDENTIFICATION_MISMATCH,
            act(DynamicAuthorizationPacket.DISCONNECT_REQUEST, user("alice"),
                RadiusPacket.Attribute.text(RadiusPacket.NAS_IDENTIFIER, "vpn2")).errorCause());
        assertEquals(DynamicAuthorizationPacket.UNSUPPORTED_ATTRIBUTE,
            act(DynamicAuthorizationPacket.COA_REQUEST, user("alice"),
                RadiusPacket.Attribute.integer(27, 60)).errorCause(), "Session-Timeout cannot change");
        assertEquals(DynamicAuthorizationPacket.INVALID_ATTRIBUTE_VALUE,
            act(DynamicAuthorizationPacket.COA_REQUEST, user("alice"),
                RadiusPacket.Attribute.text(DynamicAuthorizationPacket.FILTER_ID, "NO-SUCH-ACL")).errorCause());
        assertEquals(1, sessions.list().size(), "nothing was done");
        assertEquals(Verdict.ACK, act(DynamicAuthorizationPacket.DISCONNECT_REQUEST, user("alice"),
            RadiusPacket.Attribute.text(RadiusPacket.NAS_IDENTIFIER, "vpn1")));
    }

    @Test
    void shouldHoldTheLiveTunnelToTheFilterAndKeepItForTheNextConnect() throws Exception
    {
        final Session alice = login("alice", "DefaultWEBVPNGroup");
        final TunnelPath path = connect(alice);
        final int source = path.access().ipv4();
        assertEquals(TunnelAccess.ADMIT, check(path, source, 0x08080808));
        assertEquals(Verdict.ACK, act(DynamicAuthorizationPacket.COA_REQUEST, user("alice"),
            RadiusPacket.Attribute.text(DynamicAuthorizationPacket.FILTER_ID, "ONLY10")));
        assertEquals(TunnelAccess.FILTERED, check(path, source, 0x08080808));
        assertEquals(TunnelAccess.ADMIT, check(path, source, 0x0A010203));
        assertEquals("ONLY10", alice.vpnFilter(), "a reconnect gets the same filter");
        assertFalse(alice.ended());
        assertNull(login("dave", "DefaultWEBVPNGroup").vpnFilter());
    }

    private static RadiusPacket.Attribute asaGroupPolicy(final String name)
    {
        return RadiusPacket.Attribute.vendor(RadiusClient.ASA_VENDOR, RadiusClient.ASA_GROUP_POLICY,
            name.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldMoveTheLiveSessionToAGroupPolicyThatChangesOnlyTimersAndGatewayDpd() throws Exception
    {
        final Session alice = login("alice", "DefaultWEBVPNGroup");
        connect(alice);
        assertEquals(-1, sessions.maxConnectLeftSeconds(alice), "DfltGrpPolicy has no session timeout");
        assertEquals(Verdict.ACK, act(DynamicAuthorizationPacket.COA_REQUEST, user("alice"),
            asaGroupPolicy("SHORT")));
        assertEquals("SHORT", alice.groupPolicy());
        assertEquals("SHORT", alice.aaa().groupPolicy(), "a reconnect runs under the new policy too");
        final long left = sessions.maxConnectLeftSeconds(alice);
        assertTrue(left > 0 && left <= 60, "the session timeout of SHORT runs from the login: " + left);
        assertEquals(45, alice.tunnel().handle().gatewayDpdSeconds(), "the live tunnel probes every 45 s");
        assertFalse(alice.ended());
    }

    @Test
    void shouldRefuseAGroupPolicyThatNeedsAReconnectAndChangeNothing() throws Exception
    {
        final Session alice = login("alice", "DefaultWEBVPNGroup");
        final TunnelPath path = connect(alice);
        assertEquals(DynamicAuthorizationPacket.UNSUPPORTED_ATTRIBUTE, act(DynamicAuthorizationPacket.COA_REQUEST,
            user("alice"), RadiusPacket.Attribute.text(RadiusPacket.CLASS, "OU=OTHERDNS;"),
            RadiusPacket.Attribute.text(DynamicAuthorizationPacket.FILTER_ID, "ONLY10")).errorCause(),
            "the DNS servers are told at CONNECT");
        assertEquals("DfltGrpPolicy", alice.groupPolicy());
        assertNull(alice.vpnFilter(), "the filter of the same request was not applied either");
        assertEquals(TunnelAccess.ADMIT, check(path, path.access().ipv4(), 0x08080808));
        assertEquals(DynamicAuthorizationPacket.INVALID_ATTRIBUTE_VALUE, act(DynamicAuthorizationPacket.COA_REQUEST,
            user("alice"), RadiusPacket.Attribute.text(RadiusPacket.CLASS, "OU=NOSUCH;")).errorCause());
        assertEquals(DynamicAuthorizationPacket.INVALID_ATTRIBUTE_VALUE, act(DynamicAuthorizationPacket.COA_REQUEST,
            user("alice"), RadiusPacket.Attribute.text(RadiusPacket.CLASS, "no group here")).errorCause());
        assertEquals(DynamicAuthorizationPacket.UNSUPPORTED_ATTRIBUTE, act(DynamicAuthorizationPacket.COA_REQUEST,
            user("alice"), RadiusPacket.Attribute.vendor(9, 1, new byte[] {1})).errorCause(),
            "another vendor's attribute");
        assertEquals(DynamicAuthorizationPacket.UNSUPPORTED_ATTRIBUTE, act(DynamicAuthorizationPacket.COA_REQUEST,
            user("alice"), RadiusPacket.Attribute.vendor(RadiusClient.ASA_VENDOR, 5, new byte[] {1})).errorCause(),
            "another ASA attribute");
        assertEquals("DfltGrpPolicy", alice.groupPolicy());
    }

    private static int check(final TunnelPath path, final int source, final int destination)
    {
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[20]);
        packet.putByte(0, (byte)0x45);
        packet.putInt(12, source, java.nio.ByteOrder.BIG_ENDIAN);
        packet.putInt(16, destination, java.nio.ByteOrder.BIG_ENDIAN);
        return path.access().check(packet, 0, 20);
    }
}
