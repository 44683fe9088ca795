package org.headend.control.cli;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.headend.control.session.SessionView;

/** Prints sessions the way the ASA's {@code show vpn-sessiondb anyconnect} does: same fields, same order. */
final class SessionDbFormatter
{
    static final String NO_SESSIONS = "INFO: There are presently no active sessions\n";
    private static final DateTimeFormatter LOGIN_TIME =
        DateTimeFormatter.ofPattern("HH:mm:ss 'UTC' EEE MMM d yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final String PARENT = "AnyConnect-Parent";

    private SessionDbFormatter()
    {
    }

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
            pair(out, "Username", s.username(), "Index", Integer.toString(s.index()));
            pair(out, "Assigned IP", s.assignedIp() == null ? "0.0.0.0" : s.assignedIp(), "Public IP", s.publicIp());
            final StringBuilder protocol = new StringBuilder(PARENT);
            s.tunnels().forEach(t -> protocol.append(' ').append(t.protocol()));
            single(out, "Protocol", protocol.toString());
            single(out, "License", "AnyConnect Premium");
            single(out, "Encryption", perTunnel(s, true));
            single(out, "Hashing", perTunnel(s, false));
            pair(out, "Bytes Tx", Long.toString(s.bytesTx()), "Bytes Rx", Long.toString(s.bytesRx()));
            pair(out, "Group Policy", s.groupPolicy(), "Tunnel Group", s.tunnelGroup());
            single(out, "Login Time", LOGIN_TIME.format(s.loginTime()));
            single(out, "Duration", duration(s.duration()));
            single(out, "Inactivity", duration(s.inactivity()));
            single(out, "NAC Result", "Unknown");
            pair(out, "VLAN Mapping", "N/A", "VLAN", "none");
        }
        return out.toString();
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
}
