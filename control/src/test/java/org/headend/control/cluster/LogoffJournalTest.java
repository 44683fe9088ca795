package org.headend.control.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.headend.control.session.AddressPools;
import org.headend.control.session.SessionRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session logged off on a member that cannot reach etcd is deleted from the cluster once it can, even when the
 * member was stopped (killed) in between: the logoff waits in the member's state directory, not only in its memory.
 * And a logoff deletes the session even when etcd's answer to the session's first write was lost.
 */
class LogoffJournalTest
{
    private static final String A = "A".repeat(64);
    private static final String B = "B".repeat(64);

    @TempDir
    Path dir;

    @Test
    void whatEtcdConfirmedIsForgottenAndTheRestIsReadBack() throws Exception
    {
        final Path file = dir.resolve("cluster-logoffs");
        final LogoffJournal journal = new LogoffJournal(file);
        assertTrue(journal.load().isEmpty());
        journal.ended(A, new LogoffJournal.Entry(41, List.of("10.0.0.5", "2001:db8::5")));
        journal.ended(B, new LogoffJournal.Entry(42, List.of()));
        journal.done(A);
        journal.close();
        final Map<String, LogoffJournal.Entry> pending = new LogoffJournal(file).load();
        assertEquals(Map.of(B, new LogoffJournal.Entry(42, List.of())), pending);
        assertEquals("+ " + B + " 42\n", Files.readString(file), "rewritten with what is pending only");
    }

    @Test
    void theFileIsEmptiedWhenNothingIsPending() throws Exception
    {
        final Path file = dir.resolve("cluster-logoffs");
        final LogoffJournal journal = new LogoffJournal(file);
        journal.load();
        journal.ended(A, new LogoffJournal.Entry(7, List.of("10.0.0.5")));
        journal.done(A);
        journal.ended(B, new LogoffJournal.Entry(8, List.of("10.0.0.6")));
        assertEquals("+ " + B + " 8 10.0.0.6\n", Files.readString(file));
        journal.close();
    }

    @Test
    void badLinesAreSkipped() throws Exception
    {
        final Path file = dir.resolve("cluster-logoffs");
        Files.writeString(file, String.join("\n", "+ " + A + " 5 10.0.0.1", "+ not-a-key 5", "+ " + B + " x",
            "+ " + B + " 6 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5", "+ " + B + " 6 $(reboot)", "garbage", "")
            + "\n", StandardCharsets.US_ASCII);
        assertEquals(Map.of(A, new LogoffJournal.Entry(5, List.of("10.0.0.1"))), new LogoffJournal(file).load());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aLogoffEtcdNeverHeardOfIsCarriedOutAfterTheMemberRestarts() throws Exception
    {
        try (LocalEtcd etcd = new LocalEtcd();
            CuttableProxy p1 = new CuttableProxy(etcd.endpoints().get(0));
            CuttableProxy p2 = new CuttableProxy(etcd.endpoints().get(1));
            CuttableProxy p3 = new CuttableProxy(etcd.endpoints().get(2)))
        {
            final String cluster = "journal" + ProcessHandle.current().pid();
            final Path journal = dir.resolve("cluster-logoffs");
            final List<URI> viaProxies = List.of(p1.uri(), p2.uri(), p3.uri());
            final ExecutorService control = Executors.newSingleThreadExecutor();
            final EtcdClusterStore a = store(viaProxies, cluster, "member-a", control, journal);
            assertTrue(a.claim(A, "10.30.0.1").get(30, TimeUnit.SECONDS));
            a.put(record(A, "10.30.0.1"));
            final EtcdGateway reader = new EtcdGateway(etcd.endpoints());
            final String key = "/vpn/" + cluster + "/sessions/" + A;
            for (int i = 0; i < 300 && reader.get(key).get(30, TimeUnit.SECONDS) == null; i++)
            {
                Thread.sleep(50);
            }
            Thread.sleep(500); // the answer to A's write reaches A a moment after etcd shows it
            // member A loses etcd, its operator logs the session off, and A stops before etcd is back
            // refused, not held back: nothing A sends meanwhile reaches etcd later
            List.of(p1, p2, p3).forEach(CuttableProxy::refuse);
            a.remove(A);
            for (int i = 0; i < 300 && !Files.readString(journal).contains(A); i++)
            {
                Thread.sleep(50);
            }
            a.close();
            List.of(p1, p2, p3).forEach(CuttableProxy::heal);
            assertTrue(reader.get(key).get(30, TimeUnit.SECONDS) != null, "etcd never heard of the logoff");

            final EtcdClusterStore again = store(etcd.endpoints(), cluster, "member-a", control, journal);
            final EtcdClusterStore b = store(etcd.endpoints(), cluster, "member-b", control, null);
            try
            {
                assertTrue(again.load().isEmpty(), "the restarted member does not take the ended session back");
                // deleted by the restarted member, with its first heartbeat
                final String address = "/vpn/" + cluster + "/addrs/10.30.0.1";
                for (int i = 0; i < 600 && (reader.get(key).get(30, TimeUnit.SECONDS) != null
                    || reader.get(address).get(30, TimeUnit.SECONDS) != null); i++)
                {
                    Thread.sleep(50);
                }
                assertNull(reader.get(key).get(30, TimeUnit.SECONDS), "the session is deleted from the cluster");
                assertNull(reader.get(address).get(30, TimeUnit.SECONDS), "its address is free");
                assertNull(b.adopt(A).get(30, TimeUnit.SECONDS), "another member refuses its cookie");
                assertEquals("", Files.readString(journal), "nothing is left pending");
            }
            finally
            {
                again.close();
                b.close();
                reader.close();
                control.shutdownNow();
            }
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aSessionWhoseFirstWriteWasAnsweredOnlyByItsRetryIsDeletedAtItsLogoff() throws Exception
    {
        try (LocalEtcd etcd = new LocalEtcd();
            CuttableProxy p1 = new CuttableProxy(etcd.endpoints().get(0));
            EtcdGateway reader = new EtcdGateway(etcd.endpoints()))
        {
            final String cluster = "lostanswer" + ProcessHandle.current().pid();
            final ExecutorService control = Executors.newSingleThreadExecutor();
            final EtcdClusterStore a = store(List.of(p1.uri(), etcd.endpoints().get(1), etcd.endpoints().get(2)),
                cluster, "member-a", control, null);
            try
            {
                assertTrue(a.claim(A, "10.30.0.1").get(30, TimeUnit.SECONDS));
                // etcd carries the write out, its answer is lost: the client tries the next endpoint
                p1.loseAnswers();
                a.put(record(A, "10.30.0.1"));
                final String key = "/vpn/" + cluster + "/sessions/" + A;
                for (int i = 0; i < 300 && reader.get(key).get(30, TimeUnit.SECONDS) == null; i++)
                {
                    Thread.sleep(50);
                }
                Thread.sleep(1_000); // the retry's answer reaches the member a moment after etcd shows the write
                a.remove(A);
                for (int i = 0; i < 300 && reader.get(key).get(30, TimeUnit.SECONDS) != null; i++)
                {
                    Thread.sleep(50);
                }
                assertNull(reader.get(key).get(30, TimeUnit.SECONDS), "the logoff deleted the session");
            }
            finally
            {
                a.close();
                control.shutdownNow();
            }
        }
    }

    private static EtcdClusterStore store(final List<URI> endpoints, final String cluster, final String name,
        final ExecutorService control, final Path journal) throws Exception
    {
        final EtcdClusterStore store = new EtcdClusterStore(new EtcdGateway(endpoints), cluster, name,
            "https://" + name + ".example", 5, true, 120, control, Clock.systemUTC(), journal);
        store.start(15);
        return store;
    }

    private static SessionRecord record(final String session, final String address)
    {
        final Instant now = Instant.now();
        return new SessionRecord(1, session, "alice", "DefaultWEBVPNGroup", "GP", now, now, null,
            new AddressPools.Lease("POOL", AddressPools.toInt((java.net.Inet4Address)java.net.InetAddress.ofLiteral(
                address)), 0xFFFFFF00), null, "198.51.100.7", "OpenConnect");
    }
}
