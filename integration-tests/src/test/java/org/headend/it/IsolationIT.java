package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile and greedy clients never touch an established tunnel (issue 10, item 1): while a second client namespace
 * sends 1 MiB headers, holds a few hundred connections idle after TLS, dribbles requests byte by byte and floods
 * DPD requests over a tunnel of its own (reading the answers, and not), a live openconnect tunnel pings through the
 * appliance every 10 ms for about 10 s. It must lose nothing, and the appliance's resident memory must stay under
 * {@link #RSS_BOUND_MIB} MiB. The client JVMs run on a core of their own, the hostile ones at nice 19
 * ({@link #ON_CLIENT_CORE}), as if more on machines of their own. The p99 round trip is printed beside the idle one
 * (a figure, not an assertion: on a shared machine other users' work sets it). The live tunnel is TLS only ({@link Testbed#connect}): its packets and the floods share the
 * tunnel loop's CPU, never the DTLS port (the counters printed at the end show no DTLS record).
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class IsolationIT
{
    /**
     * Resident memory the appliance stays under while the floods run: its idle footprint (about 200 MiB: the JVM,
     * 16 MiB of rings, Netty's pools) plus the pre-tunnel budget's TLS state; the unread DPD flood alone reached
     * 7.9 GB before answers were bounded.
     */
    static final long RSS_BOUND_MIB = 600;
    private static final int PINGS = 1000;
    private static final int FLOOD_SECONDS = 12;

    /** The CPUs this test may use (Cpus_allowed_list); the last is the clients' when there are two or more. */
    private static final List<Integer> CPUS = allowedCpus();
    /**
     * How the client JVMs this test starts beside the appliance run: on the clients' core (the last CPU), the
     * hostile ones at nice 19 too. A real attacker's (or another user's) CPU is on another machine, but here the
     * client JVMs cost more CPU than the appliance's whole answer to them. perf sched events (sched_switch and
     * sched_wakeup on all CPUs, 10 s of the floods) showed them using 2.3 CPU-s against the appliance's 0.85, and
     * of the time the tunnel loop spent woken but waiting for a CPU behind a task of this test, 72 % was behind
     * those JVMs (the p99 of a wake-up's wait 24 ms, 23 of them the JVMs') and the rest behind the appliance's own
     * compilers, front door and control thread. The pin keeps them off the other core; on theirs, nice 19 lets the
     * tunnel loop take the CPU from them at once when it wakes there, as on CI. Where the whole run is at nice 19 (a
     * shared machine) their nice 19 changes nothing, and the loop still waited 0.55 s behind them in 10 s. Keeping the
     * appliance off their core as well was tried and dropped: on the loaded machine the clients' logins, one core
     * between them, then missed the appliance's deadlines and the floods never started. Nothing on one CPU.
     */
    private static final List<String> ON_CLIENT_CORE = CPUS.size() < 2 ? List.of()
        : List.of("taskset", "-c", Integer.toString(CPUS.getLast()));

    private static Testbed bed;

    @BeforeAll
    static void connectTheLiveTunnel()
    {
        bed = Testbed.start(2, config -> config.user("carol", "carol-secret"));
        bed.connect(1, "demo", "demo-secret");
    }

    @AfterAll
    static void tearDown()
    {
        if (bed != null)
        {
            bed.close();
        }
    }

    @Test
    void shouldKeepTheLiveTunnelWhileHostileClientsRun() throws Exception
    {
        final NetTools.PingTimes idle = NetTools.pingTimes(bed.net().client(1), ApplianceConfig.GATEWAY, 300);
        assertEquals(idle.transmitted(), idle.received(), "the tunnel loses pings with nobody else around:\n"
            + idle.summary());

        final AtomicLong peakRss = new AtomicLong(rssKib());
        final Thread sampler = Thread.ofPlatform().daemon().start(() ->
        {
            while (!Thread.currentThread().isInterrupted())
            {
                peakRss.accumulateAndGet(rssKib(), Math::max);
                try
                {
                    Thread.sleep(200);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
            }
        });
        // first the tunnel floods (they log in, which takes a moment), then the front door ones, then the pings
        final CompletableFuture<NetTools.BadClientResult> unread = hostile("dpd-flood-unread",
            () -> bad("dpd-flood-unread", "--seconds", Integer.toString(FLOOD_SECONDS + 8)));
        final CompletableFuture<NetTools.BadClientResult> read = hostile("dpd-flood-read",
            () -> bad("dpd-flood-read", "--user", "carol", "--password", "carol-secret", "--seconds",
                Integer.toString(FLOOD_SECONDS + 8)));
        awaitCounter("CSTP DPD/keepalive frames over");
        final CompletableFuture<NetTools.BadClientResult> bigHeaders = hostile("big-header x3", () ->
        {
            NetTools.BadClientResult last = null;
            for (int i = 0; i < 3; i++)
            {
                last = bad("big-header");
            }
            return last;
        });
        final CompletableFuture<NetTools.BadClientResult> idleConnections = hostile("idle-after-tls",
            () -> bad("idle-after-tls", "--count", "300", "--seconds", Integer.toString(FLOOD_SECONDS)));
        final CompletableFuture<NetTools.BadClientResult> dribblers = hostile("dribble",
            () -> bad("dribble", "--count", "40", "--seconds", Integer.toString(FLOOD_SECONDS)));
        // an honest user logs in from another address meanwhile
        final CompletableFuture<NetTools.BadClientResult> honest = CompletableFuture.supplyAsync(() ->
        {
            NetTools.sleep(2000);
            final long start = System.nanoTime();
            final NetTools.BadClientResult r = NetTools.badClient(Duration.ofSeconds(150), ON_CLIENT_CORE,
                bed.net().client(1),
                Netns.SERVER_ADDRESS, bed.config().port(), "login", "--user", "demo", "--password", "demo-secret",
                "--timeout-seconds", "30");
            System.out.printf("ISOLATION: an honest login during the floods took %d ms (client JVM start included)%n",
                (System.nanoTime() - start) / 1_000_000);
            return r;
        }, r -> Thread.ofPlatform().daemon().start(r));
        final NetTools.PingTimes loaded = NetTools.pingTimes(bed.net().client(1), ApplianceConfig.GATEWAY, PINGS);
        final List<NetTools.BadClientResult> results = new ArrayList<>();
        for (final CompletableFuture<NetTools.BadClientResult> h : List.of(unread, read, bigHeaders, idleConnections,
            dribblers))
        {
            results.add(h.get(120, TimeUnit.SECONDS));
        }
        sampler.interrupt();
        sampler.join(2000);
        peakRss.accumulateAndGet(rssKib(), Math::max);

        System.out.printf("ISOLATION: idle p50 %.3f ms p99 %.3f ms; under hostile clients p50 %.3f ms p99 %.3f ms"
                + " (%.1fx idle p99); lost %d of %d; sent every %.1f ms idle, %.1f ms loaded (nominal 10);"
                + " appliance RSS peak %d MiB (bound %d MiB)%n",
            idle.percentile(50), idle.percentile(99), loaded.percentile(50), loaded.percentile(99),
            loaded.percentile(99) / idle.percentile(99), loaded.transmitted() - loaded.received(),
            loaded.transmitted(), idle.sentEveryMillis(), loaded.sentEveryMillis(), peakRss.get() / 1024,
            RSS_BOUND_MIB);
        System.out.println("counters:\n" + bed.headend().console("show counters"));

        assertTrue(results.get(0).outcome().matches("CLOSED_[1-9][0-9]*"), "the unread DPD flood's tunnels are ended:\n"
            + results.get(0).output());
        assertTrue(results.get(1).outcome().matches("CLOSED_[1-9][0-9]*"), "the DPD flood's tunnels are ended:\n"
            + results.get(1).output());
        assertEquals("HTTP_431", results.get(2).outcome(), results.get(2).output());
        final NetTools.BadClientResult login = honest.get(120, TimeUnit.SECONDS);
        assertEquals("LOGGED_IN", login.outcome(), "an honest login failed during the floods:\n" + login.output());
        assertEquals(PINGS, loaded.transmitted(), loaded.summary());
        assertEquals(PINGS, loaded.received(), "pings lost while hostile clients ran:\n" + loaded.summary());
        assertTrue(peakRss.get() / 1024 < RSS_BOUND_MIB, "appliance RSS " + peakRss.get() / 1024 + " MiB");
        assertTrue(bed.headend().process().isAlive());
    }

    /** Waits (bounded) until a counter matching {@code regex} moves: the flood it measures is under way. */
    private static void awaitCounter(final String regex)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (bed.headend().counter(regex) == 0)
        {
            assertTrue(System.nanoTime() < deadline, "the flood never started: " + regex);
            NetTools.sleep(100);
        }
    }

    private static CompletableFuture<NetTools.BadClientResult> hostile(final String name,
        final java.util.function.Supplier<NetTools.BadClientResult> run)
    {
        return CompletableFuture.supplyAsync(() ->
        {
            final NetTools.BadClientResult r = run.get();
            System.out.println("hostile " + name + " -> " + r.outcome() + "\n" + r.output());
            return r;
        }, r -> Thread.ofPlatform().daemon().start(r));
    }

    /** One hostile client: at nice 19 on the clients' core ({@link #ON_CLIENT_CORE}). */
    private static NetTools.BadClientResult bad(final String mode, final String... extra)
    {
        // a loaded machine (the suite shares it) can take more than the default 10 s to answer a login
        final List<String> args = new ArrayList<>(List.of("--user", "bob", "--password", "bob-secret",
            "--timeout-seconds", "30"));
        args.addAll(List.of(extra));
        // a loaded machine starts the bad clients' JVMs slowly: time enough for them to do their whole flood
        final List<String> attacker = new ArrayList<>(List.of("nice", "-n", "19"));
        attacker.addAll(ON_CLIENT_CORE);
        return NetTools.badClient(Duration.ofSeconds(150), attacker, bed.net().client(2), Netns.SERVER_ADDRESS,
            bed.config().port(), mode, args.toArray(String[]::new));
    }

    /** The CPUs this process may run on, from its Cpus_allowed_list (e.g. 0-1, 0,2-3); empty if unreadable. */
    private static List<Integer> allowedCpus()
    {
        final List<Integer> cpus = new ArrayList<>();
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("Cpus_allowed_list:"))
                {
                    for (final String range : line.substring(line.indexOf(':') + 1).trim().split(","))
                    {
                        final String[] ends = range.split("-");
                        for (int cpu = Integer.parseInt(ends[0]); cpu <= Integer.parseInt(ends[ends.length - 1]);
                            cpu++)
                        {
                            cpus.add(cpu);
                        }
                    }
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            return List.of();
        }
        return cpus;
    }

    /** The appliance JVM's resident set, KiB: the largest VmRSS of its process and descendants. */
    private static long rssKib()
    {
        final ProcessHandle root = ProcessHandle.of(bed.headend().pid()).orElseThrow();
        long most = vmRssKib(root.pid());
        for (final ProcessHandle p : root.descendants().toList())
        {
            most = Math.max(most, vmRssKib(p.pid()));
        }
        return most;
    }

    private static long vmRssKib(final long pid)
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
            {
                if (line.startsWith("VmRSS:"))
                {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            // gone meanwhile
        }
        return 0;
    }
}
