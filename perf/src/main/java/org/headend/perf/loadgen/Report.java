package org.headend.perf.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The end-of-run summary: a table on standard output and the same figures as {@code summary.json}. Latencies are in
 * milliseconds; setup is reported both from the intended start (what users waited, the primary figure) and from
 * the actual start (the server's service time).
 */
final class Report
{
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};
    /** Ping send lag p99 above this marks the run as limited by the generator's own CPU. */
    private static final long SATURATION_MS = 10;

    private Report()
    {
    }

    static Map<String, Object> build(final LoadOptions o, final Metrics m, final double elapsedSeconds,
        final double timeToAllUpSeconds, final int upAtHold)
    {
        final Map<String, Object> root = new LinkedHashMap<>();
        final Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("jdk", Runtime.version().toString());
        meta.put("cores", Runtime.getRuntime().availableProcessors());
        meta.put("elapsed_s", round(elapsedSeconds));
        root.put("meta", meta);
        root.put("config", o.describe());
        final Map<String, Object> setup = new LinkedHashMap<>();
        final long attempted = m.attempted.sum();
        final long ok = m.established.sum();
        setup.put("attempted", attempted);
        setup.put("established", ok);
        setup.put("reconnected", m.reconnected.sum());
        setup.put("tunnels_lost", m.tunnelsLost.sum());
        setup.put("first_lost_epoch_ms", m.firstLostMillis());
        setup.put("last_back_epoch_ms", m.lastBackMillis());
        setup.put("up_at_hold", upAtHold);
        setup.put("peak_concurrent", m.peakUp.get());
        setup.put("failures", m.failureCount());
        setup.put("failures_by_reason", m.failures());
        setup.put("time_to_all_up_s", timeToAllUpSeconds < 0 ? null : round(timeToAllUpSeconds));
        setup.put("achieved_setup_rate_per_s",
            timeToAllUpSeconds > 0 ? round(upAtHold / timeToAllUpSeconds) : null);
        root.put("setup", setup);
        final Map<String, Object> latency = new LinkedHashMap<>();
        for (final Metrics.Series s : Metrics.Series.values())
        {
            latency.put(s.name().toLowerCase(java.util.Locale.ROOT), summary(m.total(s)));
        }
        root.put("latency_ms", latency);
        final Map<String, Object> traffic = new LinkedHashMap<>();
        final long sent = m.pingsSent.sum();
        final long received = m.pingsReceived.sum();
        traffic.put("pings_sent", sent);
        traffic.put("pings_received", received);
        traffic.put("loss_pct", sent == 0 ? 0.0 : round(100.0 * (sent - received) / sent));
        traffic.put("pings_per_s", elapsedSeconds > 0 ? round(sent / elapsedSeconds) : 0);
        root.put("traffic", traffic);
        root.put("events", m.events());
        final Histogram lag = m.total(Metrics.Series.PING_LAG);
        final Map<String, Object> generator = new LinkedHashMap<>();
        generator.put("ping_send_lag_p99_ms", lag.getTotalCount() == 0 ? 0.0 : millis(lag.getValueAtPercentile(99)));
        // pings leaving more than SATURATION_MS late mean the generator, not the server, set the pace
        generator.put("saturated", lag.getTotalCount() > 0 && lag.getValueAtPercentile(99) > SATURATION_MS * 1000);
        root.put("generator", generator);
        return root;
    }

    private static Map<String, Object> summary(final Histogram h)
    {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0)
        {
            return out;
        }
        for (final double p : PERCENTILES)
        {
            out.put("p" + (p == Math.rint(p) ? String.valueOf((int)p) : String.valueOf(p).replace(".", "")),
                millis(h.getValueAtPercentile(p)));
        }
        out.put("max", millis(h.getMaxValue()));
        out.put("mean", round(h.getMean() / 1000.0));
        return out;
    }

    /** The table people read; the first line says whether the run was clean. */
    static String table(final Map<String, Object> report)
    {
        final StringBuilder b = new StringBuilder();
        @SuppressWarnings("unchecked")
        final Map<String, Object> setup = (Map<String, Object>)report.get("setup");
        @SuppressWarnings("unchecked")
        final Map<String, Object> traffic = (Map<String, Object>)report.get("traffic");
        @SuppressWarnings("unchecked")
        final Map<String, Map<String, Object>> latency = (Map<String, Map<String, Object>>)report.get("latency_ms");
        final long failures = (Long)setup.get("failures");
        @SuppressWarnings("unchecked")
        final boolean saturated = (Boolean)((Map<String, Object>)report.get("generator")).get("saturated");
        b.append(failures != 0 ? "FAILED" : saturated ? "SATURATED (the generator lagged: read latencies as upper bounds)"
            : "PASS").append(": ").append(setup.get("established"))
            .append(" sessions established of ").append(setup.get("attempted")).append(" attempted, ")
            .append(failures).append(" failures; ").append(setup.get("up_at_hold")).append(" up at once in ")
            .append(setup.get("time_to_all_up_s")).append(" s (").append(setup.get("achieved_setup_rate_per_s"))
            .append("/s)\n\n");
        b.append(String.format("%-30s %8s %9s %9s %9s %9s %9s%n", "latency (ms)", "count", "p50", "p90", "p99",
            "p99.9", "max"));
        for (final Metrics.Series s : Metrics.Series.values())
        {
            final Map<String, Object> l = latency.get(s.name().toLowerCase(java.util.Locale.ROOT));
            if ((Long)l.get("count") == 0)
            {
                continue;
            }
            b.append(String.format("%-30s %8d %9s %9s %9s %9s %9s%n", s.label, l.get("count"), l.get("p50"),
                l.get("p90"), l.get("p99"), l.get("p999"), l.get("max")));
        }
        b.append(String.format("%npings: %d sent, %d answered, %s%% lost%n", traffic.get("pings_sent"),
            traffic.get("pings_received"), traffic.get("loss_pct")));
        @SuppressWarnings("unchecked")
        final Map<String, Long> byReason = (Map<String, Long>)setup.get("failures_by_reason");
        byReason.forEach((k, v) -> b.append(String.format("failure %-28s %d%n", k, v)));
        @SuppressWarnings("unchecked")
        final Map<String, Long> events = (Map<String, Long>)report.get("events");
        events.forEach((k, v) -> b.append(String.format("event   %-28s %d%n", k, v)));
        return b.toString();
    }

    static void writeJson(final Path file, final Map<String, Object> report) throws IOException
    {
        Files.createDirectories(file.toAbsolutePath().getParent());
        final StringBuilder b = new StringBuilder();
        json(b, report, "");
        Files.writeString(file, b.append('\n'));
    }

    private static void json(final StringBuilder b, final Object v, final String indent)
    {
        if (v == null)
        {
            b.append("null");
        }
        else if (v instanceof Map<?, ?> map)
        {
            b.append("{");
            final List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
            for (int i = 0; i < entries.size(); i++)
            {
                b.append(i == 0 ? "\n" : ",\n").append(indent).append("  ");
                string(b, String.valueOf(entries.get(i).getKey()));
                b.append(": ");
                json(b, entries.get(i).getValue(), indent + "  ");
            }
            b.append(entries.isEmpty() ? "}" : "\n" + indent + "}");
        }
        else if (v instanceof List<?> list)
        {
            b.append("[");
            for (int i = 0; i < list.size(); i++)
            {
                b.append(i == 0 ? "" : ", ");
                json(b, list.get(i), indent);
            }
            b.append("]");
        }
        else if (v instanceof Number || v instanceof Boolean)
        {
            b.append(v);
        }
        else
        {
            string(b, v.toString());
        }
    }

    /** Appends {@code s} as a JSON string ({@code null} when null); the summary and the history both write these. */
    static StringBuilder string(final StringBuilder b, final String s)
    {
        if (s == null)
        {
            return b.append("null");
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            if (c == '"' || c == '\\')
            {
                b.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                b.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                b.append(c);
            }
        }
        return b.append('"');
    }

    private static double millis(final long micros)
    {
        return round(micros / 1000.0);
    }

    private static double round(final double v)
    {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
