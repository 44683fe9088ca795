package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three headends in a VPN load-balancing cluster on a real three-member etcd, each member in namespaces of its own
 * (its own outside network with its own client namespace, all members on one etcd bridge). A client "moves" to
 * another member by starting openconnect, with the cookie it got, in that member's client namespace: the same thing
 * a client whose member died does once it is pointed at another one. All members hand out the same pool, so only
 * the cluster's address claims keep addresses unique.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT
{
    private static final String CLUSTER_ADDRESS = EtcdNamespaces.NET + "100";
    private static EtcdNamespaces etcd;
    private static final List<Netns> NETS = new ArrayList<>();
    private static final HeadendProcess[] MEMBERS = new HeadendProcess[3];
    private static final List<OpenconnectClient> CLIENTS = new ArrayList<>();

    @BeforeAll
    static void start()
    {
        try
        {
            etcd = new EtcdNamespaces();
            for (int i = 0; i < 3; i++)
            {
                final Netns net = Netns.create(1, false, true);
                NETS.add(net);
                etcd.attach(net.server(), i + 1);
            }
            MEMBERS[0] = HeadendProcess.launch(NETS.get(0), config(0));
            MEMBERS[0].awaitReady();
            // one cluster certificate on every member (the plan's advice), so that a redirected client's pin holds
            for (int i = 1; i < 3; i++)
            {
                MEMBERS[i] = launchWithCertificateOf(MEMBERS[0], i);
            }
            for (int i = 1; i < 3; i++)
            {
                MEMBERS[i].awaitReady();
            }
        }
        catch (final RuntimeException | AssertionError ex)
        {
            tearDown();
            throw ex;
        }
    }

    private static HeadendProcess launchWithCertificateOf(final HeadendProcess first, final int i)
    {
        try
        {
            final java.nio.file.Path dir = Harness.tempDir("headend-");
            final java.nio.file.Path state = java.nio.file.Files.createDirectories(dir.resolve("state"));
            for (final String file : List.of("server-cert.pem", "server-key.pem"))
            {
                java.nio.file.Files.copy(first.stateDir().resolve(file), state.resolve(file));
            }
            final java.nio.file.Path config = java.nio.file.Files.writeString(dir.resolve("startup-config"),
                config(i));
            return HeadendProcess.relaunch(NETS.get(i), config);
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static String config(final int i)
    {
        final ApplianceConfig config = ApplianceConfig.forNetwork(NETS.get(i)).hostname("member-" + (char)('a' + i))
            .user("bob", "bob-secret").user("mallory", "mallory-secret")
            // the etcd bridge is also the members' shared public subnet, where the cluster address floats
            .extraLine("interface cl0").extraLine(" nameif cluster")
            .extraLine(" ip address " + EtcdNamespaces.NET + (21 + i) + " 255.255.255.0")
            .extraLine("webvpn").extraLine(" enable cluster")
            .extraLine("vpn load-balancing")
            .extraLine(" cluster ip address " + CLUSTER_ADDRESS)
            .extraLine(" cluster key it-cluster-key")
            .extraLine(" cluster etcd-endpoints " + etcd.endpoints())
            .extraLine(" priority " + (9 - i))
            .extraLine(" nat " + EtcdNamespaces.NET + (21 + i))
            .extraLine(" participate");
        return config.render();
    }

    @AfterEach
    void stopClients()
    {
        CLIENTS.forEach(OpenconnectClient::close);
        CLIENTS.clear();
    }

    @AfterAll
    static void tearDown()
    {
        CLIENTS.forEach(OpenconnectClient::close);
        for (final HeadendProcess member : MEMBERS)
        {
            if (member != null)
            {
                member.close();
            }
        }
        NETS.forEach(Netns::close);
        if (etcd != null)
        {
            etcd.close();
        }
    }

    private static OpenconnectClient client(final int member, final String user)
    {
        final OpenconnectClient client = new OpenconnectClient(NETS.get(member).client(), MEMBERS[member].url(),
            MEMBERS[member].pin(), user, false);
        CLIENTS.add(client);
        return client;
    }

    @Test
    @Order(1)
    void aClientWhoseMemberWasKilledReconnectsToAnotherWithItsCookieAndKeepsItsAddress()
    {
        final OpenconnectClient onA = client(0, "demo");
        final String cookie = onA.authenticate("demo-secret");
        final String address = onA.startWithCookie(cookie).awaitConfigured(Duration.ofSeconds(30));
        awaitShown(2, "show load-balancing", "Sessions in the cluster: 1, member-a 1");

        MEMBERS[0].process().signal("KILL");
        assertNotNull(MEMBERS[0].process().waitForExit(Duration.ofSeconds(15)), "member A survived SIGKILL");
        onA.close();

        final OpenconnectClient onB = client(1, "demo").startWithCookie(cookie);
        assertEquals(address, onB.awaitConfigured(Duration.ofSeconds(30)), "the same address on member B");
        final List<HeadendProcess.Session> onBSessions = MEMBERS[1].sessions();
        assertEquals(List.of("demo"), onBSessions.stream().map(HeadendProcess.Session::username).toList());
        assertEquals(address, onBSessions.get(0).assignedIp());
        MEMBERS[1].process().waitFor("taken over from member member-a", Duration.ofSeconds(5));

        // A comes back: its old session was fenced (B owns it now), so A does not bring it back
        MEMBERS[0] = HeadendProcess.relaunch(NETS.get(0), MEMBERS[0].configFile());
        MEMBERS[0].awaitReady();
        assertEquals(List.of(), MEMBERS[0].sessions(), "the killed member brought back a session it lost");
        final NetTools.PingResult ping = NetTools.ping(NETS.get(1).client(), ApplianceConfig.GATEWAY, 5);
        assertEquals(5, ping.received(), ping.output());
    }

    @Test
    @Order(2)
    void membersHandingOutTheSamePoolNeverGiveOneAddressTwice()
    {
        final OpenconnectClient demo = client(1, "demo").startWithPassword("demo-secret");
        final String first = demo.awaitConfigured(Duration.ofSeconds(30));
        // member C's pool still has that address free locally: only the cluster's claim stops it
        final OpenconnectClient bob = client(2, "bob").startWithPassword("bob-secret");
        final String second = bob.awaitConfigured(Duration.ofSeconds(30));
        assertNotEquals(first, second);
    }

    @Test
    @Order(3)
    void logoffOnOneMemberEndsTheSessionOnAnother()
    {
        final OpenconnectClient bobOnB = client(1, "bob");
        final String cookie = bobOnB.authenticate("bob-secret");
        bobOnB.startWithCookie(cookie).awaitConfigured(Duration.ofSeconds(30));
        final String answer = MEMBERS[2].console("vpn-sessiondb logoff name bob noconfirm");
        assertTrue(answer.contains("logged off : 1"), answer);
        assertNotNull(bobOnB.waitForExit(Duration.ofSeconds(15)), "the client on B was not told to stop");
        assertTrue(MEMBERS[1].sessions().stream().noneMatch(s -> s.username().equals("bob")));
        final OpenconnectClient again = client(0, "bob").startWithCookie(cookie);
        final Integer refused = again.waitForExit(Duration.ofSeconds(30));
        assertNotNull(refused, "the logged-off cookie was accepted on member A");
        assertNotEquals(0, refused.intValue());
    }

    @Test
    @Order(4)
    void fiveFailedLoginsSpreadOverTwoMembersLockTheUserOnBoth()
    {
        for (int i = 0; i < 5; i++)
        {
            assertFalse(login(i % 2, "mallory", "wrong-" + i), "a wrong password was accepted");
        }
        assertFalse(login(0, "mallory", "mallory-secret"), "member A let a locked user in");
        assertFalse(login(1, "mallory", "mallory-secret"), "member B let a locked user in");
        assertTrue(login(1, "bob", "bob-secret"), "another user is not locked");
    }

    @Test
    @Order(5)
    void theDirectorSendsANewLoginToTheLeastLoadedMember()
    {
        // the director carries a session, the others none: it is not the least loaded. A member killed by an earlier
        // test may still be named director until its lease runs out and another member is elected: follow the
        // election until the director itself lists its session
        int d = -1;
        OpenconnectClient onDirector = null;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (true)
        {
            final String shown = MEMBERS[1].console("show load-balancing");
            final java.util.regex.Matcher director = java.util.regex.Pattern.compile("director member-([abc])")
                .matcher(shown);
            if (!director.find())
            {
                // between the old director's lease running out and the election's result: no director for a moment
                assertTrue(System.nanoTime() < deadline, shown);
                NetTools.sleep(300);
                continue;
            }
            final int named = director.group(1).charAt(0) - 'a';
            if (named != d)
            {
                if (onDirector != null)
                {
                    onDirector.close();
                }
                d = named;
                onDirector = client(d, "demo").startWithPassword("demo-secret");
                onDirector.awaitConfigured(Duration.ofSeconds(30));
            }
            final java.util.regex.Pattern own = java.util.regex.Pattern.compile("member-" + (char)('a' + d)
                + "\\s+Director\\s+\\d+\\s+[1-9]");
            // members publish their session counts periodically: a member whose earlier test's session just ended
            // may still be listed with it, and then the director is rightly among the least loaded and keeps the
            // login. The precondition of this test is the director's view: itself loaded, another member idle
            final java.util.regex.Pattern idle = java.util.regex.Pattern
                .compile("member-[abc]\\s+Backup\\s+\\d+\\s+0\\s");
            final String view = MEMBERS[d].console("show load-balancing");
            if (own.matcher(view).find() && idle.matcher(view).find())
            {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "the director never saw itself loaded and another member idle:\n"
                + view);
            NetTools.sleep(300);
        }

        // the director holds the cluster address on its interface on the shared subnet
        MEMBERS[d].process().waitFor("member member-" + (char)('a' + d) + " holds the cluster address "
            + CLUSTER_ADDRESS.replace(".", "\\.") + " on cl0", Duration.ofSeconds(20));
        final String directorUrl = "https://" + CLUSTER_ADDRESS + "/";
        final List<String> argv = new ArrayList<>(Netns.in(etcd.client(), "openconnect", "--protocol=anyconnect",
            "--non-inter", "--servercert", MEMBERS[0].pin(), "--authenticate", "--passwd-on-stdin", "--user", "bob",
            directorUrl));
        final ManagedProcess auth = ManagedProcess.start("openconnect-auth[bob@director]", argv,
            Harness.tempDir("auth-"), java.util.Map.of());
        try
        {
            auth.writeLine("bob-secret");
            auth.closeStdin();
            final java.util.regex.Matcher landed = auth.waitFor("^CONNECT_URL='?(https://[0-9.]+)/?", 
                Duration.ofSeconds(60));
            final String target = landed.group(1);
            assertNotEquals("https://" + EtcdNamespaces.NET + (21 + d), target,
                "the director kept a login it should have sent on");
            assertTrue(target.matches("https://192\\.0\\.2\\.2[123]"), target);
            auth.waitFor("^COOKIE=", Duration.ofSeconds(10));
            MEMBERS[d].process().waitFor("login request from \\S+ redirected to " + target.replace(".", "\\."),
                Duration.ofSeconds(5));
        }
        finally
        {
            auth.close();
        }
    }

    @Test
    @Order(6)
    void aMemberCutOffFromEtcdDropsItsTunnelBeforeItsLeaseEndsAndItsClientMovesWithItsAddress()
    {
        final OpenconnectClient onA = client(0, "demo");
        final String cookie = onA.authenticate("demo-secret");
        final String address = onA.startWithCookie(cookie).awaitConfigured(Duration.ofSeconds(30));
        // any member lists every session of the cluster, with the member serving it
        awaitShown(2, "show vpn-sessiondb", "member-a");
        assertTrue(MEMBERS[1].console("show vpn-sessiondb").lines().anyMatch(l -> l.matches("demo\\s+"
            + address.replace(".", "\\.") + "\\s.*member-a\\s.*")), MEMBERS[1].console("show vpn-sessiondb"));

        // the partition: A's namespace drops everything to and from etcd, its clients still reach it
        final int mark = MEMBERS[0].process().out().mark();
        final int errMark = MEMBERS[0].process().err().mark();
        final long cut = System.nanoTime();
        Netns.exec(NETS.get(0).server(), "nft", "add table inet part; add chain inet part out { type filter hook "
            + "output priority 0; }; add rule inet part out tcp dport 2379 drop; add chain inet part in { type "
            + "filter hook input priority 0; }; add rule inet part in tcp sport 2379 drop").check();
        try
        {
            MEMBERS[0].process().waitFor("fences itself, dropping [1-9][0-9]* session", mark, errMark,
                Duration.ofSeconds(30));
            final long fencedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
            // before its 10 s member lease can run out in etcd (the deadline is 8 s after the last renewal)
            assertTrue(fencedMillis < 10_000, "fenced " + fencedMillis + " ms after the cut");
            assertEquals(List.of(), MEMBERS[0].sessions(), "the fenced member still lists a session");
            onA.close();
            final OpenconnectClient onB = client(1, "demo").startWithCookie(cookie);
            assertEquals(address, onB.awaitConfigured(Duration.ofSeconds(60)), "the same address on member B");
            System.out.printf("partition: member A fenced %d ms after the cut, its client served on B with the "
                + "same address %d ms after the cut%n", fencedMillis, TimeUnit.NANOSECONDS.toMillis(
                System.nanoTime() - cut));
        }
        finally
        {
            Netns.exec(NETS.get(0).server(), "nft", "delete table inet part").check();
        }
        // heal: A comes back into the cluster and serves again
        MEMBERS[0].process().waitFor("takes sessions in again", mark, errMark, Duration.ofSeconds(30));
        final java.util.regex.Pattern listed = java.util.regex.Pattern.compile("(?m)^member-a\\s");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!listed.matcher(MEMBERS[1].console("show load-balancing")).find())
        {
            assertTrue(System.nanoTime() < deadline, "member A never registered again");
            NetTools.sleep(300);
        }
        final OpenconnectClient bobOnA = client(0, "bob").startWithPassword("bob-secret");
        assertNotEquals(address, bobOnA.awaitConfigured(Duration.ofSeconds(30)), "A gave away demo's address");
    }

    @Test
    @Order(7)
    void aDirectorToldToStopTakingPartHandsTheRoleOnWithoutARestart()
    {
        final java.util.regex.Pattern named = java.util.regex.Pattern.compile("director member-([abc])");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        java.util.regex.Matcher director = named.matcher(MEMBERS[1].console("show load-balancing"));
        while (!director.find())
        {
            assertTrue(System.nanoTime() < deadline, "no director named");
            NetTools.sleep(300);
            director = named.matcher(MEMBERS[1].console("show load-balancing"));
        }
        final int d = director.group(1).charAt(0) - 'a';
        final String member = "member-" + (char)('a' + d);
        MEMBERS[d].console("configure terminal");
        MEMBERS[d].console("vpn load-balancing");
        final String answer = MEMBERS[d].console("no participate");
        MEMBERS[d].console("end");
        assertTrue(answer.isBlank(), answer);
        final int other = (d + 1) % 3;
        final java.util.regex.Pattern stepped = java.util.regex.Pattern.compile("(?m)^" + member
            + "\\s+Inactive\\s");
        while (true)
        {
            final String shown = MEMBERS[other].console("show load-balancing");
            final java.util.regex.Matcher now = named.matcher(shown);
            if (now.find() && !now.group(1).equals(String.valueOf((char)('a' + d))) && stepped.matcher(shown).find())
            {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "the director role stayed or came back:\n" + shown);
            NetTools.sleep(300);
        }
        assertTrue(MEMBERS[d].process().isAlive(), "the member had to restart");
    }

    @Test
    @Order(8)
    void whenTheDirectorIsKilledAnotherMemberTakesTheClusterAddressAndNewClientsLandThere()
    {
        final int d = director();
        MEMBERS[d].process().waitFor("member member-" + (char)('a' + d) + " holds the cluster address "
            + CLUSTER_ADDRESS.replace(".", "\\."), Duration.ofSeconds(20));
        final int[][] marks = new int[3][2];
        for (int i = 0; i < 3; i++)
        {
            marks[i] = new int[]{ MEMBERS[i].process().out().mark(), MEMBERS[i].process().err().mark() };
        }

        final long killed = System.nanoTime();
        MEMBERS[d].process().signal("KILL");
        assertNotNull(MEMBERS[d].process().waitForExit(Duration.ofSeconds(15)), "the director survived SIGKILL");
        // nobody takes the address off a killed member: its kernel lease runs out, before etcd elects a successor
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (Netns.exec(NETS.get(d).server(), "ip", "-4", "addr", "show", "dev", "cl0").check().output()
            .contains(CLUSTER_ADDRESS + "/32"))
        {
            assertTrue(System.nanoTime() < deadline, "the killed director's cluster address stayed on its interface");
            NetTools.sleep(200);
        }
        final long gone = System.nanoTime();

        int successor = -1;
        final long electionDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (successor < 0)
        {
            for (int i = 0; i < 3; i++)
            {
                final String took = "holds the cluster address " + CLUSTER_ADDRESS.replace(".", "\\.");
                if (i != d && (MEMBERS[i].process().out().find(took, marks[i][0]) != null
                    || MEMBERS[i].process().err().find(took, marks[i][1]) != null))
                {
                    successor = i;
                }
            }
            assertTrue(System.nanoTime() < electionDeadline, "no member took the cluster address over");
            NetTools.sleep(100);
        }
        final long taken = System.nanoTime();
        assertTrue(gone <= taken, "the new director raised the address while the killed one still had it");

        final OpenconnectClient viaCluster = new OpenconnectClient(etcd.client(), "https://" + CLUSTER_ADDRESS,
            MEMBERS[successor].pin(), "bob", false);
        CLIENTS.add(viaCluster);
        viaCluster.startWithPassword("bob-secret");
        assertNotNull(viaCluster.awaitConfigured(Duration.ofSeconds(60)), "no tunnel through the cluster address");
        System.out.printf("director failover: killed director's address gone after %d ms, member-%c holds it after "
            + "%d ms, a new client through it tunnelled after %d ms%n", TimeUnit.NANOSECONDS.toMillis(gone - killed),
            (char)('a' + successor), TimeUnit.NANOSECONDS.toMillis(taken - killed),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
    }

    /** The member the others name director, waiting for one to be named. */
    private static int director()
    {
        final java.util.regex.Pattern named = java.util.regex.Pattern.compile("director member-([abc])");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (true)
        {
            for (final HeadendProcess member : MEMBERS)
            {
                if (member.process().isAlive())
                {
                    final java.util.regex.Matcher director = named.matcher(member.console("show load-balancing"));
                    if (director.find() && MEMBERS[director.group(1).charAt(0) - 'a'].process().isAlive())
                    {
                        return director.group(1).charAt(0) - 'a';
                    }
                }
            }
            assertTrue(System.nanoTime() < deadline, "no director named");
            NetTools.sleep(300);
        }
    }

    /** One openconnect --authenticate against member m; whether it got a cookie. */
    private static boolean login(final int m, final String user, final String password)
    {
        final List<String> argv = new ArrayList<>(Netns.in(NETS.get(m).client(), "openconnect",
            "--protocol=anyconnect", "--non-inter", "--servercert", MEMBERS[m].pin(), "--authenticate",
            "--passwd-on-stdin", "--user", user, MEMBERS[m].url()));
        final ManagedProcess auth = ManagedProcess.start("openconnect-auth[" + user + "]", argv,
            Harness.tempDir("auth-"), java.util.Map.of());
        try
        {
            auth.writeLine(password);
            auth.closeStdin();
            final Integer exit = auth.waitForExit(Duration.ofSeconds(60));
            assertNotNull(exit, "openconnect --authenticate hung");
            // its output may still be on its way when it has exited: wait for the cookie line of a success
            return exit == 0 && auth.waitFor("^COOKIE=", Duration.ofSeconds(10)) != null;
        }
        finally
        {
            auth.close();
        }
    }

    /** Waits for a console command on member m to show text. */
    private static void awaitShown(final int m, final String command, final String text)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true)
        {
            final String shown = MEMBERS[m - 1].console(command);
            if (shown.contains(text))
            {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "'" + command + "' never showed '" + text + "':\n" + shown);
            NetTools.sleep(300);
        }
    }
}
