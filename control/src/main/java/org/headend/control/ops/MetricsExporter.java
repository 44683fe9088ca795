package org.headend.control.ops;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.headend.control.session.SessionDirectory;
import org.headend.control.session.SessionView;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;

/**
 * Assembles one {@code /metrics} page from what is already counted: the data plane's counters (the same as
 * {@code show counters}), a snapshot of the session table taken on the control thread, {@link VpnMetrics}, and the
 * JVM's MXBeans. Nothing here runs per packet; it runs on the management server's own thread, once per scrape.
 * Names follow the ocserv exporter operators already chart ({@code vpn_active_sessions}, {@code vpn_ips_banned},
 * {@code vpn_user_rx_bytes{username,…}}); counters carry the {@code _total} suffix Prometheus expects.
 */
public final class MetricsExporter
{
    /** Threads whose CPU time is exported: the event loops, the TUN agents, control and the DTLS handshakes. */
    private static final List<String> WATCHED_THREADS = List.of("multiThreadIoEventLoopGroup", "tun-agent",
        "control", "dtls-handshake");

    private final DataplaneCounters counters;
    private final SessionDirectory sessions;
    private final VpnMetrics metrics;
    private final IntSupplier bannedAddresses;

    /**
     * @param sessions        the session table (each call hops to the control thread)
     * @param bannedAddresses client addresses locked out now (hops to the control thread)
     */
    public MetricsExporter(final DataplaneCounters counters, final SessionDirectory sessions, final VpnMetrics metrics,
        final IntSupplier bannedAddresses)
    {
        this.counters = counters;
        this.sessions = sessions;
        this.metrics = metrics;
        this.bannedAddresses = bannedAddresses;
    }

    /** One page of the text format. */
    public String scrape()
    {
        final MetricsText out = new MetricsText();
        final List<SessionView> live = sessions.sessions();
        writeSessions(out, live);
        writeLogins(out);
        writeTraffic(out, live);
        writeDataplane(out);
        out.histogram("vpn_dpd_rtt_seconds",
            "Round trip of the headend's dead-peer-detection probes, answered by the clients (TLS and DTLS)",
            counters.dpdRoundTrips());
        writeJvm(out);
        return out.text();
    }

    private void writeSessions(final MetricsText out, final List<SessionView> live)
    {
        final Map<String, Integer> byProtocol = new TreeMap<>(Map.of("tls", 0, "dtls", 0, "none", 0));
        for (final SessionView session : live)
        {
            byProtocol.merge(protocol(session), 1, Integer::sum);
        }
        out.family("vpn_active_sessions", "gauge",
            "Sessions by the transport carrying them: dtls, tls, or none (waiting for the client to reconnect)");
        byProtocol.forEach((protocol, count) -> out.sample("vpn_active_sessions", count, "protocol", protocol));
        out.family("vpn_sessions_started_total", "counter", "Sessions opened by a successful login");
        out.sample("vpn_sessions_started_total", metrics.sessionsStarted());
        out.family("vpn_tunnels_started_total", "counter", "TLS tunnels brought up (first connects and reconnects)");
        out.sample("vpn_tunnels_started_total", metrics.tunnelsUp());
        out.family("vpn_tunnel_reconnects_total", "counter",
            "Tunnels a session brought up after its first: rekeys by new tunnel and reconnects after a network change");
        out.sample("vpn_tunnel_reconnects_total", metrics.reconnects());
        out.family("vpn_dtls_tunnels_started_total", "counter",
            "DTLS channels brought up (a new DTLS handshake follows every TLS rekey)");
        out.sample("vpn_dtls_tunnels_started_total", metrics.dtlsUp());
        out.family("vpn_tls_key_updates_total", "counter",
            "TLS 1.3 key updates the headend sent (anyconnect ssl rekey method ssl)");
        out.sample("vpn_tls_key_updates_total", metrics.keyUpdates());
        out.histogram("vpn_session_setup_seconds", "Time from a successful login to the session's first tunnel",
            metrics.setup());
    }

    private void writeLogins(final MetricsText out)
    {
        out.family("vpn_authentication_successes_total", "counter", "Logins accepted");
        out.sample("vpn_authentication_successes_total", metrics.loginsOk());
        out.family("vpn_authentication_failures_total", "counter", "Logins refused, by reason");
        for (final Map.Entry<String, AtomicLong> failure : new TreeMap<>(metrics.loginFailures()).entrySet())
        {
            out.sample("vpn_authentication_failures_total", failure.getValue().get(), "reason", failure.getKey());
        }
        out.family("vpn_ips_banned", "gauge", "Client addresses locked out after repeated failed logins");
        out.sample("vpn_ips_banned", bannedAddresses.getAsInt());
    }

    private void writeTraffic(final MetricsText out, final List<SessionView> live)
    {
        long rx = metrics.endedRxBytes();
        long tx = metrics.endedTxBytes();
        for (final SessionView session : live)
        {
            rx += session.bytesRx();
            tx += session.bytesTx();
        }
        out.family("vpn_rx_bytes_total", "counter", "Bytes of inner packets received from clients");
        out.sample("vpn_rx_bytes_total", rx);
        out.family("vpn_tx_bytes_total", "counter", "Bytes of inner packets sent to clients");
        out.sample("vpn_tx_bytes_total", tx);
        out.family("vpn_packets_total", "counter", "Inner data packets, by direction (rx: from clients) and transport");
        out.sample("vpn_packets_total", counters.get(DataplaneCounter.CSTP_RX_DATA_PACKETS), "direction", "rx",
            "transport", "tls");
        out.sample("vpn_packets_total", counters.get(DataplaneCounter.DTLS_RX_DATA_PACKETS), "direction", "rx",
            "transport", "dtls");
        out.sample("vpn_packets_total", counters.get(DataplaneCounter.CSTP_TX_DATA_PACKETS), "direction", "tx",
            "transport", "tls");
        out.sample("vpn_packets_total", counters.get(DataplaneCounter.DTLS_TX_DATA_PACKETS), "direction", "tx",
            "transport", "dtls");
        writeUsers(out, live, "vpn_user_rx_bytes", "Bytes received from the user's client in this session", true);
        writeUsers(out, live, "vpn_user_tx_bytes", "Bytes sent to the user's client in this session", false);
    }

    /** One series per live session only: the cardinality is the session table's. */
    private static void writeUsers(final MetricsText out, final List<SessionView> live, final String name,
        final String help, final boolean rx)
    {
        out.family(name, "gauge", help);
        for (final SessionView session : live)
        {
            out.sample(name, rx ? session.bytesRx() : session.bytesTx(), "username", session.username(),
                "session", Integer.toString(session.index()), "remote_ip", session.publicIp(),
                "vpn_ipv4", session.assignedIp() == null ? "" : session.assignedIp(),
                "vpn_ipv6", session.assignedIpv6() == null ? "" : session.assignedIpv6(),
                "protocol", protocol(session));
        }
    }

    private void writeDataplane(final MetricsText out)
    {
        final List<DataplaneCounter> drops = new ArrayList<>();
        final List<DataplaneCounter> events = new ArrayList<>();
        for (final DataplaneCounter counter : DataplaneCounter.values())
        {
            (isDrop(counter) ? drops : events).add(counter);
        }
        out.family("vpn_dropped_packets_total", "counter", "Packets and records the data plane dropped, by reason"
            + " (show counters)");
        for (final DataplaneCounter counter : drops)
        {
            out.sample("vpn_dropped_packets_total", counters.get(counter), "reason", label(counter));
        }
        out.family("vpn_dtls_fallbacks_total", "counter",
            "Times a tunnel's traffic moved from DTLS back to TLS (the client sent data over TLS again)");
        out.sample("vpn_dtls_fallbacks_total", counters.get(DataplaneCounter.DTLS_FALLBACKS));
        out.family("headend_dataplane_events_total", "counter", "The other data plane counters of show counters");
        for (final DataplaneCounter counter : events)
        {
            out.sample("headend_dataplane_events_total", counters.get(counter), "counter", label(counter));
        }
    }

    private static boolean isDrop(final DataplaneCounter counter)
    {
        final String name = counter.name();
        return name.endsWith("_DROPS") || name.endsWith("_ERRORS") || name.endsWith("_FAILURES")
            || name.startsWith("CSTP_MALFORMED") || name.startsWith("CSTP_OVERSIZED")
            || name.startsWith("CSTP_UNEXPECTED") || name.equals("DTLS_UNEXPECTED_RECORDS");
    }

    private static String label(final DataplaneCounter counter)
    {
        return counter.name().toLowerCase(Locale.ROOT);
    }

    private static void writeJvm(final MetricsText out)
    {
        final MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        out.family("jvm_memory_heap_used_bytes", "gauge", "Heap in use");
        out.sample("jvm_memory_heap_used_bytes", heap.getUsed());
        out.family("jvm_memory_heap_committed_bytes", "gauge", "Heap committed by the JVM");
        out.sample("jvm_memory_heap_committed_bytes", heap.getCommitted());
        out.family("jvm_memory_heap_max_bytes", "gauge", "Largest heap the JVM may use (-1: no limit)");
        out.sample("jvm_memory_heap_max_bytes", heap.getMax());
        final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        out.family("jvm_gc_collections_total", "counter", "Garbage collections, by collector");
        collectors.forEach(gc -> out.sample("jvm_gc_collections_total", Math.max(0, gc.getCollectionCount()),
            "gc", gc.getName()));
        out.family("jvm_gc_collection_seconds_total", "counter", "Time spent in garbage collections, by collector");
        collectors.forEach(gc -> out.sample("jvm_gc_collection_seconds_total",
            Math.max(0, gc.getCollectionTime()) / 1000.0, "gc", gc.getName()));
        writeThreads(out);
    }

    /** CPU time of the data plane's and control's threads: its rate is each event loop's busy share. */
    private static void writeThreads(final MetricsText out)
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        out.family("headend_thread_cpu_seconds_total", "counter",
            "CPU time of the event loops, TUN agents, control and DTLS handshake threads; rate() is the busy share");
        if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled())
        {
            return;
        }
        final Map<String, Long> byName = new TreeMap<>();
        for (final ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds()))
        {
            if (info != null && WATCHED_THREADS.stream().anyMatch(info.getThreadName()::startsWith))
            {
                final long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0)
                {
                    byName.merge(info.getThreadName(), nanos, Long::sum);
                }
            }
        }
        byName.forEach((name, nanos) -> out.sample("headend_thread_cpu_seconds_total", nanos / 1e9, "thread", name));
    }

    /** dtls when a DTLS endpoint is up under the session, tls with only its TLS tunnel, none between tunnels. */
    private static String protocol(final SessionView session)
    {
        if (session.tunnels().isEmpty())
        {
            return "none";
        }
        return session.tunnels().stream().anyMatch(t -> t.protocol().startsWith("DTLS")) ? "dtls" : "tls";
    }
}
