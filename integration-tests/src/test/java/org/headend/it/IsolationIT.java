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
 * {@link #RSS_BOUND_MIB} MiB. The p99 round trip is printed beside the idle one (the machine is shared: a figure,
 * not an assertion). The live tunnel is TLS only ({@link Testbed#connect}): its packets and the floods share the
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
            final NetTools.BadClientResult r = NetTools.badClient(Duration.ofSeconds(150), bed.net().client(1),
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

    /**
     * One hostile client, at the test's own priority. A real attacker's CPU is on another machine, so the client
     * JVMs this test starts beside the appliance (their start and JIT cost more CPU than the floods they send) make
     * the loaded p99 an upper bound of what the appliance's own pre-tunnel work costs its tunnels. Running them at
     * nice 10 was tried and rejected: on a loaded 2-core machine their TLS handshakes then missed the appliance's
     * 10 s handshake timeout and the floods never started (a test that fails by load, not by a defect).
     */
    private static NetTools.BadClientResult bad(final String mode, final String... extra)
    {
        // a loaded machine (the suite shares it) can take more than the default 10 s to answer a login
        final List<String> args = new ArrayList<>(List.of("--user", "bob", "--password", "bob-secret",
            "--timeout-seconds", "30"));
        args.addAll(List.of(extra));
        // a loaded machine starts the bad clients' JVMs slowly: time enough for them to do their whole flood
        return NetTools.badClient(Duration.ofSeconds(150), bed.net().client(2), Netns.SERVER_ADDRESS,
            bed.config().port(), mode, args.toArray(String[]::new));
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
