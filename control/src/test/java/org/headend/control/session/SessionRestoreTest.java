package org.headend.control.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.headend.control.config.ConfigStore;
import org.headend.control.http.ClientInfo;
import org.headend.dataplane.api.Dataplane;
import org.headend.dataplane.wire.CstpHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart on the same state directory: each "run" is a session table over a {@link FileSessionStore} with its
 * own pools and monotonic clock; the wall clock moves on between runs by the time the appliance was down.
 */
class SessionRestoreTest
{
    private static final ClientInfo CLIENT = new ClientInfo("10.77.0.2", 40000, 443,
        "Open AnyConnect VPN Agent v9.01-3", "TLSv1.3", "TLS_AES_128_GCM_SHA256");
    private static final String GROUP = "DefaultWEBVPNGroup";
    private static final String CONFIG = """
        ip local pool POOL RANGE mask 255.255.255.0
        ipv6 local pool V6 V6POOL 16
        username alice password alice-secret
        username bob password bob-secret
        group-policy GP internal
        group-policy GP attributes
         vpn-tunnel-protocol ssl-client
        POLICY
        tunnel-group DefaultWEBVPNGroup general-attributes
         address-pool POOL
         default-group-policy GP
        """;
    private static final String RANGE = "192.168.100.10-192.168.100.20";
    private static final String V6POOL = "2001:db8:100::10/64";

    @TempDir
    Path stateDir;

    private final MutableClock wall = new MutableClock(Instant.parse("2026-12-07T03:00:00Z"));
    private Run run;

    @AfterEach
    void tearDown()
    {
        if (run != null)
        {
            run.stop();
        }
    }

    /** One life of the appliance's session table. */
    private final class Run
    {
        final long[] nanos;
        final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
        final ConfigStore config = ConfigStore.embeddedDefault("unused-password");
        final AddressPools pools = new AddressPools(Set.of(), Set.of());
        final Dataplane dataplane = Dataplane.start(List.of(), List.of(), ex -> { });
        final FileSessionStore store = FileSessionStore.inStateDir(stateDir, wall);
        final SessionManager sessions;

        Run(final long nanoBase, final String range, final String policy) throws Exception
        {
            this(nanoBase, range, V6POOL, policy);
        }

        Run(final long nanoBase, final String range, final String v6Pool, final String policy) throws Exception
        {
            nanos = new long[] {nanoBase};
            config.replace(CONFIG.replace("RANGE", range).replace("V6POOL", v6Pool).replace("POLICY", policy), "test");
            pools.configure(config.current().pools());
            pools.configure6(config.current().ipv6Pools());
            sessions = new SessionManager(control, dataplane, pools, null,
                (group, user) -> config.current().effectivePolicy(group, user), () -> nanos[0], wall, store);
        }

        SessionManager.Login login(final String user)
        {
            final SessionManager.Login login = sessions.open(user, GROUP, "GP", CLIENT);
            assertNotNull(sessions.lease(login.session(), List.of("POOL")));
            assertNotNull(sessions.lease6(login.session(), List.of("V6")));
            return login;
        }

        void pass(final Duration time)
        {
            nanos[0] += time.toNanos();
            wall.advance(time);
        }

        void stop()
        {
            store.close();
            dataplane.close();
            control.shutdownNow();
        }
    }

    private Run start(final String range, final String policy) throws Exception
    {
        run = new Run(7_000_000_000L * (run == null ? 1 : 3), range, policy);
        return run;
    }

    /** Stops the current run, lets {@code down} pass, and starts the next one on the same state directory. */
    private Run restart(final Duration down, final String range, final String policy) throws Exception
    {
        run.stop();
        wall.advance(down);
        return start(range, policy);
    }

    @Test
    void shouldBringSessionsBackWithTheirCookiesAndAddresses() throws Exception
    {
        start(RANGE, "");
        final SessionManager.Login alice = run.login("alice");
        final SessionManager.Login bob = run.login("bob");
        run.pass(Duration.ofMinutes(3));

        final Run second = restart(Duration.ofSeconds(20), RANGE, "");
        assertEquals(2, second.sessions.restore());
        final Session back = second.sessions.find(alice.token());
        assertNotNull(back, "alice's cookie works after the restart");
        assertEquals(alice.session().lease(), back.lease(), "same address");
        assertEquals(alice.session().lease6(), back.lease6(), "same IPv6 address");
        assertEquals(alice.session().index(), back.index());
        assertEquals(alice.session().loginTime(), back.loginTime());
        assertEquals(bob.session().lease(), second.sessions.find(bob.token()).lease());
        assertSame(back.lease(), second.sessions.lease(back, List.of("POOL")), "the tunnel gets the kept lease");

        final SessionManager.Login carol = second.login("alice");
        assertFalse(Set.of(alice.session().lease().address(), bob.session().lease().address())
            .contains(carol.session().lease().address()), "a restored address is not handed out again");
        assertTrue(carol.session().index() > bob.session().index(), "indexes go on from the restored ones");
    }

    @Test
    void shouldKeepASessionLoggedOffBeforeTheRestartGone() throws Exception
    {
        start(RANGE, "");
        final SessionManager.Login alice = run.login("alice");
        final SessionManager.Login bob = run.login("bob");
        assertEquals(1, run.sessions.logoffByName("alice"));

        final Run second = restart(Duration.ofSeconds(20), RANGE, "");
        assertEquals(1, second.sessions.restore());
        assertNull(second.sessions.find(alice.token()), "a logged-off cookie stays refused");
        assertNotNull(second.sessions.find(bob.token()));
    }

    @Test
    void shouldNotBringBackASessionWhoseIdleTimeoutPassedWhileDown() throws Exception
    {
        start(RANGE, " vpn-idle-timeout 10");
        final SessionManager.Login alice = run.login("alice");
        run.pass(Duration.ofMinutes(4));

        final Run second = restart(Duration.ofMinutes(7), RANGE, " vpn-idle-timeout 10");
        assertEquals(0, second.sessions.restore());
        assertNull(second.sessions.find(alice.token()));
        assertEquals(alice.session().lease().address(), second.pools.allocate(List.of("POOL")).address(),
            "its address is free again");
    }

    @Test
    void shouldNotBringBackASessionWhoseSessionTimeoutPassedWhileDown() throws Exception
    {
        final String policy = " vpn-idle-timeout none\n vpn-session-timeout 20";
        start(RANGE, policy);
        final SessionManager.Login alice = run.login("alice");
        run.pass(Duration.ofMinutes(15));

        final Run second = restart(Duration.ofMinutes(2), RANGE, policy);
        assertEquals(1, second.sessions.restore(), "17 of 20 minutes: still alive");
        second.pass(Duration.ofMinutes(2));
        final Run third = restart(Duration.ofMinutes(2), RANGE, policy);
        assertEquals(0, third.sessions.restore(), "21 of 20 minutes: gone");
        assertNull(third.sessions.find(alice.token()));
    }

    @Test
    void shouldDropASessionWhoseAddressNoLongerFitsTheChangedPool() throws Exception
    {
        start(RANGE, "");
        final SessionManager.Login alice = run.login("alice");
        final SessionManager.Login bob = run.login("bob");

        // the pool now starts after alice's address (.10) but still covers bob's (.11)
        final Run second = restart(Duration.ofSeconds(20), "192.168.100.11-192.168.100.20", "");
        assertEquals(1, second.sessions.restore());
        assertNull(second.sessions.find(alice.token()));
        assertEquals(bob.session().lease(), second.sessions.find(bob.token()).lease());

        final Run third = restart(Duration.ofSeconds(20), "192.168.100.11-192.168.100.20", "");
        assertEquals(1, third.sessions.restore(), "the dropped session is gone from the file too");
    }

    @Test
    void shouldDropASessionWhoseIPv6PoolChangedAndFreeItsIPv4Address() throws Exception
    {
        start(RANGE, "");
        final SessionManager.Login alice = run.login("alice");

        run.stop();
        wall.advance(Duration.ofSeconds(20));
        run = new Run(21_000_000_000L, RANGE, "2001:db8:200::10/64", "");
        assertEquals(0, run.sessions.restore());
        assertNull(run.sessions.find(alice.token()));
        assertEquals(0, run.pools.leased("POOL"), "the IPv4 address taken back is returned");
    }

    @Test
    void shouldGiveAnAddressClaimedTwiceToOneSessionOnly() throws Exception
    {
        final AddressPools.Lease lease = new AddressPools.Lease("POOL", 0xC0A8640A, 0xFFFFFF00);
        final Instant now = wall.instant();
        final SessionRecord first = new SessionRecord(1, FileSessionStoreTest.key(1), "alice", GROUP, "GP",
            now.minusSeconds(60), now.minusSeconds(60), now.minusSeconds(10), lease, null, "10.77.0.2", "");
        final SessionRecord second = new SessionRecord(2, FileSessionStoreTest.key(2), "bob", GROUP, "GP",
            now.minusSeconds(60), now.minusSeconds(60), now.minusSeconds(10), lease, null, "10.77.0.3", "");
        Files.write(stateDir.resolve(FileSessionStore.FILE_NAME), SessionFileFormat.encode(now, List.of(first, second)));

        start(RANGE, "");
        assertEquals(1, run.sessions.restore());
        assertEquals(1, run.sessions.list().size());
        assertEquals(lease, run.sessions.list().getFirst().lease());
        assertEquals(1, run.pools.leased("POOL"));
    }

    @Test
    void shouldBringBackOnlyTheMostRecentlyActiveSessionsWhenOverTheSessionLimit() throws Exception
    {
        final Instant now = wall.instant();
        final List<SessionRecord> records = List.of(
            record(1, "alice", 0xC0A8640A, now.minusSeconds(300)),
            record(2, "bob", 0xC0A8640B, now.minusSeconds(30)),
            record(3, "carol", 0xC0A8640C, now.minusSeconds(100)));
        Files.write(stateDir.resolve(FileSessionStore.FILE_NAME), SessionFileFormat.encode(now, records));

        start(RANGE, "");
        run.sessions.sessionLimit(() -> 2);
        assertEquals(2, run.sessions.restore(), "the limit was lowered to 2 while the appliance was down");
        assertEquals(List.of(2, 3), run.sessions.list().stream().map(Session::index).toList(),
            "bob and carol, active 30 s and 100 s ago, come back; alice, away for 5 minutes, does not");
        assertEquals(2, run.pools.leased("POOL"), "alice's address is free again");
        assertEquals(0xC0A8640A, run.pools.allocate(List.of("POOL")).address());

        final Run second = restart(Duration.ofSeconds(5), RANGE, "");
        assertEquals(2, second.sessions.restore(), "alice's session is gone from the store, not just skipped");
    }

    @Test
    void shouldKeepWhatTheAaaServerAssignedAcrossARestart() throws Exception
    {
        // GP has no session timeout; the RADIUS-assigned SHORT has 20 minutes
        final String policy = " vpn-idle-timeout none\ngroup-policy SHORT internal\ngroup-policy SHORT attributes\n"
            + " vpn-idle-timeout none\n vpn-session-timeout 20";
        start(RANGE, policy);
        final SessionManager.Login alice = run.sessions.open("alice", GROUP, "GP", CLIENT);
        alice.session().assign(new AaaAssignment("SHORT", null, "RADIUS-ACL"));
        assertNotNull(run.sessions.lease(alice.session(), List.of("POOL")));
        run.pass(Duration.ofMinutes(15));

        final Run next = restart(Duration.ofMinutes(2), RANGE, policy);
        next.sessions.assignedPolicies((group, user, assigned) -> next.config.current().effectivePolicy(group, user,
            assigned));
        assertEquals(1, next.sessions.restore(), "17 of SHORT's 20 minutes: still alive");
        final Session back = next.sessions.find(alice.token());
        assertEquals(new AaaAssignment("SHORT", null, "RADIUS-ACL"), back.aaa());
        assertEquals("RADIUS-ACL", back.vpnFilter(), "the filter the RADIUS server named still holds its tunnels");
        next.sessions.changeVpnFilter(back, "COA-ACL");
        next.pass(Duration.ofMinutes(1));

        final Run third = restart(Duration.ofSeconds(30), RANGE, policy);
        third.sessions.assignedPolicies((group, user, assigned) -> third.config.current().effectivePolicy(group, user,
            assigned));
        assertEquals(1, third.sessions.restore());
        assertEquals("COA-ACL", third.sessions.find(alice.token()).vpnFilter(), "a CoA's filter outlives a restart");
        third.pass(Duration.ofMinutes(1));

        final Run fourth = restart(Duration.ofMinutes(1), RANGE, policy);
        fourth.sessions.assignedPolicies((group, user, assigned) -> fourth.config.current().effectivePolicy(group,
            user, assigned));
        assertEquals(0, fourth.sessions.restore(), "21 of SHORT's 20 minutes: the assigned policy's timeout ended it,"
            + " though the user's own policy has none");
    }

    @Test
    void shouldLeaseARadiusAddressOutsideThePoolsAsAHostAddressWithItsRoute() throws Exception
    {
        start(RANGE, "");
        final int[] routeUpdates = {0};
        run.sessions.onFixedLeasesChanged(() -> routeUpdates[0]++);
        final SessionManager.Login alice = run.sessions.open("alice", GROUP, "GP", CLIENT);
        final java.net.Inet4Address framed = (java.net.Inet4Address)java.net.InetAddress.getByName("10.44.0.7");
        alice.session().assign(new AaaAssignment("GP", framed));

        final AddressPools.Lease lease = run.sessions.lease(alice.session(), List.of("POOL"));
        assertNotNull(lease, "an address outside every pool is accepted, as vpn-framed-ip-address is");
        assertEquals(AddressPools.toInt(framed), lease.address());
        assertEquals(AddressPools.HOST_MASK, lease.mask(), "the client is told a host address");
        assertEquals(Set.of(AddressPools.toInt(framed)), run.pools.fixedLeased(), "it gets a host route");
        assertEquals(1, routeUpdates[0], "the routes were told when it was leased");
        assertEquals(0, run.pools.leased("POOL"), "no pool address is taken for it");

        final SessionManager.Login bob = run.sessions.open("bob", GROUP, "GP", CLIENT);
        bob.session().assign(new AaaAssignment("GP", framed));
        assertNull(run.sessions.lease(bob.session(), List.of("POOL")), "never to two sessions at once");

        final Run second = restart(Duration.ofSeconds(20), RANGE, "");
        assertEquals(2, second.sessions.restore());
        assertEquals(Set.of(AddressPools.toInt(framed)), second.pools.fixedLeased(),
            "after a restart the session still holds it (and the appliance routes it at start)");
        final int[] after = {0};
        second.sessions.onFixedLeasesChanged(() -> after[0]++);
        assertEquals(1, second.sessions.logoffByName("alice"));
        assertEquals(Set.of(), second.pools.fixedLeased(), "logged off: the address and its route go");
        assertEquals(1, after[0]);
    }

    private static SessionRecord record(final int index, final String user, final int address,
        final Instant lastActivity)
    {
        return new SessionRecord(index, FileSessionStoreTest.key(index), user, GROUP, "GP",
            lastActivity.minusSeconds(60), lastActivity, lastActivity,
            new AddressPools.Lease("POOL", address, 0xFFFFFF00), null, "10.77.0." + (index + 1), "");
    }

    @Test
    void shouldCloseTunnelsWithoutDisconnectAndKeepTheSessionsAtStop() throws Exception
    {
        start(RANGE, " vpn-idle-timeout 10");
        final SessionManager.Login alice = run.login("alice");
        final EmbeddedChannel channel = connect(run, alice.session());
        run.pass(Duration.ofMinutes(9));

        assertEquals(List.of(channel.closeFuture()), run.sessions.suspendAll("the headend is restarting"));
        channel.runPendingTasks();
        assertFalse(channel.isOpen(), "the tunnel's connection is closed");
        assertFalse(sentDisconnect(channel), "no DISCONNECT: the client reconnects");
        assertNotNull(run.sessions.find(alice.token()), "the session lives on");

        // 9 minutes idle before the stop: the idle timer runs on while down
        final Run second = restart(Duration.ofSeconds(30), RANGE, " vpn-idle-timeout 10");
        assertEquals(1, second.sessions.restore());
        second.pass(Duration.ofSeconds(35));
        second.sessions.expire();
        assertNull(second.sessions.find(alice.token()), "idle for 10 minutes by now");
        channel.finishAndReleaseAll();
    }

    /**
     * A cluster member takes over a session whose address its local pool had just given to a new local session whose
     * cluster claim was still on its way (a member back from a partition): the cluster holds the address for the
     * session taken over, so the local one gives it up and picks another, and the cookie of the session taken over
     * works with its address.
     */
    @Test
    void aSessionTakenOverGetsItsAddressFromALocalSessionWithoutATunnelOnIt() throws Exception
    {
        start(RANGE, "");
        final SessionManager.Login local = run.login("alice");
        final AddressPools.Lease address = local.session().lease();
        final SessionRecord elsewhere = record(7, "bob", address.address(), wall.instant());
        final Session adopted = run.sessions.adopt(elsewhere);
        assertNotNull(adopted, "the session the cluster holds the address for was refused");
        assertEquals(address.address(), adopted.lease().address());
        assertNull(local.session().lease(), "the local session kept an address the cluster gave another");
        final AddressPools.Lease next = run.sessions.lease(local.session(), List.of("POOL"));
        assertNotNull(next);
        assertFalse(next.address() == address.address(), "the same address twice");
    }

    /**
     * The cluster refused an address to a local session because another member's session held it (the pool keeps it
     * out); when that session is taken over here, the address is its own again.
     */
    @Test
    void aSessionTakenOverGetsTheAddressThePoolKeptOutForIt() throws Exception
    {
        start(RANGE, "");
        final SessionManager.Login local = run.login("alice");
        final AddressPools.Lease address = local.session().lease();
        run.sessions.addressTaken(local.session(), false);
        assertNotNull(run.sessions.lease(local.session(), List.of("POOL")));
        final Session adopted = run.sessions.adopt(record(7, "bob", address.address(), wall.instant()));
        assertNotNull(adopted, "the session the cluster holds the address for was refused");
        assertEquals(address.address(), adopted.lease().address());
        assertFalse(local.session().lease().address() == address.address(), "the same address twice");
    }

    @Test
    void aLocalSessionWithItsTunnelUpOnTheAddressKeepsIt() throws Exception
    {
        start(RANGE, "");
        final SessionManager.Login local = run.login("alice");
        final EmbeddedChannel channel = connect(run, local.session());
        final AddressPools.Lease address = local.session().lease();
        assertNull(run.sessions.adopt(record(7, "bob", address.address(), wall.instant())),
            "a session taken over onto the address of a live tunnel");
        assertSame(address, local.session().lease());
        channel.finishAndReleaseAll();
    }

    /** A tunnel the way the gateway brings one up, on an embedded channel. */
    private static EmbeddedChannel connect(final Run run, final Session session)
    {
        final EmbeddedChannel channel = new EmbeddedChannel();
        run.sessions.tunnelUp(session, EmbeddedTunnels.open(run.sessions.nextTunnelId(), session.lease().address(),
            channel, CLIENT));
        return channel;
    }

    private static boolean sentDisconnect(final EmbeddedChannel channel)
    {
        boolean disconnect = false;
        for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound())
        {
            disconnect |= CstpHeader.type(out, out.readerIndex()) == CstpHeader.TYPE_DISCONNECT;
            out.release();
        }
        return disconnect;
    }

    /** Wall time the test moves by hand. */
    private static final class MutableClock extends Clock
    {
        private Instant now;

        MutableClock(final Instant start)
        {
            now = start;
        }

        void advance(final Duration by)
        {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone()
        {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final ZoneId zone)
        {
            return this;
        }

        @Override
        public Instant instant()
        {
            return now;
        }
    }
}
