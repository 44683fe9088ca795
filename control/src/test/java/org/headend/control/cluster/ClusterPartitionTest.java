package org.headend.control.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.headend.control.config.grammar.Ipv4;
import org.headend.control.session.AddressPools;
import org.headend.control.session.SessionRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Jepsen-style, bounded: three members on a real three-member etcd, member A reaching etcd only through relays the
 * test cuts (a partition of A from etcd). While A is cut off, its clients reconnect through B and C, new clients log
 * in on B and C over the same addresses, a client moves from B to C, and failed logins are counted on every member.
 * Every member's serving decisions are recorded in real-time order ({@link ServingHistory}) and checked: no address
 * granted twice, no session served by two members at once. After the heal: A serves again, every session kept its
 * address, no address is held for a session that does not exist, and no acknowledged failed login was lost.
 */
class ClusterPartitionTest
{
    private static final String POOL = "10.30.0.";
    private static final int POOL_SIZE = 24;

    /** One member as the appliance runs it: the store, and a control thread that decides what it forwards for. */
    private final class Member implements AutoCloseable
    {
        final String name;
        final EtcdClusterStore store;
        final ExecutorService control;
        /** The sessions this member forwards for (control thread): session → address. */
        final Map<String, String> serving = new HashMap<>();

        Member(final String name, final List<URI> endpoints) throws Exception
        {
            this.name = name;
            control = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("control-" + name).factory());
            store = new EtcdClusterStore(new EtcdGateway(endpoints), cluster, name, "https://" + name + ".example",
                5, true, 120, control, Clock.systemUTC());
            store.onLost((key, why, off) ->
            {
                if (serving.remove(key) != null)
                {
                    history.dropped(name, key, why);
                }
            });
            store.start(15);
        }

        /** A new client logs in here: the first address of the pool the cluster grants; null when none was. */
        String login(final String session, final String user) throws Exception
        {
            for (int i = 1; i <= POOL_SIZE; i++)
            {
                final String address = POOL + i;
                final Boolean granted = store.claim(session, address).handleAsync((ok, error) ->
                {
                    if (error != null || !ok || store.fenced())
                    {
                        return error != null ? null : Boolean.FALSE;
                    }
                    history.granted(name, session, address);
                    store.put(record(session, user, address));
                    serving.put(session, address);
                    history.serving(name, session, address);
                    return Boolean.TRUE;
                }, control).get(30, TimeUnit.SECONDS);
                if (granted == null)
                {
                    return null; // the cluster could not be asked: the client is told to try again
                }
                if (granted)
                {
                    return address;
                }
            }
            return null;
        }

        /** A client reconnects here with its cookie: whether this member now serves its session. */
        CompletableFuture<Boolean> reconnect(final String session)
        {
            return store.adopt(session).handleAsync((record, error) ->
            {
                if (error != null || record == null || store.fenced())
                {
                    return false;
                }
                final String address = Ipv4.format(record.lease().address());
                serving.put(session, address);
                history.serving(name, session, address);
                return true;
            }, control);
        }

        @Override
        public void close()
        {
            store.close();
            control.shutdownNow();
        }
    }

    private final ServingHistory history = new ServingHistory();
    private final String cluster = "partition" + ProcessHandle.current().pid();

    /** A test of two members' stores ({@link #withStores}). */
    @FunctionalInterface
    private interface StoresTest
    {
        void run(CuttableRelays toA, EtcdGateway truth, EtcdClusterStore a, EtcdClusterStore b) throws Exception;
    }

    /**
     * Runs {@code test} on a fresh three-member etcd with the stores of two members, not yet started, that run their
     * callbacks where they complete: A reaching etcd only through relays the test can cut ({@code toA}), B directly;
     * {@code truth} reads etcd directly.
     */
    private void withStores(final StoresTest test) throws Exception
    {
        try (LocalEtcd etcd = new LocalEtcd();
            CuttableRelays toA = new CuttableRelays(etcd);
            EtcdGateway truth = new EtcdGateway(etcd.endpoints());
            EtcdClusterStore a = new EtcdClusterStore(new EtcdGateway(toA.uris()), cluster, "a", "https://a.example",
                5, true, 120, Runnable::run, Clock.systemUTC());
            EtcdClusterStore b = new EtcdClusterStore(new EtcdGateway(etcd.endpoints()), cluster, "b",
                "https://b.example", 5, true, 120, Runnable::run, Clock.systemUTC()))
        {
            test.run(toA, truth, a, b);
        }
    }

    private static SessionRecord record(final String session, final String user, final String address)
    {
        final Instant now = Instant.now();
        return new SessionRecord(1, session, user, "DefaultWEBVPNGroup", "GP", now, now, null,
            new AddressPools.Lease("POOL", AddressPools.toInt((java.net.Inet4Address)java.net.InetAddress.ofLiteral(
                address)), 0xFFFFFF00), null, "198.51.100.7", "OpenConnect");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aMemberCutOffFromEtcdFencesItselfAndNoSessionOrAddressIsEverServedTwice() throws Exception
    {
        try (LocalEtcd etcd = new LocalEtcd();
            CuttableRelays toA = new CuttableRelays(etcd);
            Member a = new Member("a", toA.uris());
            Member b = new Member("b", etcd.endpoints());
            Member c = new Member("c", etcd.endpoints());
            EtcdGateway truth = new EtcdGateway(etcd.endpoints()))
        {
            final List<Member> members = List.of(a, b, c);
            // steady state: three clients on each member
            final Map<String, String> addressOf = new ConcurrentHashMap<>();
            final Map<String, Member> firstMember = new HashMap<>();
            for (int i = 0; i < 9; i++)
            {
                final Member m = members.get(i % 3);
                final String session = String.format("5E55%02d%s", i, m.name);
                final String address = m.login(session, "user" + i);
                assertNotNull(address, "login " + session + " refused with etcd healthy");
                addressOf.put(session, address);
                firstMember.put(session, m);
            }
            awaitStored(b, 9);
            // failed logins of one user, kept below the lockout (which would start the count again)
            int ackedFailures = 0;
            for (final Member m : List.of(b, c))
            {
                assertFalse(m.store.failed("mallory").get(15, TimeUnit.SECONDS));
                ackedFailures++;
            }

            // the nemesis: A loses etcd
            history.mark("cut a");
            toA.cut();
            final long cutAt = System.nanoTime();
            final CompletableFuture<Boolean> failureOnA = a.store.failed("mallory");
            // a client moves from B to C while B is healthy: C waits for B to let go
            final String moving = "5E5501b";
            final long moveStart = System.nanoTime();
            assertTrue(c.reconnect(moving).get(30, TimeUnit.SECONDS), "the move from B to C failed");
            final long handoffMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - moveStart);
            // new clients on B and C, over the same addresses, A's among them
            final List<String> newcomers = new ArrayList<>();
            for (int i = 0; i < 4; i++)
            {
                final Member m = i % 2 == 0 ? b : c;
                final String session = String.format("AE%02d%s", i, m.name);
                final String address = m.login(session, "new" + i);
                assertNotNull(address, "login " + session + " on a member that reaches etcd refused");
                addressOf.put(session, address);
                newcomers.add(session);
            }
            assertFalse(b.store.failed("mallory").get(15, TimeUnit.SECONDS));
            ackedFailures++;
            // A's clients reconnect through B and C (each retries, as openconnect does, until it is served)
            final List<String> onA = firstMember.entrySet().stream().filter(e -> e.getValue() == a)
                .map(Map.Entry::getKey).sorted().toList();
            final Map<String, Long> takeoverMillis = new ConcurrentHashMap<>();
            final List<CompletableFuture<Void>> moves = new ArrayList<>();
            for (int i = 0; i < onA.size(); i++)
            {
                final String session = onA.get(i);
                final Member to = i % 2 == 0 ? b : c;
                moves.add(CompletableFuture.runAsync(() -> retryReconnect(to, session, cutAt, takeoverMillis)));
            }
            awaitTrue(() -> a.store.fenced(), 20, "A never fenced itself while cut off");
            final long fenceMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt);
            // its control thread has run the fence's drops (queued before this)
            assertTrue(a.control.submit(a.serving::isEmpty).get(5, TimeUnit.SECONDS), "the fenced member still serves");
            assertEquals(null, a.login("1A7E00a", "late"), "a fenced member took a login in");
            CompletableFuture.allOf(moves.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);

            // heal: A comes back and serves again
            history.mark("heal a");
            toA.heal();
            final long healAt = System.nanoTime();
            awaitTrue(() -> !a.store.fenced(), 30, "A never came back after the heal");
            awaitTrue(() -> b.store.members().get(5, TimeUnit.SECONDS).size() == 3, 30,
                "A never registered again");
            final String back = newcomers.stream().filter(s -> s.endsWith("c")).findFirst().orElseThrow();
            awaitTrue(() -> a.reconnect(back).get(30, TimeUnit.SECONDS), 30, "A did not take a session in again");
            final long healMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healAt);

            // the checker over the whole history
            final List<String> violations = history.violations();
            assertTrue(violations.isEmpty(), String.join("\n", violations) + "\nhistory:\n"
                + history.events().stream().map(Object::toString).collect(Collectors.joining("\n")));
            // every session lived through it with its address; every held address belongs to a live session
            final String base = "/vpn/" + cluster + "/";
            awaitTrue(() -> sessionsIn(truth, base).keySet().equals(addressOf.keySet()), 15,
                "the cluster's sessions differ from the clients' view");
            final Map<String, String> stored = sessionsIn(truth, base);
            for (final Map.Entry<String, String> session : addressOf.entrySet())
            {
                assertEquals(session.getValue(), stored.get(session.getKey()), "session lost its address");
            }
            final Map<String, String> held = truth.rangePrefix(base + "addrs/").get(10, TimeUnit.SECONDS).stream()
                .collect(Collectors.toMap(kv -> kv.key().substring((base + "addrs/").length()),
                    EtcdGateway.Kv::value));
            for (final Map.Entry<String, String> address : held.entrySet())
            {
                assertEquals(address.getKey(), addressOf.get(address.getValue()),
                    "address " + address.getKey() + " held for a session that does not exist");
            }
            // lockout counts: every acknowledged failure counted, A's indeterminate one at most once more
            final int indeterminate = failureOnA.isDone() && !failureOnA.isCompletedExceptionally() ? 0 : 1;
            final int counted = (int)EtcdGateway.number(Json.object(truth.get(base + "lockout/mallory")
                .get(10, TimeUnit.SECONDS).value()).get("failures"));
            final int ackedTotal = ackedFailures + (indeterminate == 0 ? 1 : 0);
            assertTrue(counted >= ackedTotal && counted <= ackedTotal + indeterminate,
                "failed logins counted " + counted + ", acknowledged " + ackedTotal + ", indeterminate "
                    + indeterminate);
            System.out.printf("cluster partition: %d events, 0 violations; A fenced %d ms after the cut "
                + "(lease TTL %d s); A's sessions served elsewhere after %s ms; B->C handoff %d ms; A serving "
                + "again %d ms after the heal%n", history.events().size(), fenceMillis,
                EtcdClusterStore.MEMBER_TTL_SECONDS, takeoverMillis.values().stream().sorted().toList(),
                handoffMillis, healMillis);
            assertTrue(takeoverMillis.values().stream().allMatch(t -> t > fenceMillis),
                "a session of A was served elsewhere before A fenced itself");
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void anAddressClaimWhoseAnswerWasLostIsReleasedOnceNoSessionUsesIt() throws Exception
    {
        withStores((toA, truth, a, b) ->
        {
            a.sweepOrphans(300, 3_000);
            a.start(15);
            b.start(15);
            final String key = "/vpn/" + cluster + "/addrs/" + POOL + "9";

            toA.loseAnswers();
            final CompletableFuture<Boolean> lost = a.claim("L0575E55", POOL + "9");
            assertThrows(java.util.concurrent.ExecutionException.class, () -> lost.get(30, TimeUnit.SECONDS),
                "a claim whose every answer was lost cannot have succeeded for the member");
            toA.heal();
            assertEquals("L0575E55", truth.get(key).get(10, TimeUnit.SECONDS).value(),
                "etcd carried the claim out");
            assertFalse(b.claim("0THER5E5", POOL + "9").get(10, TimeUnit.SECONDS), "the claim holds meanwhile");

            // A's sweep finds the claim no session of A uses, and releases it once that lasted its grace
            awaitTrue(() -> truth.get(key).get(10, TimeUnit.SECONDS) == null, 30,
                "the claim whose answer was lost was never released");
            assertTrue(b.claim("0THER5E5", POOL + "9").get(10, TimeUnit.SECONDS), "the address is free again");

            // a claim a session uses stays, however many sweeps pass
            assertTrue(a.claim("U5ED5E55", POOL + "10").get(10, TimeUnit.SECONDS));
            Thread.sleep(4_000);
            assertEquals("U5ED5E55", truth.get("/vpn/" + cluster + "/addrs/" + POOL + "10")
                .get(10, TimeUnit.SECONDS).value());
        });
    }

    /**
     * A user logs off on a member while etcd cannot be reached: the deletion is retried once etcd answers again, so the
     * logged-off cookie is refused everywhere and its address is free, instead of the session living on in the cluster.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aLogoffWhileEtcdIsUnreachableReachesTheClusterOnceItAnswersAgain() throws Exception
    {
        withStores((toA, truth, a, b) ->
        {
            a.start(15);
            b.start(15);
            final String session = "L0660FF5";
            final String key = "/vpn/" + cluster + "/sessions/" + session;
            assertTrue(a.claim(session, POOL + "12").get(10, TimeUnit.SECONDS));
            a.put(record(session, "leaver", POOL + "12"));
            awaitTrue(() -> truth.get(key).get(10, TimeUnit.SECONDS) != null, 15, "the session never reached etcd");

            toA.refuse();
            a.remove(session);
            // its deletion is tried, and fails, while nothing reaches etcd
            Thread.sleep(1_000);
            assertEquals(null, a.adopt(session).get(10, TimeUnit.SECONDS), "the member took its cookie back");
            toA.heal();

            awaitTrue(() -> truth.get(key).get(10, TimeUnit.SECONDS) == null, 20,
                "the logoff never reached the cluster: the cookie lives on");
            assertEquals(null, b.adopt(session).get(10, TimeUnit.SECONDS), "another member took the cookie");
            assertTrue(b.claim("0THER5E5", POOL + "12").get(10, TimeUnit.SECONDS), "its address stayed held");
        });
    }

    /** A client retrying its reconnect (a member not yet able to serve answers 503) until it is served. */
    private static void retryReconnect(final Member to, final String session, final long since,
        final Map<String, Long> servedAfterMillis)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(80);
        while (System.nanoTime() < deadline)
        {
            try
            {
                if (to.reconnect(session).get(40, TimeUnit.SECONDS))
                {
                    servedAfterMillis.put(session, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since));
                    return;
                }
                Thread.sleep(500);
            }
            catch (final Exception ex)
            {
                if (ex instanceof InterruptedException)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new AssertionError("session " + session + " was never served again by member " + to.name);
    }

    private static Map<String, String> sessionsIn(final EtcdGateway etcd, final String base) throws Exception
    {
        final Map<String, String> all = new HashMap<>();
        for (final EtcdGateway.Kv kv : etcd.rangePrefix(base + "sessions/").get(10, TimeUnit.SECONDS))
        {
            final String session = kv.key().substring((base + "sessions/").length());
            all.put(session, Ipv4.format(SessionJson.read(session, kv.value()).record().lease().address()));
        }
        return all;
    }

    private static void awaitStored(final Member m, final int count) throws Exception
    {
        awaitTrue(() -> m.store.sessions().get(10, TimeUnit.SECONDS).size() == count, 20,
            "the sessions never reached the cluster");
    }

    @FunctionalInterface
    private interface Condition
    {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(final Condition condition, final int seconds, final String failure)
        throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.holds())
        {
            assertTrue(System.nanoTime() < deadline, failure);
            Thread.sleep(100);
        }
    }

    @Test
    void theCheckerFindsADoubleGrantAndASessionServedTwice()
    {
        final ServingHistory h = new ServingHistory();
        h.granted("a", "S1", "10.0.0.1");
        h.serving("a", "S1", "10.0.0.1");
        h.serving("b", "S1", "10.0.0.1");
        h.granted("b", "S2", "10.0.0.1");
        assertEquals(2, h.violations().size(), String.join("\n", h.violations()));
        final ServingHistory safe = new ServingHistory();
        safe.granted("a", "S1", "10.0.0.1");
        safe.serving("a", "S1", "10.0.0.1");
        safe.dropped("a", "S1", "fenced");
        safe.serving("b", "S1", "10.0.0.1");
        assertEquals(List.of(), safe.violations());
        assertTrue(Set.of("granted", "serving", "dropped").containsAll(safe.events().stream()
            .map(ServingHistory.Event::kind).toList()));
    }
}
