package org.headend.control.cli;

import java.net.InetAddress;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.headend.control.config.AnyconnectAsk;
import org.headend.control.config.ClientProfileRef;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.PolicyAttribute;
import org.headend.control.session.SessionDirectory;
import org.headend.control.session.SessionView;

/**
 * Prints sessions the way the ASA's {@code show vpn-sessiondb} commands do (same fields, same order), and the same
 * facts as data for {@code | json}.
 */
final class SessionDbFormatter
{
    static final String NO_SESSIONS = "INFO: There are presently no active sessions\n";
    private static final DateTimeFormatter LOGIN_TIME =
        DateTimeFormatter.ofPattern("HH:mm:ss 'UTC' EEE MMM d yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final String PARENT = "AnyConnect-Parent";
    private static final String CLIENTLESS = "Clientless";
    private static final String RULE = "-".repeat(75) + "\n";
    /** The encryption names {@code show vpn-sessiondb ratio encryption} always lists, in the ASA's order. */
    private static final List<String> RATIO_CIPHERS = List.of("none", "DES", "3DES", "RC4", "AES128", "AES192",
        "AES256", "AES-GCM-128", "AES-GCM-192", "AES-GCM-256", "AES-GMAC-128", "AES-GMAC-192", "AES-GMAC-256");
    /** Integer attributes whose {@code none} is stored as 0. */
    private static final Set<PolicyAttribute<?>> ZERO_IS_NONE = Set.of(PolicyAttribute.SSL_KEEPALIVE,
        PolicyAttribute.DPD_GATEWAY, PolicyAttribute.DPD_CLIENT, PolicyAttribute.SSL_REKEY_TIME,
        PolicyAttribute.VPN_IDLE_TIMEOUT, PolicyAttribute.VPN_SESSION_TIMEOUT);

    private SessionDbFormatter()
    {
    }

    /** {@code show vpn-sessiondb anyconnect}. */
    static String format(final List<SessionView> sessions)
    {
        if (sessions.isEmpty())
        {
            return NO_SESSIONS;
        }
        final StringBuilder out = new StringBuilder("\nSession Type: AnyConnect\n");
        for (final SessionView s : sessions)
        {
            out.append('\n');
            summaryBlock(s, out, false);
        }
        return out.toString();
    }

    /**
     * {@code show vpn-sessiondb anyconnect detail}: the summary, one section per tunnel, and the session's effective
     * policy with the level each value comes from.
     */
    static String detail(final List<SessionView> sessions, final Function<SessionView, EffectivePolicy> policies)
    {
        if (sessions.isEmpty())
        {
            return NO_SESSIONS;
        }
        final StringBuilder out = new StringBuilder("\nSession Type: AnyConnect Detailed\n");
        for (final SessionView s : sessions)
        {
            out.append('\n');
            summaryBlock(s, out, true);
            final Map<String, Integer> perKind = new LinkedHashMap<>();
            perKind.put(PARENT, 1);
            s.tunnels().forEach(t -> perKind.merge(t.protocol(), 1, Integer::sum));
            out.append('\n');
            perKind.forEach((kind, n) -> out.append(kind).append(" Tunnels: ").append(n).append('\n'));
            out.append('\n');
            out.append(PARENT).append(":\n");
            indented(out, "Tunnel ID", s.index() + ".1");
            indented(out, "Public IP", s.publicIp());
            indentedPair(out, "Encryption", "none", "Hashing", "none");
            indentedPair(out, "TCP Src Port", s.tunnels().isEmpty() ? "0" : Integer.toString(s.tunnels()
                .getFirst().srcPort()), "TCP Dst Port", s.tunnels().isEmpty() ? "0"
                : Integer.toString(s.tunnels().getFirst().dstPort()));
            indented(out, "Auth Mode", "userPassword");
            indented(out, "Client Type", "AnyConnect");
            indented(out, "Client Ver", s.clientVersion());
            int n = 1;
            for (final SessionView.TunnelView t : s.tunnels())
            {
                out.append(t.protocol()).append(":\n");
                indented(out, "Tunnel ID", s.index() + "." + ++n);
                indentedPair(out, "Assigned IP", assigned(s), "Public IP", s.publicIp());
                indentedPair(out, "Encryption", t.encryption(), "Hashing", t.hashing());
                indentedPair(out, "Encapsulation", t.version(), (t.protocol().startsWith("DTLS") ? "UDP" : "TCP")
                    + " Src Port", Integer.toString(t.srcPort()));
                indentedPair(out, (t.protocol().startsWith("DTLS") ? "UDP" : "TCP") + " Dst Port",
                    Integer.toString(t.dstPort()), "Auth Mode", "userPassword");
                indented(out, "Client Type", t.protocol().startsWith("DTLS") ? "DTLS VPN Client" : "SSL VPN Client");
                indented(out, "Client Ver", s.clientVersion());
                indentedPair(out, "DPD RTT Last", roundTrip(t.rttLast()), "DPD RTT Avg", roundTrip(t.rttAverage()));
            }
            policy(policies.apply(s), out);
        }
        return out.toString();
    }

    /** The {@code Effective Policy:} section: every attribute, its value as the command takes it, and its level. */
    private static void policy(final EffectivePolicy policy, final StringBuilder out)
    {
        out.append("Effective Policy:\n");
        for (final PolicyAttribute<?> attribute : PolicyAttribute.all())
        {
            out.append(String.format("  %-32s: %-20s from %s", attribute.name(),
                policyValue(attribute, policy.get(attribute)), policy.source(attribute).describe()).stripTrailing())
                .append('\n');
        }
    }

    /** The effective policy as data: attribute → value and source. */
    static Map<String, Object> policyData(final EffectivePolicy policy)
    {
        final Map<String, Object> data = new LinkedHashMap<>();
        for (final PolicyAttribute<?> attribute : PolicyAttribute.all())
        {
            data.put(attribute.name(), Map.of("value", policyValue(attribute, policy.get(attribute)),
                "from", policy.source(attribute).describe()));
        }
        return data;
    }

    /** A value written the way its command takes it: {@code none}, {@code new-tunnel}, {@code 30}, … */
    static String policyValue(final PolicyAttribute<?> attribute, final Object value)
    {
        return switch (value)
        {
            case Integer n when n == 0 && ZERO_IS_NONE.contains(attribute) -> "none";
            case Boolean on -> on ? "enable" : "disable";
            case Enum<?> keyword -> keyword.name().toLowerCase(Locale.ROOT).replace('_', '-');
            case InetAddress address -> address.getHostAddress();
            case ClientProfileRef profile -> profile.name() + " type " + profile.type();
            case AnyconnectAsk ask -> !ask.enabled() ? "none" : "enable" + (ask.defaultAction() == null ? ""
                : " default " + ask.defaultAction() + (ask.timeoutSeconds() == 0 ? "" : " timeout "
                + ask.timeoutSeconds()));
            case Collection<?> values when values.isEmpty() -> "none";
            // a set has no order of its own; a list (servers, banner lines) keeps the configured one
            case Set<?> values ->
                String.join(" ", values.stream().map(v -> policyValue(attribute, v)).sorted().toList());
            case Collection<?> values ->
                String.join(" ", values.stream().map(v -> policyValue(attribute, v)).toList());
            case Map<?, ?> map when map.isEmpty() -> "none";
            case Map<?, ?> map -> String.join(" ", map.entrySet().stream()
                .map(e -> e.getKey() + "=" + (e.getValue().toString().isEmpty() ? "none" : e.getValue())).toList());
            case String text when text.isEmpty() -> "none";
            default -> String.valueOf(value);
        };
    }

    /**
     * {@code show vpn-sessiondb}: the seed's first example, one block per client session, then the portal
     * (clientless) logins under their own session type.
     */
    static String plain(final List<SessionView> sessions)
    {
        if (sessions.isEmpty())
        {
            return NO_SESSIONS;
        }
        final List<SessionView> clients = clients(sessions);
        final List<SessionView> portal = portal(sessions);
        final StringBuilder out = new StringBuilder(clients.isEmpty() ? "" : "\nSession Type: SSL VPN Client\n");
        for (final SessionView s : clients)
        {
            final SessionView.TunnelView t = s.tunnels().isEmpty() ? null : s.tunnels().getFirst();
            out.append('\n');
            single(out, "Username", s.username());
            pair(out, "Index", Integer.toString(s.index()), "IP Addr", assigned(s));
            pair(out, "Protocol", "SSL VPN Client", "Encryption", t == null ? "none" : t.encryption());
            pair(out, "Hashing", t == null ? "none" : t.hashing(), "Auth Mode", "userPassword");
            pair(out, "TCP Dst Port", t == null ? "0" : Integer.toString(t.dstPort()), "TCP Src Port",
                t == null ? "0" : Integer.toString(t.srcPort()));
            pair(out, "Bytes Tx", Long.toString(s.bytesTx()), "Bytes Rx", Long.toString(s.bytesRx()));
            pair(out, "Pkts Tx", Long.toString(s.packetsTx()), "Pkts Rx", Long.toString(s.packetsRx()));
            single(out, "Client Ver", s.clientVersion());
            single(out, "Client Type", "AnyConnect");
            single(out, "Group", s.groupPolicy());
            single(out, "Login Time", LOGIN_TIME.format(s.loginTime()));
            single(out, "Duration", duration(s.duration()));
            single(out, "Inactivity", duration(s.inactivity()));
            single(out, "Filter Name", "");
        }
        return portal.isEmpty() ? out.toString() : out + webvpn(portal);
    }

    /**
     * {@code show vpn-sessiondb webvpn}: browser logins to the portal that no client tunnel runs under, which the ASA
     * lists as clientless sessions apart from the AnyConnect ones (seed 000_37b323a66eae9c29.txt:915).
     */
    static String webvpn(final List<SessionView> sessions)
    {
        if (sessions.isEmpty())
        {
            return NO_SESSIONS;
        }
        final StringBuilder out = new StringBuilder("\nSession Type: WebVPN\n");
        for (final SessionView s : sessions)
        {
            out.append('\n');
            pair(out, "Username", s.username(), "Index", Integer.toString(s.index()));
            single(out, "Public IP", s.publicIp());
            single(out, "Protocol", CLIENTLESS);
            single(out, "License", "AnyConnect Premium");
            pair(out, "Bytes Tx", Long.toString(s.bytesTx()), "Bytes Rx", Long.toString(s.bytesRx()));
            pair(out, "Group Policy", s.groupPolicy(), "Tunnel Group", s.tunnelGroup());
            single(out, "Login Time", LOGIN_TIME.format(s.loginTime()));
            single(out, "Duration", duration(s.duration()));
            single(out, "Inactivity", duration(s.inactivity()));
            pair(out, "VLAN Mapping", "N/A", "VLAN", "none");
        }
        return out.toString();
    }

    /** The AnyConnect sessions: every session but the clientless portal logins. */
    static List<SessionView> clients(final List<SessionView> sessions)
    {
        return sessions.stream().filter(s -> !s.clientless()).toList();
    }

    /** The clientless portal logins. */
    static List<SessionView> portal(final List<SessionView> sessions)
    {
        return sessions.stream().filter(SessionView::clientless).toList();
    }

    /** {@code show vpn-sessiondb summary}. */
    static String summary(final List<SessionView> sessions, final SessionDirectory.SessionTotals totals,
        final long capacity)
    {
        final List<SessionView> clients = clients(sessions);
        final int portal = sessions.size() - clients.size();
        final int active = (int)clients.stream().filter(s -> !s.tunnels().isEmpty()).count();
        final int inactive = clients.size() - active;
        final int ssl = tunnelCount(sessions, "SSL-Tunnel");
        final int dtls = tunnelCount(sessions, "DTLS-Tunnel");
        final StringBuilder out = new StringBuilder();
        out.append(RULE).append("VPN Session Summary\n").append(RULE);
        out.append(String.format("%-31s%s%n", "", "Active : Cumulative : Peak Concur : Inactive"));
        out.append(String.format("%-29s%s%n", "", "-".repeat(46)));
        out.append(String.format("%-29s: %6d : %10d : %11d : %8d%n", "AnyConnect Client", active,
            totals.cumulative(), totals.peakConcurrent(), inactive));
        out.append(String.format("%-29s: %6d : %10d : %11d : %8d%n", "  SSL/TLS/DTLS", active,
            totals.cumulative(), totals.peakConcurrent(), inactive));
        if (portal > 0)
        {
            out.append(String.format("%-29s: %6d : %10s : %11s%n", "Clientless VPN", portal, "-", "-"));
            out.append(String.format("%-29s: %6d : %10s : %11s%n", "  Browser", portal, "-", "-"));
        }
        out.append(RULE);
        out.append(String.format("%-29s: %6d %13s : %6d%n", "Total Active and Inactive", sessions.size(),
            "Total Cumulative", totals.cumulative()));
        out.append(String.format("%-29s: %6d%n", "Device Total VPN Capacity", capacity));
        out.append(String.format("%-29s: %5d%%%n", "Device Load", capacity == 0 ? 0
            : Math.round(100.0 * sessions.size() / capacity)));
        out.append(RULE).append('\n');
        out.append(RULE).append("Tunnels Summary\n").append(RULE);
        out.append(String.format("%-31s%s%n", "", "Active : Cumulative : Peak Concurrent"));
        out.append(String.format("%-29s%s%n", "", "-".repeat(46)));
        out.append(String.format("%-29s: %6d : %10s : %15s%n", CLIENTLESS, portal, "-", "-"));
        out.append(String.format("%-29s: %6d : %10d : %15d%n", PARENT, clients.size(), totals.cumulative(),
            totals.peakConcurrent()));
        out.append(String.format("%-29s: %6d : %10s : %15s%n", "SSL-Tunnel", ssl, "-", "-"));
        out.append(String.format("%-29s: %6d : %10s : %15s%n", "DTLS-Tunnel", dtls, "-", "-"));
        out.append(RULE);
        out.append(String.format("%-29s: %6d%n", "Totals", sessions.size() + ssl + dtls));
        out.append(RULE);
        return out.toString();
    }

    static Map<String, Object> summaryData(final List<SessionView> sessions,
        final SessionDirectory.SessionTotals totals, final long capacity)
    {
        final Map<String, Object> data = new LinkedHashMap<>();
        final List<SessionView> clients = clients(sessions);
        final int active = (int)clients.stream().filter(s -> !s.tunnels().isEmpty()).count();
        data.put("active", active);
        data.put("inactive", clients.size() - active);
        data.put("clientless", sessions.size() - clients.size());
        data.put("cumulative", totals.cumulative());
        data.put("peakConcurrent", totals.peakConcurrent());
        data.put("capacity", capacity);
        data.put("sslTunnels", tunnelCount(sessions, "SSL-Tunnel"));
        data.put("dtlsTunnels", tunnelCount(sessions, "DTLS-Tunnel"));
        return data;
    }

    /** {@code show vpn-sessiondb ratio encryption}: live tunnels per bulk cipher. */
    static String ratio(final List<SessionView> sessions)
    {
        final Map<String, Integer> counts = ratioCounts(sessions);
        final int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        final StringBuilder out = new StringBuilder("\nFilter Group      : All\n");
        out.append(String.format("%-18s%9s %12s%n", "Encryption", "sessions", "percentage"));
        counts.forEach((cipher, n) -> out.append(String.format("%-18s%9d %11d%%%n", cipher, n,
            total == 0 ? 0 : Math.round(100.0 * n / total))));
        out.append(String.format("%-18s%9d%n", "Total", total));
        return out.toString();
    }

    static Map<String, Integer> ratioCounts(final List<SessionView> sessions)
    {
        final Map<String, Integer> counts = new LinkedHashMap<>();
        RATIO_CIPHERS.forEach(c -> counts.put(c, 0));
        for (final SessionView s : sessions)
        {
            for (final SessionView.TunnelView t : s.tunnels())
            {
                counts.merge(t.encryption(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** One session as data, with the field names of the text form. */
    static Map<String, Object> data(final SessionView s)
    {
        final Map<String, Object> data = new LinkedHashMap<>();
        data.put("username", s.username());
        data.put("index", s.index());
        data.put("assignedIp", s.assignedIp());
        data.put("assignedIpv6", s.assignedIpv6());
        data.put("publicIp", s.publicIp());
        final List<String> protocols = new ArrayList<>(List.of(s.clientless() ? CLIENTLESS : PARENT));
        s.tunnels().forEach(t -> protocols.add(t.protocol()));
        data.put("protocol", protocols);
        data.put("bytesTx", s.bytesTx());
        data.put("bytesRx", s.bytesRx());
        data.put("pktsTx", s.packetsTx());
        data.put("pktsRx", s.packetsRx());
        data.put("pktsTxDrop", s.dropsTx());
        data.put("pktsRxDrop", s.dropsRx());
        data.put("groupPolicy", s.groupPolicy());
        data.put("tunnelGroup", s.tunnelGroup());
        data.put("loginTime", s.loginTime().toString());
        data.put("durationSeconds", s.duration().toSeconds());
        data.put("inactivitySeconds", s.inactivity().toSeconds());
        data.put("clientVersion", s.clientVersion());
        final List<Map<String, Object>> tunnels = new ArrayList<>();
        for (final SessionView.TunnelView t : s.tunnels())
        {
            final Map<String, Object> tunnel = new LinkedHashMap<>();
            tunnel.put("protocol", t.protocol());
            tunnel.put("encryption", t.encryption());
            tunnel.put("hashing", t.hashing());
            tunnel.put("encapsulation", t.version());
            tunnel.put("dpdRttLastMicros", t.rttLast() == null ? null : t.rttLast().toNanos() / 1000);
            tunnel.put("dpdRttAvgMicros", t.rttAverage() == null ? null : t.rttAverage().toNanos() / 1000);
            tunnel.put("srcPort", t.srcPort());
            tunnel.put("dstPort", t.dstPort());
            tunnels.add(tunnel);
        }
        data.put("tunnels", tunnels);
        return data;
    }

    static List<Map<String, Object>> data(final List<SessionView> sessions)
    {
        final List<Map<String, Object>> list = new ArrayList<>();
        sessions.forEach(s -> list.add(data(s)));
        return list;
    }

    private static void summaryBlock(final SessionView s, final StringBuilder out, final boolean detail)
    {
        pair(out, "Username", s.username(), "Index", Integer.toString(s.index()));
        pair(out, "Assigned IP", assigned(s), "Public IP", s.publicIp());
        if (s.assignedIpv6() != null)
        {
            single(out, "Assigned IPv6", s.assignedIpv6());
        }
        final StringBuilder protocol = new StringBuilder(PARENT);
        s.tunnels().forEach(t -> protocol.append(' ').append(t.protocol()));
        single(out, "Protocol", protocol.toString());
        single(out, "License", "AnyConnect Premium");
        single(out, "Encryption", perTunnel(s, true));
        single(out, "Hashing", perTunnel(s, false));
        pair(out, "Bytes Tx", Long.toString(s.bytesTx()), "Bytes Rx", Long.toString(s.bytesRx()));
        if (detail)
        {
            pair(out, "Pkts Tx", Long.toString(s.packetsTx()), "Pkts Rx", Long.toString(s.packetsRx()));
            pair(out, "Pkts Tx Drop", Long.toString(s.dropsTx()), "Pkts Rx Drop", Long.toString(s.dropsRx()));
        }
        pair(out, "Group Policy", s.groupPolicy(), "Tunnel Group", s.tunnelGroup());
        single(out, "Login Time", LOGIN_TIME.format(s.loginTime()));
        single(out, "Duration", duration(s.duration()));
        single(out, "Inactivity", duration(s.inactivity()));
        single(out, "NAC Result", "Unknown");
        pair(out, "VLAN Mapping", "N/A", "VLAN", "none");
    }

    private static int tunnelCount(final List<SessionView> sessions, final String protocol)
    {
        return (int)sessions.stream().flatMap(s -> s.tunnels().stream()).filter(t -> t.protocol().equals(protocol))
            .count();
    }

    /** A DPD round trip in milliseconds, {@code n/a} before the first probe was answered. */
    private static String roundTrip(final Duration rtt)
    {
        return rtt == null ? "n/a" : String.format(Locale.ROOT, "%.3f ms", rtt.toNanos() / 1e6);
    }

    private static String assigned(final SessionView s)
    {
        return s.assignedIp() == null ? "0.0.0.0" : s.assignedIp();
    }

    /** {@code AnyConnect-Parent: (1)none  SSL-Tunnel: (1)AES-GCM-256 …}, numbering tunnels of one kind from 1. */
    private static String perTunnel(final SessionView s, final boolean encryption)
    {
        final StringBuilder out = new StringBuilder(PARENT).append(": (1)none");
        final Map<String, Integer> seen = new HashMap<>();
        for (final SessionView.TunnelView tunnel : s.tunnels())
        {
            final int n = seen.merge(tunnel.protocol(), 1, Integer::sum);
            out.append("  ").append(tunnel.protocol()).append(": (").append(n).append(')')
                .append(encryption ? tunnel.encryption() : tunnel.hashing());
        }
        return out.toString();
    }

    /** {@code 0h:00m:15s}. */
    static String duration(final Duration duration)
    {
        final long seconds = Math.max(0, duration.toSeconds());
        return String.format("%dh:%02dm:%02ds", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    private static void pair(final StringBuilder out, final String left, final String leftValue, final String right,
        final String rightValue)
    {
        out.append(String.format("%-13s: %-22s %-13s: %s", left, leftValue, right, rightValue)).append('\n');
    }

    private static void single(final StringBuilder out, final String label, final String value)
    {
        out.append(String.format("%-13s: %s", label, value)).append('\n');
    }

    private static void indented(final StringBuilder out, final String label, final String value)
    {
        out.append("  ").append(String.format("%-13s: %s", label, value)).append('\n');
    }

    private static void indentedPair(final StringBuilder out, final String left, final String leftValue,
        final String right, final String rightValue)
    {
        out.append("  ").append(String.format("%-13s: %-22s %-13s: %s", left, leftValue, right, rightValue))
            .append('\n');
    }
}
