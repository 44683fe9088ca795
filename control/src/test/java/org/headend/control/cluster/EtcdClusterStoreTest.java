package org.headend.control.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.headend.control.session.AddressPools;
import org.headend.control.session.SessionRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The etcd cluster store against a real three-member etcd. */
class EtcdClusterStoreTest
{
    private static LocalEtcd etcd;
    private final List<EtcdClusterStore> stores = new ArrayList<>();
    private static int clusters;

    @BeforeAll
    static void startEtcd() throws Exception
    {
        etcd = new LocalEtcd();
    }

    @AfterAll
    static void stopEtcd() throws Exception
    {
        etcd.close();
    }

    @AfterEach
    void closeStores()
    {
        stores.forEach(EtcdClusterStore::close);
    }

    private String cluster;

    private EtcdClusterStore member(final String name) throws Exception
    {
        if (stores.isEmpty())
        {
            cluster = "test" + (++clusters);
        }
        final EtcdClusterStore store = new EtcdClusterStore(new EtcdGateway(etcd.endpoints()), cluster, name,
            "https://" + name + ".example", 5, true, 60, Runnable::run, Clock.systemUTC());
        store.start(10);
        stores.add(store);
        return store;
    }

    private static SessionRecord record(final String tokenKey, final String user, final String ip)
    {
        final Instant now = Instant.now();
        return new SessionRecord(1, tokenKey, user, "DefaultWEBVPNGroup", "GP", now, now, null,
            new AddressPools.Lease("POOL", AddressPools.toInt((java.net.Inet4Address)java.net.InetAddress.ofLiteral(
                ip)), 0xFFFFFF00), null, "198.51.100.7", "OpenConnect");
    }

    private static <T> T await(final CompletableFuture<T> future) throws Exception
    {
        return future.get(15, TimeUnit.SECONDS);
    }

    @Test
    void concurrentClaimsOfOneAddressHaveExactlyOneWinner() throws Exception
    {
        final EtcdClusterStore a = member("a");
        final EtcdClusterStore b = member("b");
        final List<CompletableFuture<Boolean>> claims = new ArrayList<>();
        for (int i = 0; i < 8; i++)
        {
            claims.add((i % 2 == 0 ? a : b).claim("SESSION" + i, "10.20.0.57"));
        }
        int winners = 0;
        for (final CompletableFuture<Boolean> claim : claims)
        {
            winners += await(claim) ? 1 : 0;
        }
        assertEquals(1, winners);
    }

    @Test
    void theOwnerOfAnAddressClaimsItAgainButNobodyElseDoes() throws Exception
    {
        final EtcdClusterStore a = member("a");
        assertTrue(await(a.claim("S1", "10.20.0.1")));
        assertTrue(await(a.claim("S1", "10.20.0.1")), "a session's own address is claimed again (reconnect)");
        assertFalse(await(a.claim("S2", "10.20.0.1")));
    }

    @Test
    void anotherMemberAdoptsASessionWithItsAddressAndTheOldOwnerIsFenced() throws Exception
    {
        final EtcdClusterStore a = member("a");
        final EtcdClusterStore b = member("b");
        final LinkedBlockingQueue<String> lostOnA = new LinkedBlockingQueue<>();
        a.onLost((key, why, off) -> lostOnA.add(key + " " + why + " " + off));
        final SessionRecord session = record("AAAA1111", "alice", "10.20.0.5");
        assertTrue(await(a.claim("AAAA1111", "10.20.0.5")));
        a.put(session);
        final SessionRecord adopted = awaitAdoption(b, "AAAA1111");
        assertEquals("alice", adopted.username());
        assertEquals(session.lease(), adopted.lease(), "the same address after the takeover");
        assertEquals("AAAA1111 taken over by member b false", lostOnA.poll(15, TimeUnit.SECONDS));
        // the old owner's later write cannot take the session back
        a.put(session.disconnectedBy(Instant.now()));
        Thread.sleep(500);
        final var all = await(b.sessions());
        assertEquals(1, all.size());
        assertEquals("b", all.get(0).owner());
        assertFalse(await(a.claim("OTHER", "10.20.0.5")), "the address stays the session's");
    }

    /** The owner's write is queued: the adoption finds it once written. */
    private static SessionRecord awaitAdoption(final EtcdClusterStore store, final String tokenKey) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline)
        {
            final SessionRecord adopted = await(store.adopt(tokenKey));
            if (adopted != null)
            {
                return adopted;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("session " + tokenKey + " never adopted");
    }

    @Test
    void anUnknownCookieIsNotAdopted() throws Exception
    {
        assertNull(await(member("a").adopt("FFFF0000")));
    }

    @Test
    void logoffOnAnyMemberEndsTheSessionAtItsOwnerAndFreesItsAddress() throws Exception
    {
        final EtcdClusterStore b = member("b");
        final EtcdClusterStore c = member("c");
        final LinkedBlockingQueue<String> lostOnB = new LinkedBlockingQueue<>();
        b.onLost((key, why, off) -> lostOnB.add(key + " " + off));
        assertTrue(await(b.claim("BBBB2222", "10.20.0.9")));
        b.put(record("BBBB2222", "bob", "10.20.0.9"));
        b.put(record("CCCC3333", "carol", "10.20.0.10"));
        awaitSessions(c, 2);
        assertEquals(1, await(c.logoff(s -> s.record().username().equals("bob"))));
        assertEquals("BBBB2222 true", lostOnB.poll(15, TimeUnit.SECONDS));
        assertEquals(List.of("carol"), await(c.sessions()).stream().map(s -> s.record().username()).toList());
        assertTrue(await(c.claim("NEW", "10.20.0.9")), "the logged-off session's address is free again");
        assertNull(await(c.adopt("BBBB2222")), "the logged-off cookie is refused everywhere");
    }

    private static void awaitSessions(final EtcdClusterStore store, final int count) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (await(store.sessions()).size() != count)
        {
            assertTrue(System.nanoTime() < deadline, "the sessions never reached the cluster");
            Thread.sleep(50);
        }
    }

    @Test
    void fiveFailuresSpreadOverTwoMembersLockTheUserOnBoth() throws Exception
    {
        final EtcdClusterStore a = member("a");
        final EtcdClusterStore b = member("b");
        for (int i = 0; i < 4; i++)
        {
            assertFalse(await((i % 2 == 0 ? a : b).failed("Mallory")));
        }
        assertFalse(await(a.locked("mallory")));
        assertTrue(await(b.failed("mallory ")), "the fifth failure locks");
        assertTrue(await(a.locked("mallory")));
        assertTrue(await(b.locked("MALLORY")));
        await(a.succeeded("mallory"));
        assertTrue(await(b.locked("mallory")), "a success cannot lift a lock");
    }

    @Test
    void concurrentFailuresAreAllCounted() throws Exception
    {
        final EtcdClusterStore a = member("a");
        final EtcdClusterStore b = member("b");
        final List<CompletableFuture<Boolean>> failures = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            failures.add((i % 2 == 0 ? a : b).failed("eve"));
        }
        for (final CompletableFuture<Boolean> f : failures)
        {
            await(f);
        }
        assertFalse(await(a.locked("eve")));
        assertTrue(await(a.failed("eve")));
    }

    @Test
    void membersSeeEachOtherAndOneDirectorWhichMovesWhenItLeaves() throws Exception
    {
        final EtcdClusterStore a = member("a");
        final EtcdClusterStore b = member("b");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (a.director() == null || !a.director().equals(b.director()))
        {
            assertTrue(System.nanoTime() < deadline, "no director agreed on");
            Thread.sleep(50);
        }
        assertEquals(List.of("a", "b"), await(b.members()).stream().map(ClusterStore.ClusterMember::name).sorted()
            .toList());
        final EtcdClusterStore holder = a.director().equals("a") ? a : b;
        final EtcdClusterStore other = holder == a ? b : a;
        holder.close();
        stores.remove(holder);
        while (!other.member().equals(other.director()))
        {
            assertTrue(System.nanoTime() < deadline, "the director role did not move");
            Thread.sleep(50);
        }
        assertEquals(List.of(other.member()), await(other.members()).stream().map(ClusterStore.ClusterMember::name)
            .toList());
    }

    @Test
    void theClusterWideSessionListShowsEveryMembersSessionsWithTheirOwner() throws Exception
    {
        final EtcdClusterStore a = member("a");
        final EtcdClusterStore b = member("b");
        a.put(record("AAAA0031", "alice", "10.20.0.31"));
        b.put(record("BBBB0032", "bob", "10.20.0.32"));
        awaitSessions(a, 2);
        final var report = ClusterSessionsReport.of(a, null);
        assertEquals(List.of("a", "b"), report.getValue().stream().map(r -> r.get("member")).toList());
        assertTrue(report.getKey().lines().anyMatch(l -> l.matches(
            "bob\\s+10\\.20\\.0\\.32\\s+-\\s+b\\s.*connected")), report.getKey());
        assertEquals(List.of("10.20.0.32"), ClusterSessionsReport.of(a, "bob").getValue().stream()
            .map(r -> r.get("assignedIp")).toList(), "the name filter applies cluster-wide");
    }

    @Test
    void aDirectorThatStopsTakingPartStepsDownAndGetsNoMoreLogins() throws Exception
    {
        final EtcdClusterStore a = member("a");
        final EtcdClusterStore b = member("b");
        awaitDirector(a, b);
        final EtcdClusterStore holder = a.director().equals("a") ? a : b;
        final EtcdClusterStore other = holder == a ? b : a;
        holder.participation(7, false);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!other.member().equals(other.director()) || !other.member().equals(holder.director()))
        {
            assertTrue(System.nanoTime() < deadline, "the director role did not move to the member taking part");
            Thread.sleep(50);
        }
        final ClusterStore.ClusterMember left = await(other.members()).stream()
            .filter(m -> m.name().equals(holder.member())).findFirst().orElseThrow();
        assertFalse(left.participate(), "still listed as taking part");
        assertEquals(7, left.priority(), "the new priority was not published");
        // even with the director loaded and the other member idle, no login is sent to a member not taking part
        final List<ClusterStore.ClusterMember> busyDirector = await(other.members()).stream()
            .map(m -> m.name().equals(other.member()) ? new ClusterStore.ClusterMember(m.name(), m.url(), 50, 100,
                m.priority(), true) : m).toList();
        assertNull(DirectorChoice.pick(busyDirector, other.member()), "a redirect to a member not taking part");
        holder.participation(7, true);
        while (!await(other.members()).stream().filter(m -> m.name().equals(holder.member())).findFirst()
            .orElseThrow().participate())
        {
            assertTrue(System.nanoTime() < deadline, "taking part again was not published");
            Thread.sleep(50);
        }
    }

    private static void awaitDirector(final EtcdClusterStore a, final EtcdClusterStore b) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (a.director() == null || !a.director().equals(b.director()))
        {
            assertTrue(System.nanoTime() < deadline, "no director agreed on");
            Thread.sleep(50);
        }
    }

    @Test
    void aRestartedMemberGetsBackOnlyTheSessionsNobodyTookOver() throws Exception
    {
        final EtcdClusterStore a = member("a");
        final EtcdClusterStore b = member("b");
        a.put(record("AAAA0001", "alice", "10.20.0.21"));
        a.put(record("AAAA0002", "amy", "10.20.0.22"));
        awaitSessions(b, 2);
        assertNotNull(await(b.adopt("AAAA0002")));
        a.close();
        stores.remove(a);
        final EtcdClusterStore again = new EtcdClusterStore(new EtcdGateway(etcd.endpoints()), cluster, "a",
            "https://a.example", 5, true, 60, Runnable::run, Clock.systemUTC());
        stores.add(again);
        again.start(10);
        assertEquals(List.of("alice"), again.load().stream().map(SessionRecord::username).toList());
    }

    /**
     * A member killed and restarted takes its sessions back under a new session lease: their address claims must move
     * to it too. Left on the dead run's lease they would vanish when it expires while the session lives on, and
     * another session could then be given the same address.
     */
    @Test
    void aRestartedMembersSessionsKeepTheirAddressesAfterTheDeadRunsLeaseExpires() throws Exception
    {
        final long ttl = 6;
        cluster = "test" + (++clusters);
        final EtcdClusterStore first = new EtcdClusterStore(new EtcdGateway(etcd.endpoints()), cluster, "a",
            "https://a.example", 5, true, ttl, Runnable::run, Clock.systemUTC());
        first.start(10);
        stores.add(first);
        final EtcdClusterStore b = member("b");
        final SessionRecord session = record("AAAA0051", "alice", "10.20.0.51");
        assertTrue(await(first.claim("AAAA0051", "10.20.0.51")));
        first.put(session);
        awaitSessions(b, 1);
        final String addrKey = "/vpn/" + cluster + "/addrs/10.20.0.51";
        final long deadRun = new EtcdGateway(etcd.endpoints()).get(addrKey).get(5, TimeUnit.SECONDS).lease();
        // the first run stops renewing, as a killed one does (closing never revokes the session lease)
        first.close();
        stores.remove(first);
        final EtcdClusterStore again = new EtcdClusterStore(new EtcdGateway(etcd.endpoints()), cluster, "a",
            "https://a.example", 5, true, ttl, Runnable::run, Clock.systemUTC());
        again.start(10);
        stores.add(again);
        // as the appliance restores: load, then write each session back
        final List<SessionRecord> back = again.load();
        assertEquals(List.of("alice"), back.stream().map(SessionRecord::username).toList());
        back.forEach(again::put);
        awaitExpired(deadRun);
        // one renewal period of the new run: its lease must be what keeps the keys
        Thread.sleep(TimeUnit.SECONDS.toMillis(ttl) / 2);
        assertEquals(List.of("alice"), await(b.sessions()).stream().map(s -> s.record().username()).toList(),
            "the restarted member's session vanished from the cluster");
        assertFalse(await(b.claim("OTHER", "10.20.0.51")),
            "another session was given the address of a session that lives on");
    }

    /** Waits until etcd has expired lease {@code id} (it is no longer renewed). */
    private static void awaitExpired(final long id) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!etcd.etcdctl("lease", "timetolive", Long.toHexString(id)).contains("already expired"))
        {
            assertTrue(System.nanoTime() < deadline, "lease " + Long.toHexString(id) + " never expired");
            Thread.sleep(200);
        }
    }
}
