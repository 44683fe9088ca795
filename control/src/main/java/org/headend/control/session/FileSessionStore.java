package org.headend.control.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session table in one file of the state directory, {@value #FILE_NAME} ({@link SessionFileFormat}), readable
 * by root only. Changes coalesce: {@link #put} and {@link #remove} only update a map and mark it dirty; the
 * {@code session-store} thread writes the whole table at most once every {@link #MIN_INTERVAL_MILLIS}, and at
 * least every {@link #HEARTBEAT_MILLIS} while a session has a tunnel (so that after a crash the time of the last
 * write bounds when its tunnel was lost), and once more at {@link #close}.
 * <p>
 * Each write replaces the file atomically (temporary file, fsync, rename, fsync of the directory), as
 * {@code write memory} does for the startup-config, so a crash leaves the old or the new table, never a mix. A file
 * that fails its checks at load is renamed {@code sessions.bad-TIME} for inspection and the table starts empty.
 */
public final class FileSessionStore implements SessionStore
{
    static final String FILE_NAME = "sessions";
    /** The shortest time between two writes: a burst of logins costs one write. */
    static final long MIN_INTERVAL_MILLIS = 1000;
    /** The longest time between two writes while a session has a tunnel. */
    static final long HEARTBEAT_MILLIS = 60_000;
    private static final Logger LOG = LoggerFactory.getLogger(FileSessionStore.class);
    private static final DateTimeFormatter BAD_SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
        .withZone(ZoneOffset.UTC);

    /**
     * A session as last put, and its line of the file once the writer has encoded it: a write encodes only the
     * sessions put since the one before (each login puts its session about five times), not the whole table every
     * second while logins go on.
     */
    private static final class Entry
    {
        final SessionRecord record;
        /** Writer thread only. */
        byte[] line;

        Entry(final SessionRecord record)
        {
            this.record = record;
        }
    }

    /** Renames one file over another; a seam so tests can fail the rename as a crash would. */
    @FunctionalInterface
    interface Renamer
    {
        void rename(Path from, Path to) throws IOException;
    }

    private final Path file;
    private final Clock clock;
    private final Renamer renamer;
    private final long minIntervalMillis;
    private final Map<String, Entry> records = new ConcurrentHashMap<>();
    private final Object signal = new Object();
    private final Thread writer;
    /** Guarded by {@link #signal}. */
    private boolean dirty;
    /** Guarded by {@link #signal}. */
    private boolean closing;
    /** Writer thread only. */
    private boolean failing;

    /** A store in {@code stateDir}; its writer thread starts now. */
    public static FileSessionStore inStateDir(final Path stateDir, final Clock clock)
    {
        return new FileSessionStore(stateDir.resolve(FILE_NAME), clock, (from, to) -> Files.move(from, to,
            StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING), MIN_INTERVAL_MILLIS);
    }

    FileSessionStore(final Path file, final Clock clock, final Renamer renamer, final long minIntervalMillis)
    {
        this.file = file.toAbsolutePath();
        this.clock = clock;
        this.renamer = renamer;
        this.minIntervalMillis = minIntervalMillis;
        this.writer = new Thread(this::writeLoop, "session-store");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public List<SessionRecord> load()
    {
        removeStaleTemporaries();
        final byte[] bytes;
        try
        {
            if (Files.size(file) > SessionFileFormat.MAX_FILE_BYTES)
            {
                setAside("larger than " + SessionFileFormat.MAX_FILE_BYTES + " bytes");
                return List.of();
            }
            bytes = Files.readAllBytes(file);
        }
        catch (final NoSuchFileException ex)
        {
            return List.of();
        }
        catch (final IOException ex)
        {
            setAside("unreadable: " + ex);
            return List.of();
        }
        final SessionFileFormat.Contents contents;
        try
        {
            contents = SessionFileFormat.decode(bytes);
        }
        catch (final SessionFileFormat.BadFileException ex)
        {
            setAside(ex.getMessage());
            return List.of();
        }
        final List<SessionRecord> loaded = new ArrayList<>(contents.records().size());
        for (final SessionRecord record : contents.records())
        {
            final SessionRecord now = record.disconnectedBy(contents.savedAt());
            records.put(now.tokenKey(), new Entry(now));
            loaded.add(now);
        }
        LOG.info("{} session(s) found in {}, saved at {}", loaded.size(), file, contents.savedAt());
        return loaded;
    }

    @Override
    public void put(final SessionRecord record)
    {
        records.put(record.tokenKey(), new Entry(record));
        markDirty();
    }

    @Override
    public void remove(final String tokenKey)
    {
        if (records.remove(tokenKey) != null)
        {
            markDirty();
        }
    }

    @Override
    public void close()
    {
        synchronized (signal)
        {
            closing = true;
            signal.notifyAll();
        }
        try
        {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive())
        {
            LOG.warn("the sessions file may not hold the last changes: its writer did not finish within 10 s");
        }
    }

    /**
     * Wakes the writer only when the table turns dirty: while it is dirty the writer is writing or waiting out its
     * minimum interval, and sees the change by itself. Waking it at every change (five a login) made the control
     * thread wait for the monitor a wake-up had just handed to the writer.
     */
    private void markDirty()
    {
        synchronized (signal)
        {
            if (!dirty)
            {
                dirty = true;
                signal.notifyAll();
            }
        }
    }

    private void writeLoop()
    {
        long lastWrite = System.nanoTime();
        while (true)
        {
            final boolean last;
            synchronized (signal)
            {
                try
                {
                    waitForWork(lastWrite);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                if (!dirty && closing)
                {
                    return;
                }
                // cleared before the snapshot: a change made while writing marks it dirty again
                dirty = false;
                last = closing;
            }
            write(last);
            lastWrite = System.nanoTime();
            if (!last)
            {
                pause(lastWrite);
            }
        }
    }

    /** Waits (holding {@link #signal}) until dirty, closing, or the heartbeat is due with a tunnel up. */
    private void waitForWork(final long lastWrite) throws InterruptedException
    {
        while (!dirty && !closing)
        {
            final long left = HEARTBEAT_MILLIS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastWrite);
            if (left <= 0)
            {
                if (records.values().stream().anyMatch(e -> e.record.disconnectedSince() == null))
                {
                    dirty = true;
                    return;
                }
                signal.wait(HEARTBEAT_MILLIS);
            }
            else
            {
                signal.wait(left);
            }
        }
    }

    /** Keeps writes {@link #minIntervalMillis} apart, unless closing. */
    private void pause(final long since)
    {
        synchronized (signal)
        {
            long left;
            while (!closing && (left = minIntervalMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since)) > 0)
            {
                try
                {
                    signal.wait(left);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void write(final boolean last)
    {
        final List<byte[]> lines = new ArrayList<>(records.size());
        for (final Entry entry : records.values())
        {
            if (entry.line == null)
            {
                entry.line = SessionFileFormat.line(entry.record);
            }
            lines.add(entry.line);
        }
        final byte[] content = SessionFileFormat.assemble(clock.instant(), lines);
        try
        {
            replace(content);
            if (failing)
            {
                LOG.info("sessions file written again");
                failing = false;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            if (!failing || last)
            {
                LOG.warn("cannot write {}: {}; {}", file, ex.toString(),
                    last ? "sessions will not survive this stop" : "retrying");
            }
            failing = true;
            if (!last)
            {
                markDirty();
            }
        }
    }

    /** Temporary file (root only), fsync, rename over the file, fsync of the directory. */
    private void replace(final byte[] content) throws IOException
    {
        final Path dir = file.getParent();
        final Path temp = Files.createTempFile(dir, "." + FILE_NAME + ".", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try
        {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE))
            {
                final ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining())
                {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            renamer.rename(temp, file);
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ))
            {
                directory.force(true);
            }
        }
        finally
        {
            Files.deleteIfExists(temp);
        }
    }

    /** Keeps a file that cannot be believed beside the state for inspection; the table starts empty. */
    private void setAside(final String why)
    {
        final Path aside = file.resolveSibling(FILE_NAME + ".bad-" + BAD_SUFFIX.format(Instant.now(clock)));
        try
        {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.error("{} is not a valid sessions file ({}): moved to {}; starting with no sessions", file, why,
                aside.getFileName());
        }
        catch (final IOException ex)
        {
            LOG.error("{} is not a valid sessions file ({}) and cannot be moved aside ({}); starting with no sessions",
                file, why, ex.toString());
        }
    }

    /** Removes what a write killed half-way left ({@code .sessions.*.tmp}); the file itself is always whole. */
    private void removeStaleTemporaries()
    {
        final String prefix = "." + FILE_NAME + ".";
        try (var files = Files.list(file.getParent()))
        {
            for (final Path temp : (Iterable<Path>)files::iterator)
            {
                final String name = temp.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(".tmp") && Files.isRegularFile(temp,
                    LinkOption.NOFOLLOW_LINKS))
                {
                    Files.deleteIfExists(temp);
                }
            }
        }
        catch (final IOException ignored)
        {
            // leftovers are harmless: no write depends on them
        }
    }
}
