package org.headend.control.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: every configuration command and every state-changing exec command, with who typed it, from
 * where, in which mode, and whether it was applied. One line per event, appended to {@code audit.log} in the state
 * directory and written to the log. Secrets are masked before anything is written. Thread-safe.
 */
public final class AuditLog
{
    public static final String FILE_NAME = "audit.log";
    private static final Logger LOG = LoggerFactory.getLogger("audit");
    /** The word after these keywords is a secret (clear or hashed) and never recorded. */
    private static final Pattern SECRET = Pattern.compile("(?i)\\b(password|secret|key)(\\s+)(\\S+)");

    private final Path file;
    private final Clock clock;
    private volatile Sink sink = (user, from, mode, command, outcome) -> { };

    /** Hears of every recorded event, its command already masked (syslog 111008/111010, 605004/605005). */
    @FunctionalInterface
    public interface Sink
    {
        /** Called on the recording thread; must not block. */
        void recorded(String user, String from, String mode, String command, String outcome);
    }

    /** @param file where lines are appended, or null to only log them */
    public AuditLog(final Path file, final Clock clock)
    {
        this.file = file;
        this.clock = clock;
    }

    /** An audit log that only writes to the log. */
    public static AuditLog logOnly()
    {
        return new AuditLog(null, Clock.systemUTC());
    }

    /** Where recorded events also go. */
    public void forward(final Sink to)
    {
        sink = to;
    }

    public Path file()
    {
        return file;
    }

    /**
     * Records one event.
     *
     * @param user    who (the SSH user, or {@code console})
     * @param from    where from, e.g. {@code ssh 10.77.0.2:51234} or {@code console}
     * @param mode    the mode the command was typed in, e.g. {@code config-group-webvpn}
     * @param command the command as typed (secrets are masked here)
     * @param outcome {@code ok}, {@code refused: …}, {@code denied}, …
     */
    public void record(final String user, final String from, final String mode, final String command,
        final String outcome)
    {
        final String line = DateTimeFormatter.ISO_INSTANT.format(clock.instant()) + " user=" + clean(user)
            + " from=" + clean(from) + " mode=" + clean(mode) + " command=\"" + clean(mask(command)).replace("\"", "'")
            + "\" result=" + clean(outcome);
        LOG.info("{}", line);
        sink.recorded(user, from, mode, mask(command), outcome);
        if (file == null)
        {
            return;
        }
        synchronized (this)
        {
            try
            {
                Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            }
            catch (final IOException ex)
            {
                LOG.warn("cannot append to the audit log {}: {}", file, ex.toString());
            }
        }
    }

    /** Replaces the secret after {@code password}, {@code secret} or {@code key} by {@code *****}. */
    static String mask(final String command)
    {
        return SECRET.matcher(command).replaceAll("$1$2*****");
    }

    /** Printable ASCII only, bounded, so a hostile line cannot forge or break audit lines. */
    private static String clean(final String text)
    {
        if (text == null)
        {
            return "-";
        }
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 512; i++)
        {
            final char c = text.charAt(i);
            out.append(c >= ' ' && c < 0x7F ? c : '?');
        }
        return out.toString();
    }
}
