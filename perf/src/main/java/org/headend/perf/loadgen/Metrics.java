package org.headend.perf.loadgen;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Everything a run counts, safe to record from any event loop or handshake thread: latency recorders (HdrHistogram,
 * microseconds, 1 µs to 1 h, 3 significant digits), failures by reason, and session gauges. The reporter thread alone
 * drains the recorders into the cumulative histograms, once a second and at the end.
 */
final class Metrics
{
    /** The latency series a run reports, in table order. */
    enum Series
    {
        /** TCP connect plus TLS handshake, from the actual start. */
        TLS("tls"),
        /** From TLS up to the {@code complete} answer: every auth POST. */
        AUTH("auth"),
        /** CONNECT sent to its answer validated. */
        CONNECT("connect"),
        /** CONNECT answer to the DTLS handshake done. */
        DTLS("dtls"),
        /** Tunnel up (DTLS, or CSTP when DTLS is off) from the intended start: what a user waited. */
        SETUP_CORRECTED("setup (from intended start)"),
        /** Tunnel up from the actual start: the server's service time alone. */
        SETUP_SERVICE("setup (from actual start)"),
        /** Reconnect with the cookie: from the drop to the tunnel up again. */
        RECONNECT("reconnect"),
        /** Echo round trip from the ping's intended send time. */
        RTT("ping rtt"),
        /** Echo round trip from the ping's actual send: the server and the network, without the timer's lateness. */
        RTT_SENT("ping rtt from send"),
        /** How late the generator sent a ping after it was due: its own saturation. */
        PING_LAG("ping send lag");

        final String label;

        Series(final String label)
        {
            this.label = label;
        }
    }

    private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);
    static final int DETAILS_PER_REASON = 20;

    private final Recorder[] recorders = new Recorder[Series.values().length];
    private final Histogram[] totals = new Histogram[Series.values().length];
    private final Histogram[] intervals = new Histogram[Series.values().length];
    /** Each series' values of the open window, or null. */
    private Histogram[] window;
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> events = new ConcurrentHashMap<>();
    final LongAdder attempted = new LongAdder();
    final LongAdder established = new LongAdder();
    final LongAdder reconnected = new LongAdder();
    final LongAdder pingsSent = new LongAdder();
    final LongAdder pingsReceived = new LongAdder();
    final AtomicInteger up = new AtomicInteger();
    final AtomicInteger onDtls = new AtomicInteger();
    final AtomicInteger peakUp = new AtomicInteger();
    /** Tunnels lost while up, each then reconnected with its cookie (--reconnect) or given up. */
    final LongAdder tunnelsLost = new LongAdder();
    /** Wall-clock milliseconds of the first tunnel lost and of the last tunnel back up after one. */
    private final java.util.concurrent.atomic.AtomicLong firstLostMillis = new java.util.concurrent.atomic.AtomicLong(
        Long.MAX_VALUE);
    private final java.util.concurrent.atomic.AtomicLong lastBackMillis = new java.util.concurrent.atomic.AtomicLong();

    Metrics()
    {
        for (int i = 0; i < recorders.length; i++)
        {
            recorders[i] = new Recorder(1, MAX_MICROS, 3);
            totals[i] = new Histogram(1, MAX_MICROS, 3);
        }
    }

    void record(final Series series, final long nanos)
    {
        recorders[series.ordinal()].recordValue(Math.min(MAX_MICROS, Math.max(1, nanos / 1000)));
    }

    /**
     * A failed step, by its {@link Violation} name; the first {@link #DETAILS_PER_REASON} of each name are shown with
     * their detail (the first as "first", to be found by scripts), so that a rare failure at scale can be diagnosed.
     */
    void fail(final String reason, final String detail)
    {
        final LongAdder count = failures.computeIfAbsent(reason, r -> new LongAdder());
        count.increment();
        final long n = count.sum();
        if (n <= DETAILS_PER_REASON)
        {
            System.err.println("loadgen: " + (n == 1 ? "first " : "again (" + n + ") ") + reason
                + (detail == null ? "" : ": " + detail));
        }
    }

    /** Something worth counting that is not a failure (DTLS fallback, a server DISCONNECT, …). */
    void event(final String name)
    {
        events.computeIfAbsent(name, r -> new LongAdder()).increment();
    }

    /** @param fresh a new login, not a reconnect with the cookie */
    void sessionUp(final boolean dtls, final boolean fresh)
    {
        (fresh ? established : reconnected).increment();
        final int now = up.incrementAndGet();
        peakUp.accumulateAndGet(now, Math::max);
        if (dtls)
        {
            onDtls.incrementAndGet();
        }
    }

    /** A tunnel that was up is lost: the server closed it, reset it, or stopped answering DPD. */
    void tunnelLost()
    {
        tunnelsLost.increment();
        firstLostMillis.accumulateAndGet(System.currentTimeMillis(), Math::min);
    }

    /** A lost tunnel is up again (on any server) with its cookie. */
    void tunnelBack()
    {
        lastBackMillis.accumulateAndGet(System.currentTimeMillis(), Math::max);
    }

    /** When the first tunnel was lost (epoch ms), or null if none was. */
    Long firstLostMillis()
    {
        final long v = firstLostMillis.get();
        return v == Long.MAX_VALUE ? null : v;
    }

    /** When the last lost tunnel came back (epoch ms), or null if none did. */
    Long lastBackMillis()
    {
        final long v = lastBackMillis.get();
        return v == 0 ? null : v;
    }

    void sessionDown(final boolean dtls)
    {
        up.decrementAndGet();
        if (dtls)
        {
            onDtls.decrementAndGet();
        }
    }

    /** Moves what was recorded since the last call into the totals; returns this interval's histograms. */
    synchronized Histogram[] drain()
    {
        for (int i = 0; i < recorders.length; i++)
        {
            intervals[i] = recorders[i].getIntervalHistogram(intervals[i]);
            totals[i].add(intervals[i]);
        }
        if (window != null)
        {
            for (int i = 0; i < window.length; i++)
            {
                window[i].add(intervals[i]);
            }
        }
        return intervals.clone();
    }

    /** Starts collecting every series over a window (a plateau) apart from the totals. */
    synchronized void openWindow()
    {
        drain();
        window = new Histogram[Series.values().length];
        for (int i = 0; i < window.length; i++)
        {
            window[i] = new Histogram(1, MAX_MICROS, 3);
        }
    }

    /** Each series' values recorded since {@link #openWindow}, by ordinal; the window is closed. */
    synchronized Histogram[] closeWindow()
    {
        drain();
        final Histogram[] h = window;
        window = null;
        if (h == null)
        {
            final Histogram[] empty = new Histogram[Series.values().length];
            java.util.Arrays.setAll(empty, i -> new Histogram(1, MAX_MICROS, 3));
            return empty;
        }
        return h;
    }

    synchronized Histogram total(final Series series)
    {
        return totals[series.ordinal()].copy();
    }

    Map<String, Long> failures()
    {
        return snapshot(failures);
    }

    Map<String, Long> events()
    {
        return snapshot(events);
    }

    long failureCount()
    {
        long n = 0;
        for (final LongAdder a : failures.values())
        {
            n += a.sum();
        }
        return n;
    }

    private static Map<String, Long> snapshot(final Map<String, LongAdder> map)
    {
        final Map<String, Long> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
