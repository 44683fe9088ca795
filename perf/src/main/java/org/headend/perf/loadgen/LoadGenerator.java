package org.headend.perf.loadgen;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.HdrHistogram.Histogram;
import org.headend.crypto.Aead;
import org.headend.crypto.AeadProvider;

/**
 * {@code ./loadgen}: many simulated openconnect sessions on a few event-loop threads. The run has three phases —
 * arrivals on the open-loop plan until every session has settled (up or failed), the hold (pings, churn, a reconnect
 * storm), and the end (pings stop, late replies are waited for, every session sends its BYE) — and a hard
 * {@code --duration} cap over all of them. Exit status: 0 when nothing failed, 1 when something did, 2 on bad usage.
 */
public final class LoadGenerator implements ClientSession.Run
{
    /** Printed on standard output when the arrivals are over, for scripts and tests to wait on. */
    static final String ALL_SETTLED = "LOADGEN SETTLED up=";
    /** A plateau's start on stdout: {@code LOADGEN PLATEAU n=N up=… dtls=… failed=…}. */
    static final String PLATEAU = "LOADGEN PLATEAU n=";
    /** A plateau's end, with the round trips of its window. */
    static final String PLATEAU_END = "LOADGEN PLATEAU-END n=";

    private final LoadOptions o;
    private final Metrics metrics = new Metrics();
    private final TimeSeries timeSeries = new TimeSeries();
    private final EventLoopGroup group;
    private final SslContext sslContext;
    private final Function<byte[], Aead> aead;
    private final String masterSecretHex;
    private final int pingTarget;
    private final AtomicReferenceArray<ClientSession> sessions;
    private final AtomicInteger inflight = new AtomicInteger();
    private final AtomicInteger settledCount = new AtomicInteger();
    private final AtomicInteger live = new AtomicInteger();
    private final long startNanos = System.nanoTime();
    private final long deadlineNanos;
    private final History history;

    LoadGenerator(final LoadOptions o) throws SSLException
    {
        this.o = o;
        this.group = new MultiThreadIoEventLoopGroup(o.threads(), NioIoHandler.newFactory());
        this.sslContext = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
            .protocols("TLSv1.3", "TLSv1.2").trustManager(new PinTrustManager(o.pin())).build();
        final AeadProvider provider = AeadProvider.fromSystemProperties();
        this.aead = provider::create;
        final byte[] secret = new byte[48];
        new SecureRandom().nextBytes(secret);
        this.masterSecretHex = HexFormat.of().withUpperCase().formatHex(secret);
        this.pingTarget = o.pingTarget() == null ? 0 : IcmpEcho.parseIpv4(o.pingTarget());
        this.sessions = new AtomicReferenceArray<>(o.sessions());
        this.deadlineNanos = startNanos + (long)(o.durationSeconds() * 1e9);
        try
        {
            this.history = o.history() == null ? null : new History(o.history());
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalStateException("--history " + o.history() + ": " + ex, ex);
        }
    }

    public static void main(final String[] args)
    {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h"))
        {
            System.out.print(LoadOptions.USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        final LoadOptions options;
        try
        {
            options = LoadOptions.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("loadgen: " + ex.getMessage());
            System.err.print(LoadOptions.USAGE);
            System.exit(2);
            return;
        }
        int status;
        try
        {
            status = new LoadGenerator(options).run();
        }
        catch (final Exception ex)
        {
            System.err.println("loadgen: " + ex);
            status = 1;
        }
        System.exit(status);
    }

    int run() throws Exception
    {
        final Thread reporter = Thread.ofPlatform().daemon().name("loadgen-progress").start(this::progress);
        double timeToAllUp = -1;
        int upAtHold = 0;
        try
        {
            arrivals();
            if (o.plateaus().contains(o.sessions()))
            {
                plateau(o.sessions());
            }
            awaitSettled();
            upAtHold = metrics.up.get();
            timeToAllUp = (System.nanoTime() - startNanos) / 1e9;
            System.out.println(ALL_SETTLED + upAtHold + " dtls=" + metrics.onDtls.get() + " failed="
                + metrics.failureCount());
            System.out.flush();
            hold();
        }
        finally
        {
            finish();
            if (history != null)
            {
                history.seal(ClientSession.BYE_ACK_MILLIS + 500);
                history.close();
            }
            reporter.interrupt();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
        metrics.drain();
        final Map<String, Object> report = Report.build(o, metrics, (System.nanoTime() - startNanos) / 1e9,
            timeToAllUp, upAtHold);
        System.out.print(Report.table(report));
        Report.writeJson(o.out().resolve("summary.json"), report);
        timeSeries.write(o.out());
        System.out.println("summary: " + o.out().resolve("summary.json") + " (timeseries.csv, plot.svg beside it)");
        return metrics.failureCount() == 0 ? 0 : 1;
    }

    private void arrivals() throws InterruptedException
    {
        final ArrivalPlan plan = new ArrivalPlan(o.rampFrom(), o.rate(), o.rampSeconds());
        // time spent on plateaus: the schedule resumes where it paused, it does not burst to catch up
        long paused = 0;
        for (int i = 0; i < o.sessions(); i++)
        {
            if (o.plateaus().contains(i))
            {
                final long before = System.nanoTime();
                if (!plateau(i))
                {
                    return;
                }
                paused += System.nanoTime() - before;
            }
            final long intended = startNanos + paused + (long)(plan.offsetSeconds(i) * 1e9);
            if (!sleepUntil(intended))
            {
                return;
            }
            // the in-flight cap protects the generator; time spent here still counts from `intended`
            while (inflight.get() >= o.maxInflight())
            {
                if (System.nanoTime() >= deadlineNanos)
                {
                    return;
                }
                Thread.sleep(1);
            }
            launch(i, intended);
        }
    }

    private void launch(final int index, final long intended)
    {
        final ClientSession s = new ClientSession(index, this);
        sessions.set(index, s);
        inflight.incrementAndGet();
        live.incrementAndGet();
        s.start(intended);
    }

    private void awaitSettled() throws InterruptedException
    {
        awaitSettled(o.sessions());
    }

    private void awaitSettled(final int count) throws InterruptedException
    {
        while (settledCount.get() < count && System.nanoTime() < deadlineNanos)
        {
            Thread.sleep(10);
        }
    }

    /**
     * Waits until the first {@code count} arrivals have settled, then holds them for {@code --plateau-hold} with
     * their pings going on, and prints the window's round trips. Returns false when the run's deadline passed.
     */
    private boolean plateau(final int count) throws InterruptedException
    {
        awaitSettled(count);
        if (System.nanoTime() >= deadlineNanos)
        {
            return false;
        }
        System.out.println(PLATEAU + count + " up=" + metrics.up.get() + " dtls=" + metrics.onDtls.get()
            + " failed=" + metrics.failureCount());
        System.out.flush();
        final long sent = metrics.pingsSent.sum();
        final long received = metrics.pingsReceived.sum();
        final GeneratorCost before = GeneratorCost.now();
        metrics.openWindow();
        final long end = Math.min(deadlineNanos, System.nanoTime() + (long)(o.plateauHoldSeconds() * 1e9));
        sleepUntil(end);
        final Histogram[] window = metrics.closeWindow();
        final GeneratorCost cost = GeneratorCost.now().minus(before);
        final Histogram rtt = window[Metrics.Series.RTT.ordinal()];
        final Histogram fromSend = window[Metrics.Series.RTT_SENT.ordinal()];
        final Histogram lag = window[Metrics.Series.PING_LAG.ordinal()];
        // rtt_* from when each ping was due; rtt_sent_* from when it left; lag_* how late the generator sent it
        System.out.println(String.format(java.util.Locale.ROOT,
            "%s%d up=%d dtls=%d failed=%d pings=%d/%d rtt_p50_ms=%.3f rtt_p90_ms=%.3f rtt_p99_ms=%.3f"
                + " rtt_max_ms=%.3f rtt_sent_p50_ms=%.3f rtt_sent_p99_ms=%.3f lag_p50_ms=%.3f lag_p99_ms=%.3f",
            PLATEAU_END, count, metrics.up.get(), metrics.onDtls.get(),
            metrics.failureCount(), metrics.pingsReceived.sum() - received, metrics.pingsSent.sum() - sent,
            rtt.getValueAtPercentile(50) / 1000.0, rtt.getValueAtPercentile(90) / 1000.0,
            rtt.getValueAtPercentile(99) / 1000.0, rtt.getMaxValue() / 1000.0,
            fromSend.getValueAtPercentile(50) / 1000.0, fromSend.getValueAtPercentile(99) / 1000.0,
            lag.getValueAtPercentile(50) / 1000.0, lag.getValueAtPercentile(99) / 1000.0) + " " + cost);
        System.out.flush();
        return System.nanoTime() < deadlineNanos;
    }

    private void hold() throws InterruptedException
    {
        final long holdStart = System.nanoTime();
        final long holdEnd = Math.min(deadlineNanos, holdStart + (long)(o.holdSeconds() * 1e9));
        long stormAt = o.stormAtSeconds() < 0 ? Long.MAX_VALUE : holdStart + (long)(o.stormAtSeconds() * 1e9);
        final long churnPeriod = o.churnPerSecond() > 0 ? (long)(1e9 / o.churnPerSecond()) : Long.MAX_VALUE;
        long nextChurn = o.churnPerSecond() > 0 ? holdStart + churnPeriod : Long.MAX_VALUE;
        final long movePeriod = o.movePerSecond() > 0 ? (long)(1e9 / o.movePerSecond()) : Long.MAX_VALUE;
        long nextMove = o.movePerSecond() > 0 ? holdStart + movePeriod : Long.MAX_VALUE;
        while (System.nanoTime() < holdEnd)
        {
            final long now = System.nanoTime();
            if (now >= nextMove)
            {
                moveOne(nextMove);
                nextMove += movePeriod;
            }
            if (now >= stormAt)
            {
                storm(stormAt);
                stormAt = Long.MAX_VALUE;
            }
            if (now >= nextChurn)
            {
                churnOne(nextChurn);
                nextChurn += churnPeriod;
            }
            Thread.sleep(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(Math.min(Math.min(nextChurn, nextMove),
                stormAt) - now),
                Math.min(100, TimeUnit.NANOSECONDS.toMillis(holdEnd - now)))));
        }
    }

    /** Every session drops its TCP and UDP at once and comes back with its cookie. */
    private void storm(final long intended)
    {
        int n = 0;
        for (int i = 0; i < sessions.length(); i++)
        {
            final ClientSession s = sessions.get(i);
            if (s != null && s.isUp())
            {
                s.dropAndReconnect(intended, false);
                n++;
            }
        }
        metrics.event("storm_reconnects_started");
        System.err.println("loadgen: reconnect storm, " + n + " sessions dropped");
    }

    /** One session logs off with its BYE and its user logs in again as a new session. */
    private void churnOne(final long intended)
    {
        final int index = randomUp();
        if (index < 0)
        {
            return;
        }
        sessions.get(index).disconnect();
        metrics.event("churn_logoffs");
        launch(index, intended);
    }

    /** One session leaves its server without a word and comes back on the next --server with its cookie. */
    private void moveOne(final long intended)
    {
        final int index = randomUp();
        if (index >= 0)
        {
            sessions.get(index).dropAndReconnect(intended, true);
            metrics.event("moves_started");
        }
    }

    /** The index of a session chosen at random among those with a tunnel up; -1 when none is. */
    private int randomUp()
    {
        final List<Integer> upIndexes = new ArrayList<>();
        for (int i = 0; i < sessions.length(); i++)
        {
            final ClientSession s = sessions.get(i);
            if (s != null && s.isUp())
            {
                upIndexes.add(i);
            }
        }
        return upIndexes.isEmpty() ? -1 : upIndexes.get(ThreadLocalRandom.current().nextInt(upIndexes.size()));
    }

    private void finish() throws InterruptedException
    {
        for (int i = 0; i < sessions.length(); i++)
        {
            final ClientSession s = sessions.get(i);
            if (s != null)
            {
                s.stopPings();
            }
        }
        // replies to the last pings may still be on their way: they count unless later than the loss timeout
        if (o.pingIntervalMillis() > 0)
        {
            Thread.sleep(Math.min(o.lossTimeoutMillis(),
                Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos + 5_000_000_000L - System.nanoTime()))));
        }
        for (int i = 0; i < sessions.length(); i++)
        {
            final ClientSession s = sessions.get(i);
            if (s != null)
            {
                s.disconnect();
            }
        }
        final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (live.get() > 0 && System.nanoTime() < until)
        {
            Thread.sleep(10);
        }
    }

    private boolean sleepUntil(final long nanos) throws InterruptedException
    {
        while (true)
        {
            final long now = System.nanoTime();
            if (now >= deadlineNanos)
            {
                return false;
            }
            if (now >= nanos)
            {
                return true;
            }
            final long wait = Math.min(nanos, deadlineNanos) - now;
            Thread.sleep(wait / 1_000_000, (int)(wait % 1_000_000));
        }
    }

    /** One line a second: time, sessions up (on DTLS), setups, failures, pings, this second's setup p99 and RTT p99. */
    private void progress()
    {
        final boolean terminal = System.console() != null;
        long lastEstablished = 0;
        try
        {
            while (!Thread.currentThread().isInterrupted())
            {
                Thread.sleep(1000);
                final Histogram[] interval = metrics.drain();
                final long established = metrics.established.sum();
                final double setupP99 = interval[Metrics.Series.SETUP_CORRECTED.ordinal()].getValueAtPercentile(99)
                    / 1000.0;
                final double rttP99 = interval[Metrics.Series.RTT.ordinal()].getValueAtPercentile(99) / 1000.0;
                timeSeries.add(new TimeSeries.Row((System.nanoTime() - startNanos) / 1e9, metrics.up.get(),
                    metrics.onDtls.get(), established, metrics.failureCount(), setupP99, rttP99));
                if (o.quiet())
                {
                    lastEstablished = established;
                    continue;
                }
                final String line = String.format(
                    "t=%5.1fs up=%d dtls=%d setups/s=%d established=%d failed=%d pings=%d/%d"
                        + " setup-p99=%.1fms rtt-p99=%.2fms",
                    (System.nanoTime() - startNanos) / 1e9, metrics.up.get(), metrics.onDtls.get(),
                    established - lastEstablished, established, metrics.failureCount(), metrics.pingsReceived.sum(),
                    metrics.pingsSent.sum(), setupP99, rttP99);
                lastEstablished = established;
                System.err.print(terminal ? "\r" + line : line + "\n");
                System.err.flush();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (terminal)
        {
            System.err.println();
        }
    }

    // ---- ClientSession.Run -------------------------------------------------------------------------------------

    @Override
    public LoadOptions options()
    {
        return o;
    }

    @Override
    public Metrics metrics()
    {
        return metrics;
    }

    @Override
    public SslContext sslContext()
    {
        return sslContext;
    }

    @Override
    public EventLoopGroup group()
    {
        return group;
    }

    @Override
    public Function<byte[], Aead> aead()
    {
        return aead;
    }

    @Override
    public String masterSecretHex()
    {
        return masterSecretHex;
    }

    @Override
    public int pingTarget()
    {
        return pingTarget;
    }

    @Override
    public void settled(final ClientSession session)
    {
        inflight.decrementAndGet();
        settledCount.incrementAndGet();
    }

    @Override
    public void ended(final ClientSession session, final boolean failed)
    {
        live.decrementAndGet();
    }

    @Override
    public History history()
    {
        return history;
    }
}
