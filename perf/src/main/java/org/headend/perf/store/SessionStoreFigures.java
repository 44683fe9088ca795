package org.headend.perf.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import org.headend.control.session.AddressPools;
import org.headend.control.session.FileSessionStore;
import org.headend.control.session.SessionRecord;

/**
 * What keeping the session table costs: the control thread's time per change (it only updates a map), the size of
 * the sessions file, the time of one whole-table write (at close) and of the load at start, for N sessions.
 * {@code java -cp perf/target/headend-perf.jar org.headend.perf.store.SessionStoreFigures [N] [DIR]}
 */
public final class SessionStoreFigures
{
    private SessionStoreFigures()
    {
    }

    /**
     * @param args the number of sessions (default 10000) and a directory on the disk to measure (default a
     *             temporary one)
     * @throws IOException if the directory cannot be used
     */
    public static void main(final String[] args) throws IOException
    {
        final int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        final Path dir = args.length > 1 ? Files.createDirectories(Path.of(args[1]))
            : Files.createTempDirectory("session-store-");
        final Instant now = Instant.now();
        final SessionRecord[] records = new SessionRecord[count];
        for (int i = 0; i < count; i++)
        {
            final byte[] hash = new byte[32];
            hash[0] = (byte)(i >>> 24);
            hash[1] = (byte)(i >>> 16);
            hash[2] = (byte)(i >>> 8);
            hash[3] = (byte)i;
            records[i] = new SessionRecord(i + 1, HexFormat.of().withUpperCase().formatHex(hash), "user" + i,
                "DefaultWEBVPNGroup", "GP", now.minusSeconds(3600), now.minusSeconds(10), null,
                new AddressPools.Lease("POOL", 0x0A000000 + i + 2, 0xFF000000), null, "198.51.100." + i % 250,
                "Open AnyConnect VPN Agent v9.01-3");
        }
        final FileSessionStore store = FileSessionStore.inStateDir(dir, Clock.systemUTC());
        store.load();
        final long putStart = System.nanoTime();
        for (final SessionRecord record : records)
        {
            store.put(record);
        }
        final long putNanos = System.nanoTime() - putStart;
        final long closeStart = System.nanoTime();
        store.close();
        final long closeNanos = System.nanoTime() - closeStart;
        final long size = Files.size(dir.resolve("sessions"));

        final long loadStart = System.nanoTime();
        final FileSessionStore again = FileSessionStore.inStateDir(dir, Clock.systemUTC());
        final int loaded = again.load().size();
        final long loadNanos = System.nanoTime() - loadStart;
        again.close();

        System.out.printf("sessions                      %d%n", count);
        System.out.printf("control thread per put        %.2f us%n", putNanos / 1e3 / count);
        System.out.printf("sessions file                 %.2f MB (%d bytes a session)%n", size / 1e6, size / count);
        System.out.printf("stop: last write(s), fsync'd %.1f ms%n", closeNanos / 1e6);
        System.out.printf("load at start                 %.1f ms (%d sessions)%n", loadNanos / 1e6, loaded);
        if (args.length < 2)
        {
            try (var files = Files.walk(dir))
            {
                for (final Path path : files.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.delete(path);
                }
            }
        }
    }
}
