package org.headend.control.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions a member ended whose deletion etcd has not confirmed yet, in a file of the member's state directory:
 * a member killed (-9) while etcd could not be reached carries those logoffs out when it starts again, instead of
 * leaving the sessions, and their cookies, alive in the cluster. One line per change is appended ({@code + KEY
 * REVISION [ADDRESS…]} when a session ends, {@code - KEY} once etcd confirmed), and the file is emptied whenever
 * nothing is pending; at start it is read back and rewritten with only what is still pending. A killed process keeps what it appended (the kernel holds it), so no
 * line is forced to disk: a power loss may take the last ones.
 * <p>
 * Lines are checked as they are read (a cookie digest of 64 hex digits, a revision, at most two address literals,
 * at most {@link #MAX_PENDING} sessions); a bad line is skipped with a warning.
 */
final class LogoffJournal
{
    private static final Logger LOG = LoggerFactory.getLogger(LogoffJournal.class);
    static final int MAX_PENDING = 100_000;
    private static final Pattern KEY = Pattern.compile("[0-9A-F]{64}");
    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f.:]{2,45}");
    private static final long MAX_BYTES = 64L << 20;

    /** A session to delete: the revision of the member's last write of it, and its addresses. */
    record Entry(long revision, List<String> addresses)
    {
    }

    private final Path file;
    private final java.util.Set<String> open = new java.util.HashSet<>();
    private FileChannel out;

    LogoffJournal(final Path file)
    {
        this.file = file;
    }

    /** Reads what is pending, rewrites the file with only that, and opens it for appending. */
    synchronized Map<String, Entry> load() throws IOException
    {
        final Map<String, Entry> pending = new LinkedHashMap<>();
        if (Files.exists(file) && Files.size(file) > MAX_BYTES)
        {
            LOG.warn("{} is larger than {} bytes: not a logoff journal, not read", file, MAX_BYTES);
        }
        else if (Files.exists(file))
        {
            int number = 0;
            for (final String line : Files.readAllLines(file, StandardCharsets.US_ASCII))
            {
                number++;
                if (!replay(line, pending))
                {
                    LOG.warn("{} line {}: not a logoff, skipped", file, number);
                }
            }
        }
        final Path fresh = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(fresh);
        Files.createFile(fresh, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        final StringBuilder text = new StringBuilder();
        pending.forEach((key, entry) -> text.append(added(key, entry)));
        Files.writeString(fresh, text, StandardCharsets.US_ASCII);
        Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        open.addAll(pending.keySet());
        return pending;
    }

    private static boolean replay(final String line, final Map<String, Entry> pending)
    {
        final String[] f = line.split(" ");
        if (f.length == 2 && f[0].equals("-") && KEY.matcher(f[1]).matches())
        {
            pending.remove(f[1]);
            return true;
        }
        if (f.length < 3 || f.length > 5 || !f[0].equals("+") || !KEY.matcher(f[1]).matches()
            || !f[2].matches("[0-9]{1,18}") || pending.size() >= MAX_PENDING)
        {
            return false;
        }
        final List<String> addresses = new ArrayList<>();
        for (int i = 3; i < f.length; i++)
        {
            if (!ADDRESS.matcher(f[i]).matches())
            {
                return false;
            }
            addresses.add(f[i]);
        }
        pending.put(f[1], new Entry(Long.parseLong(f[2]), List.copyOf(addresses)));
        return true;
    }

    private static String added(final String key, final Entry entry)
    {
        return "+ " + key + " " + entry.revision() + (entry.addresses().isEmpty() ? "" : " " + String.join(" ",
            entry.addresses())) + "\n";
    }

    /** Session {@code key} ended here; its deletion is pending. */
    synchronized void ended(final String key, final Entry entry)
    {
        open.add(key);
        append(added(key, entry));
    }

    /** etcd answered the deletion of {@code key}: nothing left to do for it. */
    synchronized void done(final String key)
    {
        if (!open.remove(key))
        {
            return;
        }
        if (open.isEmpty())
        {
            truncate();
        }
        else
        {
            append("- " + key + "\n");
        }
    }

    private void truncate()
    {
        try
        {
            if (out != null)
            {
                out.truncate(0);
            }
        }
        catch (final IOException ex)
        {
            LOG.warn("cannot empty the logoff journal {}: {}", file, ex.toString());
        }
    }

    private void append(final String line)
    {
        if (out == null)
        {
            return;
        }
        try
        {
            final ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining())
            {
                out.write(bytes);
            }
        }
        catch (final IOException ex)
        {
            LOG.warn("cannot write the logoff journal {}: a logoff not yet confirmed by etcd is lost if this member "
                + "stops before etcd answers ({})", file, ex.toString());
        }
    }

    synchronized void close()
    {
        if (out != null)
        {
            try
            {
                out.close();
            }
            catch (final IOException ex)
            {
                LOG.debug("closing {}: {}", file, ex.toString());
            }
            out = null;
        }
    }
}
