package org.headend.control.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.TunnelGroup;
import org.headend.control.http.ClientInfo;
import org.headend.control.session.AaaAssignment;
import org.headend.control.session.AddressPools;
import org.headend.control.session.FileSessionStore;
import org.headend.control.session.Session;
import org.headend.control.session.SessionManager;
import org.headend.dataplane.api.Dataplane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which sessions get a DHCP address and what follows, with the real session table and relay against a scripted
 * server on the loopback (the test thread plays the control thread): the ASA's order (AAA, the user's own address,
 * DHCP, pools), the lease held as a host-routed address, RELEASE at session end, and a failure handed back for the
 * pools to answer.
 */
class DhcpAddressesTest
{
    private static final ClientInfo CLIENT = new ClientInfo("10.77.0.2", 40000, 443,
        "Open AnyConnect VPN Agent v9.01-3", "TLSv1.3", "TLS_AES_128_GCM_SHA256");
    private static final Inet4Address LOOPBACK = (Inet4Address)InetAddress.getLoopbackAddress();
    private static final int LEASED = 0x0A3C002A;

    private final BlockingQueue<Runnable> controlQueue = new LinkedBlockingQueue<>();
    private final ScheduledExecutorService unused = Executors.newSingleThreadScheduledExecutor();
    private final ConfigStore config = ConfigStore.embeddedDefault("unused-password");
    private AddressPools pools = new AddressPools(Set.of(), Set.of());
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path stateDir;
    private FileSessionStore store;
    /** A message received early (while making sure no other was sent), for the next {@link #receive}. */
    private DhcpMessage pending;
    private final List<String> outcomes = new ArrayList<>();
    private Dataplane dataplane;
    private SessionManager sessions;
    private DatagramSocket server;
    private DhcpRelay relay;
    private DhcpAddresses addresses;
    private int relayPort;

    @BeforeEach
    void setUp() throws Exception
    {
        server = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        server.setSoTimeout(10_000);
        final int relayPort;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(0)))
        {
            relayPort = probe.getLocalPort();
        }
        config.replace("""
            ip local pool POOL 192.168.100.10-192.168.100.20 mask 255.255.255.0
            username demo password demo-secret
            username fixed password fixed-secret
            username fixed attributes
             vpn-framed-ip-address 192.168.101.7 255.255.255.0
            group-policy DfltGrpPolicy attributes
             dhcp-network-scope 10.60.0.1
            tunnel-group DefaultWEBVPNGroup general-attributes
             address-pool POOL
             dhcp-server 127.0.0.1
            """, "test");
        pools.configure(config.current().pools());
        dataplane = Dataplane.start(List.of(), List.of(), ex -> { });
        sessions = new SessionManager(unused, dataplane, pools, null,
            (group, user) -> config.current().effectivePolicy(group, user), System::nanoTime, Clock.systemUTC());
        relay = new DhcpRelay(controlQueue::add, relayPort, server.getLocalPort(), Duration.ofSeconds(1),
            System::nanoTime);
        addresses = new DhcpAddresses(sessions, relay);
        this.relayPort = relayPort;
    }

    @AfterEach
    void tearDown()
    {
        relay.close();
        if (store != null)
        {
            store.close();
        }
        server.close();
        dataplane.close();
        unused.shutdownNow();
    }

    @Test
    void shouldLeaseFromDhcpBeforeThePoolsHoldItAsAHostAddressAndReleaseItAtTheEnd() throws Exception
    {
        final Session session = login("demo");
        assertTrue(start(session));
        final DhcpMessage discover = receive();
        assertEquals(0x0A3C0001, discover.giaddr(), "the group-policy's scope is the relay address");
        answer(discover, DhcpMessage.OFFER);
        answer(receive(), DhcpMessage.ACK);
        runControlUntil(() -> !outcomes.isEmpty());
        assertEquals(List.of("then"), outcomes);
        assertEquals(new AddressPools.Lease(AddressPools.DHCP, LEASED, 0xFFFFFF00), session.lease());
        assertEquals(Set.of(LEASED), pools.fixedLeased(), "routed to the inside device on its own");
        assertEquals(1, addresses.held());
        assertFalse(start(session), "the session has its address: a reconnect asks no one");

        sessions.end(session, "test");
        final DhcpMessage release = receive();
        assertEquals(DhcpMessage.RELEASE, release.messageType());
        assertEquals(LEASED, release.ciaddr());
        assertEquals(Set.of(), pools.fixedLeased());
        assertEquals(0, addresses.held());
    }

    @Test
    void shouldLeaveTheAddressToTheAaaServerOrTheUsersOwnAttribute() throws Exception
    {
        final Session radius = login("demo");
        radius.assign(new AaaAssignment(null, (Inet4Address)InetAddress.getByName("192.168.100.15")));
        assertFalse(start(radius), "AAA first, as on the ASA");
        assertFalse(start(login("fixed")), "the user's vpn-framed-ip-address before DHCP");
    }

    @Test
    void shouldHandTheFailureBackWhenNoServerAnswers() throws Exception
    {
        final Session session = login("demo");
        assertTrue(start(session));
        receive();
        runControlUntil(() -> !outcomes.isEmpty());
        assertEquals(List.of("failed: no lease from 127.0.0.1 within 1 s"), outcomes);
        assertNull(session.lease(), "the pools are the caller's next step");
    }

    @Test
    void shouldKeepTheLeaseOverARestartAndConfirmItBeforeTheClientGetsItsAddressBack() throws Exception
    {
        restartable();
        final Session before = login("demo");
        assertTrue(start(before));
        final DhcpMessage discover = receive();
        answer(discover, DhcpMessage.OFFER);
        answer(receive(), DhcpMessage.ACK);
        runControlUntil(() -> !outcomes.isEmpty());
        final String cookieKey = before.tokenKey();

        restart();
        assertNoRelease();
        final Session after = sessions.list().getFirst();
        assertEquals(cookieKey, after.tokenKey(), "the same session came back");
        final DhcpMessage request = receive();
        assertEquals(DhcpMessage.REQUEST, request.messageType(), "the lease is confirmed, not asked for anew");
        assertEquals(LEASED, request.intOption(DhcpMessage.OPTION_REQUESTED_ADDRESS, 0));
        assertEquals(java.util.HexFormat.of().formatHex(discover.chaddr()),
            java.util.HexFormat.of().formatHex(request.chaddr()), "as the client the server leased to");
        assertEquals(0x0A3C0001, request.giaddr());

        outcomes.clear();
        assertTrue(start(after), "the CONNECT waits for the server");
        runControlUntil(() -> false, 300);
        assertEquals(List.of(), outcomes, "no address before the server confirmed it");
        answer(request, DhcpMessage.ACK);
        runControlUntil(() -> !outcomes.isEmpty());
        assertEquals(List.of("then"), outcomes);
        assertEquals(new AddressPools.Lease(AddressPools.DHCP, LEASED, 0xFFFFFF00), after.lease());
        assertEquals(Set.of(LEASED), pools.fixedLeased());
        assertEquals(1, addresses.held());

        sessions.end(after, "test");
        assertEquals(DhcpMessage.RELEASE, receive().messageType(), "released at its end like any lease");
    }

    @Test
    void shouldEndTheRestoredSessionWhenTheServerRefusesTheKeptLease() throws Exception
    {
        restartable();
        final Session before = login("demo");
        assertTrue(start(before));
        answer(receive(), DhcpMessage.OFFER);
        answer(receive(), DhcpMessage.ACK);
        runControlUntil(() -> !outcomes.isEmpty());

        restart();
        final Session after = sessions.list().getFirst();
        final DhcpMessage request = receive();
        outcomes.clear();
        assertTrue(start(after));
        answer(request, DhcpMessage.NAK);
        runControlUntil(() -> !outcomes.isEmpty());
        assertTrue(after.ended(), "its client must log in again");
        assertEquals(List.of(), sessions.list());
        assertEquals(1, outcomes.size());
        assertTrue(outcomes.getFirst().startsWith("failed: server 127.0.0.1 refused to confirm 10.60.0.42 (DHCPNAK"),
            outcomes.toString());
        assertEquals(Set.of(), pools.fixedLeased(), "the address is free here again");
        assertEquals(0, addresses.held());
    }

    /** The session table kept in a real sessions file, as the appliance keeps it. */
    private void restartable()
    {
        relay.close();
        store = FileSessionStore.inStateDir(stateDir, Clock.systemUTC());
        sessions = new SessionManager(unused, dataplane, pools, null,
            (group, user) -> config.current().effectivePolicy(group, user), System::nanoTime, Clock.systemUTC(),
            store);
        // time enough for the test's server to answer on a loaded machine
        relay = new DhcpRelay(controlQueue::add, relayPort, server.getLocalPort(), Duration.ofSeconds(10),
            System::nanoTime);
        addresses = new DhcpAddresses(sessions, relay);
    }

    /** Stops as the appliance does for a restart, and starts again from the sessions file. */
    private void restart()
    {
        sessions.suspendAll("the headend is restarting");
        relay.closeKeepingLeases();
        store.close();
        pools = new AddressPools(Set.of(), Set.of());
        pools.configure(config.current().pools());
        restartable();
        assertEquals(1, sessions.restore());
        addresses.confirmRestored(config.current());
    }

    private void assertNoRelease() throws Exception
    {
        server.setSoTimeout(300);
        try
        {
            final DhcpMessage message = receive();
            assertEquals(DhcpMessage.REQUEST, message.messageType(), "no RELEASE at a stop that keeps the sessions");
            pending = message;
        }
        catch (final java.net.SocketTimeoutException expected)
        {
            // nothing was sent at the stop
        }
        finally
        {
            server.setSoTimeout(10_000);
        }
    }

    private boolean start(final Session session)
    {
        final HeadendConfig cfg = config.current();
        final TunnelGroup group = cfg.defaultTunnelGroup();
        return addresses.leaseThen(session, group, cfg.effectivePolicy(group.name(), session.username(), null),
            () -> outcomes.add("then"), why -> outcomes.add("failed: " + why));
    }

    private Session login(final String user)
    {
        return sessions.open(user, HeadendConfig.DEFAULT_TUNNEL_GROUP, "DfltGrpPolicy", CLIENT).session();
    }

    private void runControlUntil(final java.util.function.BooleanSupplier done) throws InterruptedException
    {
        runControlUntil(done, 10_000);
    }

    private void runControlUntil(final java.util.function.BooleanSupplier done, final long millis)
        throws InterruptedException
    {
        final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!done.getAsBoolean() && System.nanoTime() < until)
        {
            final Runnable task = controlQueue.poll(100, TimeUnit.MILLISECONDS);
            if (task != null)
            {
                task.run();
            }
        }
    }

    private DhcpMessage receive() throws Exception
    {
        if (pending != null)
        {
            final DhcpMessage first = pending;
            pending = null;
            return first;
        }
        final DatagramPacket packet = new DatagramPacket(new byte[1500], 1500);
        server.receive(packet);
        return DhcpMessage.decode(packet.getData(), packet.getLength());
    }

    /** The server's answer, sent to the relay's port on the loopback (where a real one would use giaddr:67). */
    private void answer(final DhcpMessage to, final int type) throws Exception
    {
        final Map<Integer, byte[]> options = new LinkedHashMap<>();
        options.put(DhcpMessage.OPTION_MESSAGE_TYPE, new byte[] {(byte)type});
        options.put(DhcpMessage.OPTION_SERVER_ID, DhcpMessage.int32(0x7F000001));
        options.put(DhcpMessage.OPTION_LEASE_TIME, DhcpMessage.int32(600));
        options.put(DhcpMessage.OPTION_SUBNET_MASK, DhcpMessage.int32(0xFFFFFF00L));
        final byte[] bytes = new DhcpMessage(DhcpMessage.BOOTREPLY, to.xid(), 0, 0, 0, LEASED, 0, to.giaddr(),
            to.chaddr(), options).encode();
        server.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(LOOPBACK, relayPort)));
    }
}
