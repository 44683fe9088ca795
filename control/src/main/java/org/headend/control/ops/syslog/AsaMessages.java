package org.headend.control.ops.syslog;

import java.time.Duration;
import java.util.Locale;

/**
 * The ASA's messages for what the headend does, in the ASA's ids, severities and wording, so that a SIEM's ASA
 * parser reads them unchanged. Values that come from a client (user names) are cut to printable ASCII first, so a
 * crafted name cannot end a syslog line or forge a field.
 */
public final class AsaMessages
{
    private static final int MAX_VALUE = 64;

    private AsaMessages()
    {
    }

    /** 113004: a user name and password were accepted. */
    public static AsaMessage aaaSuccess(final String username)
    {
        return new AsaMessage(6, 113004, "AAA user authentication Successful : server = LOCAL : user = "
            + clean(username));
    }

    /** 113005: a login was refused. */
    public static AsaMessage aaaRejected(final String username, final String address, final String reason)
    {
        return new AsaMessage(6, 113005, "AAA user authentication Rejected : reason = " + aaaReason(reason)
            + " : server = LOCAL : user = " + clean(username) + " : user IP = " + clean(address));
    }

    /** 716001: the parent session started. */
    public static AsaMessage webvpnStarted(final String group, final String username, final String address)
    {
        return new AsaMessage(6, 716001, who(group, username, address) + " WebVPN session started.");
    }

    /** 716002: the parent session ended. */
    public static AsaMessage webvpnTerminated(final String group, final String username, final String address,
        final String why)
    {
        return new AsaMessage(6, 716002, who(group, username, address) + " WebVPN session terminated: "
            + disconnectReason(why) + ".");
    }

    /** 722022: a TLS (TCP) or DTLS (UDP) tunnel is up. */
    public static AsaMessage svcEstablished(final String group, final String username, final String address,
        final boolean udp)
    {
        return new AsaMessage(6, 722022, who(group, username, address) + (udp ? " UDP" : " TCP")
            + " SVC connection established without compression");
    }

    /** 722023: a TLS (TCP) or DTLS (UDP) tunnel went away. */
    public static AsaMessage svcTerminated(final String group, final String username, final String address,
        final boolean udp)
    {
        return new AsaMessage(6, 722023, who(group, username, address) + (udp ? " UDP" : " TCP")
            + " SVC connection terminated without compression");
    }

    /** 722037: the headend closes a tunnel's connection, and why. */
    public static AsaMessage svcClosing(final String group, final String username, final String address,
        final String why)
    {
        return new AsaMessage(4, 722037, who(group, username, address) + " SVC closing connection: " + clean(why)
            + ".");
    }

    /** 722051: the addresses given to the session. */
    public static AsaMessage addressAssigned(final String group, final String username, final String address,
        final String ipv4, final String ipv6)
    {
        return new AsaMessage(4, 722051, who(group, username, address) + " IPv4 Address <" + clean(ipv4)
            + "> IPv6 address <" + (ipv6 == null ? "::" : clean(ipv6)) + "> assigned to session");
    }

    /** 113019: the session ended, with its duration, byte counts and reason. */
    public static AsaMessage sessionDisconnected(final String tunnelGroup, final String username,
        final String address, final Duration duration, final long bytesTx, final long bytesRx, final String why)
    {
        return new AsaMessage(4, 113019, "Group = " + clean(tunnelGroup) + ", Username = " + clean(username)
            + ", IP = " + clean(address) + ", Session disconnected. Session Type: SSL, Duration: "
            + String.format(Locale.ROOT, "%dh:%02dm:%02ds", duration.toHours(), duration.toMinutesPart(),
            duration.toSecondsPart())
            + ", Bytes xmt: " + bytesTx + ", Bytes rcv: " + bytesRx + ", Reason: " + disconnectReason(why));
    }

    /** 111008: a configuration command was applied. */
    public static AsaMessage commandExecuted(final String user, final String command)
    {
        return new AsaMessage(5, 111008, "User '" + clean(user) + "' executed the '" + cleanLine(command)
            + "' command.");
    }

    /** 111010: a configuration command was applied, with where the operator came from. */
    public static AsaMessage commandExecutedFrom(final String user, final String application, final String address,
        final String command)
    {
        return new AsaMessage(5, 111010, "User '" + clean(user) + "', running '" + clean(application)
            + "' from IP " + clean(address) + ", executed '" + cleanLine(command) + "'");
    }

    /** 605004 (denied) or 605005 (permitted): a login to the CLI. */
    public static AsaMessage cliLogin(final boolean permitted, final String from, final String to,
        final String service, final String user)
    {
        return new AsaMessage(6, permitted ? 605005 : 605004, "Login " + (permitted ? "permitted" : "denied")
            + " from " + clean(from) + " to " + clean(to) + "/" + clean(service) + " for user \"" + clean(user) + "\"");
    }

    /** The ASA's words for why a session ended, from the headend's own. */
    static String disconnectReason(final String why)
    {
        final String w = why == null ? "" : why.toLowerCase(Locale.ROOT);
        if (w.contains("user disconnected") || w.contains("logged out"))
        {
            return "User Requested";
        }
        if (w.contains("administrator"))
        {
            return "Administrator Reset";
        }
        if (w.contains("idle timeout"))
        {
            return "Idle Timeout";
        }
        if (w.contains("max connect time"))
        {
            return "Max time exceeded";
        }
        if (w.contains("simultaneous-logins"))
        {
            return "Connection Preempted";
        }
        if (w.contains("dead-peer"))
        {
            return "Peer Terminate";
        }
        if (w.contains("disconnected longer"))
        {
            return "Lost Carrier";
        }
        return "Unknown";
    }

    private static String aaaReason(final String reason)
    {
        return switch (reason)
        {
            case "rejected", "wrong password", "unknown user" -> "Invalid password";
            case "server unavailable" -> "AAA failure";
            default -> clean(reason);
        };
    }

    private static String who(final String group, final String username, final String address)
    {
        return "Group <" + clean(group) + "> User <" + clean(username) + "> IP <" + clean(address) + ">";
    }

    private static String clean(final String value)
    {
        return printable(value, MAX_VALUE);
    }

    /** A command line, longer than a name but just as printable. */
    private static String cleanLine(final String value)
    {
        return printable(value, 512);
    }

    private static String printable(final String value, final int max)
    {
        if (value == null)
        {
            return "";
        }
        final StringBuilder out = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && out.length() < max; i++)
        {
            final char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
