package org.headend.control.ops.syslog;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.headend.control.cli.AuditLog;
import org.headend.control.cli.LogView;
import org.headend.control.config.LogHost;
import org.headend.control.config.LoggingConfig;
import org.headend.control.config.LogLevel;
import org.headend.control.config.grammar.Ipv4;
import org.headend.control.config.grammar.Ipv6;
import org.headend.control.ops.VpnEvents;
import org.headend.control.session.Session;

/**
 * The ASA's syslog: turns the headend's events into ASA messages, keeps those at or above {@code logging buffered}
 * for {@code show logging} and hands those at or above {@code logging trap} to {@link SyslogSender}, which sends
 * them from its own thread. Nothing is logged without {@code logging enable}. Called on the control thread (VPN
 * events) and on CLI threads (commands, logins); never blocks them.
 */
public final class Syslog implements VpnEvents, AuditLog.Sink, LogView, AutoCloseable
{
    /** local4, the ASA's default facility. */
    static final int FACILITY = 20;
    private static final DateTimeFormatter STAMP =
        DateTimeFormatter.ofPattern("MMM dd yyyy HH:mm:ss", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final SyslogSender sender = new SyslogSender();
    private final LogBuffer buffer = new LogBuffer(LoggingConfig.DEFAULT_BUFFER_SIZE);
    private volatile LoggingConfig config = LoggingConfig.OFF;
    private final AtomicLong trapped = new AtomicLong();

    public Syslog(final Clock clock)
    {
        this.clock = clock;
    }

    /** Follows the {@code logging} lines of a new configuration. */
    public void configure(final LoggingConfig logging)
    {
        config = logging;
        buffer.capacity(logging.bufferSize());
    }

    /** Logs one message where the configuration says; any thread. */
    public void log(final AsaMessage message)
    {
        final LoggingConfig now = config;
        if (!now.enabled())
        {
            return;
        }
        final String stamp = now.timestamp() ? STAMP.format(clock.instant()) + ": " : "";
        if (message.level() <= now.bufferedLevel())
        {
            buffer.add(stamp + message.body());
        }
        if (message.level() <= now.trapLevel() && !now.hosts().isEmpty())
        {
            trapped.incrementAndGet();
            sender.offer(frame(message, stamp), now.hosts());
        }
    }

    /** The line on the wire: {@code <PRI>}, the time when {@code logging timestamp} is on, the message. */
    static String frame(final AsaMessage message, final String stamp)
    {
        return "<" + (FACILITY * 8 + message.level()) + ">" + stamp + message.body();
    }

    @Override
    public void loginSucceeded(final String username, final String tunnelGroup, final String address)
    {
        log(AsaMessages.aaaSuccess(username));
    }

    @Override
    public void loginFailed(final String username, final String address, final String reason)
    {
        log(AsaMessages.aaaRejected(username, address, reason));
    }

    @Override
    public void sessionStarted(final Session session)
    {
        log(AsaMessages.webvpnStarted(session.groupPolicy(), session.username(), session.lastClient().address()));
    }

    @Override
    public void tunnelUp(final Session session, final Session.Tunnel tunnel, final long sinceLoginNanos)
    {
        final String address = tunnel.client().address();
        log(AsaMessages.svcEstablished(session.groupPolicy(), session.username(), address, false));
        if (session.tunnelsOpened() == 1 && session.lease() != null)
        {
            log(AsaMessages.addressAssigned(session.groupPolicy(), session.username(), address,
                Ipv4.format(session.lease().address()),
                session.lease6() == null ? null : Ipv6.format(session.lease6().address())));
        }
    }

    @Override
    public void dtlsUp(final Session session, final Session.Tunnel tunnel)
    {
        log(AsaMessages.svcEstablished(session.groupPolicy(), session.username(), tunnel.client().address(), true));
    }

    @Override
    public void dtlsDown(final Session session, final Session.Tunnel tunnel)
    {
        log(AsaMessages.svcTerminated(session.groupPolicy(), session.username(), tunnel.client().address(), true));
    }

    @Override
    public void tunnelDown(final Session session, final Session.Tunnel tunnel, final String why)
    {
        final String address = tunnel.client().address();
        if (session.ended())
        {
            log(AsaMessages.svcClosing(session.groupPolicy(), session.username(), address, why));
        }
        log(AsaMessages.svcTerminated(session.groupPolicy(), session.username(), address, false));
    }

    @Override
    public void sessionEnded(final Session session, final String why, final Duration duration, final long rxBytes,
        final long txBytes)
    {
        final String address = session.lastClient().address();
        log(AsaMessages.webvpnTerminated(session.groupPolicy(), session.username(), address, why));
        log(AsaMessages.sessionDisconnected(session.tunnelGroup(), session.username(), address, duration, txBytes,
            rxBytes, why));
    }

    @Override
    public void recorded(final String user, final String from, final String mode, final String command,
        final String outcome)
    {
        if ("(login)".equals(command))
        {
            log(AsaMessages.cliLogin("ok".equals(outcome), endpoint(from), "management", service(from), user));
            return;
        }
        if (!"ok".equals(outcome) || command.startsWith("("))
        {
            return;
        }
        log(AsaMessages.commandExecuted(user, command));
        log(AsaMessages.commandExecutedFrom(user, "CLI", from.startsWith("ssh ") ? host(from) : "console",
            command));
    }

    /** {@code ssh 10.77.0.2:51234} → {@code 10.77.0.2/51234}. */
    private static String endpoint(final String from)
    {
        final String address = from.startsWith("ssh ") ? from.substring(4) : from;
        final int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon) + "/" + address.substring(colon + 1);
    }

    private static String host(final String from)
    {
        final String address = from.substring(4);
        final int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon);
    }

    private static String service(final String from)
    {
        return from.startsWith("ssh ") ? "ssh" : "console";
    }

    @Override
    public String show()
    {
        final LoggingConfig now = config;
        final StringBuilder out = new StringBuilder();
        out.append("Syslog logging: ").append(now.enabled() ? "enabled" : "disabled").append('\n');
        out.append("    Facility: ").append(FACILITY).append('\n');
        out.append("    Timestamp logging: ").append(now.timestamp() ? "enabled" : "disabled").append('\n');
        out.append("    Buffer logging: ").append(level(now.bufferedLevel())).append(", ").append(buffer.logged())
            .append(" messages logged\n");
        out.append("    Trap logging: ").append(level(now.trapLevel())).append(", facility ").append(FACILITY)
            .append(", ").append(trapped.get()).append(" messages logged\n");
        for (final LogHost host : now.hosts())
        {
            out.append("        Logging to ").append(host.nameif()).append(' ')
                .append(host.address().getHostAddress()).append(host.tcp() ? " tcp/" : " udp/").append(host.port())
                .append('\n');
        }
        out.append("    Messages sent to hosts: ").append(sender.sent()).append(", dropped: ")
            .append(sender.dropped()).append(" (queue full or collector unreachable)\n");
        final List<String> lines = buffer.lines();
        lines.forEach(line -> out.append(line).append('\n'));
        return out.toString();
    }

    @Override
    public void clearBuffer()
    {
        buffer.clear();
    }

    private static String level(final int level)
    {
        return level < 0 ? "disabled" : "level " + LogLevel.name(level);
    }

    @Override
    public void close()
    {
        sender.close();
    }
}
