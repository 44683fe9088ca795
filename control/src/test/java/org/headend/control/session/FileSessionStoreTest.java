package org.headend.control.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sessions file: what was put comes back after a stop, writes are atomic and coalesced on the store's own
 * thread, and a damaged file is set aside and never believed.
 */
class FileSessionStoreTest
{
    private static final Instant T0 = Instant.parse("2026-12-07T03:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
    private static final FileSessionStore.Renamer RENAME = (from, to) -> Files.move(from, to,
        StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    @TempDir
    Path dir;

    static SessionRecord record(final int index, final String user, final int address)
    {
        return new SessionRecord(index, key(index), user, "DefaultWEBVPNGroup", "GP", T0.minusSeconds(600),
            T0.minusSeconds(30), null, new AddressPools.Lease("POOL", address, 0xFFFFFF00), null, "10.77.0.2",
            "Open AnyConnect VPN Agent v9.01-3");
    }

    static String key(final int index)
    {
        return String.format("%064X", index);
    }

    private FileSessionStore store(final FileSessionStore.Renamer renamer, final long minIntervalMillis)
    {
        return new FileSessionStore(dir.resolve(FileSessionStore.FILE_NAME), CLOCK, renamer, minIntervalMillis);
    }

    @Test
    void shouldBringBackWhatWasKeptAndNotWhatWasRemoved() throws Exception
    {
        final SessionRecord plain = record(1, "alice", 0xC0A8640A);
        final SessionRecord odd = new SessionRecord(2, key(2), "J\u00fcrgen O'Neil %20 ~ -", "Group With Spaces",
            "GP", T0.minusSeconds(60), T0.minusSeconds(5), T0.minusSeconds(5),
            new AddressPools.Lease("POOL", 0xC0A8640B, 0xFFFFFF00),
            new AddressPools.Lease6("V6", (Inet6Address)Inet6Address.getByName("2001:db8:1::10"), 64), "2001:db8::2",
            "");
        try (FileSessionStore store = store(RENAME, 0))
        {
            assertEquals(List.of(), store.load(), "no file yet: no sessions");
            store.put(plain);
            store.put(odd);
            store.put(record(3, "carol", 0xC0A8640C));
            store.remove(key(3));
        }
        try (FileSessionStore again = store(RENAME, 0))
        {
            final List<SessionRecord> loaded = again.load().stream()
                .sorted(Comparator.comparingInt(SessionRecord::index)).toList();
            // a session that had a tunnel when saved comes back disconnected since the save
            assertEquals(List.of(plain.disconnectedBy(T0), odd), loaded);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dir.resolve(FileSessionStore.FILE_NAME))));
        final String text = Files.readString(dir.resolve(FileSessionStore.FILE_NAME));
        assertFalse(text.contains("carol"), "a removed session leaves nothing behind");
    }

    @Test
    void shouldNeverMakeThePutterWaitForTheDisk() throws Exception
    {
        final CountDownLatch diskFree = new CountDownLatch(1);
        final CountDownLatch writing = new CountDownLatch(1);
        final FileSessionStore.Renamer slowDisk = (from, to) ->
        {
            writing.countDown();
            try
            {
                diskFree.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            RENAME.rename(from, to);
        };
        try (FileSessionStore store = store(slowDisk, 0))
        {
            store.load();
            store.put(record(1, "alice", 0xC0A8640A));
            assertTrue(writing.await(10, TimeUnit.SECONDS), "the writer thread did not start writing");
            // the disk is stuck in the middle of a write: the control thread's calls still return at once
            assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
            {
                for (int i = 2; i < 1002; i++)
                {
                    store.put(record(i, "user" + i, 0xC0A86400 + i % 200));
                }
                store.remove(key(5));
            });
            diskFree.countDown();
        }
        try (FileSessionStore again = store(RENAME, 0))
        {
            assertEquals(1000, again.load().size(), "the last state is written at close");
        }
    }

    @Test
    void shouldCoalesceABurstOfChangesIntoFewWrites() throws Exception
    {
        final AtomicInteger writes = new AtomicInteger();
        final FileSessionStore.Renamer counting = (from, to) ->
        {
            writes.incrementAndGet();
            RENAME.rename(from, to);
        };
        // at most one write a minute: the burst costs the first write and the one at close
        try (FileSessionStore store = store(counting, 60_000))
        {
            store.load();
            for (int i = 1; i <= 500; i++)
            {
                store.put(record(i, "user" + i, 0xC0A86400 + i % 200));
            }
        }
        assertTrue(writes.get() >= 1 && writes.get() <= 2, writes.get() + " writes for 500 changes");
        try (FileSessionStore again = store(RENAME, 0))
        {
            assertEquals(500, again.load().size());
        }
    }

    @Test
    void shouldWriteEachChangeWithinTheMinimumIntervalWithoutWaitingForClose() throws Exception
    {
        // the writer is woken when the table turns dirty, not at every change: each change still reaches the disk
        try (FileSessionStore store = store(RENAME, 100))
        {
            store.load();
            for (int i = 1; i <= 3; i++)
            {
                store.put(record(i, "user" + i, 0xC0A86400 + i));
                store.put(record(i, "user" + i, 0xC0A86400 + i)); // a second change while dirty
                awaitRecordsOnDisk(i);
                Thread.sleep(300); // quiet: the writer is back to waiting for work
            }
        }
    }

    @Test
    void shouldWriteASessionAgainWhenItChangesAfterAWrite() throws Exception
    {
        // a write reuses the lines of the sessions not put since the one before: a changed one must not be among them
        final SessionRecord first = record(1, "alice", 0xC0A8640A);
        final SessionRecord moved = new SessionRecord(1, key(1), "alice", "DefaultWEBVPNGroup", "GP",
            T0.minusSeconds(600), T0.minusSeconds(2), T0.minusSeconds(2),
            new AddressPools.Lease("POOL", 0xC0A8640B, 0xFFFFFF00), null, "10.77.0.9", "Open AnyConnect VPN Agent");
        try (FileSessionStore store = store(RENAME, 0))
        {
            store.load();
            store.put(first);
            store.put(record(2, "bob", 0xC0A8640C));
            awaitRecordsOnDisk(2);
            store.put(moved);
        }
        try (FileSessionStore again = store(RENAME, 0))
        {
            final List<SessionRecord> loaded = again.load().stream()
                .sorted(Comparator.comparingInt(SessionRecord::index)).toList();
            assertEquals(List.of(moved, record(2, "bob", 0xC0A8640C).disconnectedBy(T0)), loaded);
        }
    }

    private void awaitRecordsOnDisk(final int count) throws Exception
    {
        final Path file = dir.resolve(FileSessionStore.FILE_NAME);
        int found = -1;
        for (int tries = 0; tries < 500 && found != count; tries++)
        {
            Thread.sleep(20);
            found = Files.exists(file) ? SessionFileFormat.decode(Files.readAllBytes(file)).records().size() : -1;
        }
        assertEquals(count, found, "records in the file within 10 s, before any close");
    }

    @Test
    void shouldLeaveTheOldFileWholeWhenAWriteDiesBeforeItsRename() throws Exception
    {
        try (FileSessionStore store = store(RENAME, 0))
        {
            store.load();
            store.put(record(1, "alice", 0xC0A8640A));
        }
        final byte[] before = Files.readAllBytes(dir.resolve(FileSessionStore.FILE_NAME));
        // the process dies between writing the temporary file and renaming it
        try (FileSessionStore crashing = store((from, to) -> { throw new IOException("killed"); }, 0))
        {
            crashing.load();
            crashing.put(record(2, "bob", 0xC0A8640B));
        }
        assertArrayEquals(before, Files.readAllBytes(dir.resolve(FileSessionStore.FILE_NAME)));
        try (Stream<Path> files = Files.list(dir))
        {
            assertEquals(List.of(FileSessionStore.FILE_NAME), files.map(p -> p.getFileName().toString()).toList(),
                "no temporary file is left behind");
        }
        try (FileSessionStore again = store(RENAME, 0))
        {
            assertEquals(List.of(record(1, "alice", 0xC0A8640A).disconnectedBy(T0)), again.load());
        }
    }

    @Test
    void shouldRemoveTemporariesAKilledWriteLeft() throws Exception
    {
        Files.writeString(dir.resolve("." + FileSessionStore.FILE_NAME + ".12345.tmp"), "half a table");
        try (FileSessionStore store = store(RENAME, 0))
        {
            assertEquals(List.of(), store.load());
        }
        try (Stream<Path> files = Files.list(dir))
        {
            assertEquals(0, files.count());
        }
    }

    @Test
    void shouldSetAGarbledFileAsideAndStartEmpty() throws Exception
    {
        assertSetAside("headend-sessions 1 1765076400000\nthis is not a session\nend 1 00000000\n".getBytes());
        assertSetAside(new byte[] {0, 1, 2, 3, (byte)0xFF, '\n'});
    }

    @Test
    void shouldSetATruncatedOrFlippedFileAside() throws Exception
    {
        final byte[] good = SessionFileFormat.encode(T0, List.of(record(1, "alice", 0xC0A8640A)));
        assertSetAside(java.util.Arrays.copyOf(good, good.length - 7));
        final byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x01;
        assertSetAside(flipped);
    }

    @Test
    void shouldSetAnOversizedFileAsideWithoutReadingIt() throws Exception
    {
        try (RandomAccessFile huge = new RandomAccessFile(dir.resolve(FileSessionStore.FILE_NAME).toFile(), "rw"))
        {
            huge.setLength(SessionFileFormat.MAX_FILE_BYTES + 1);
        }
        try (FileSessionStore store = store(RENAME, 0))
        {
            assertEquals(List.of(), store.load());
        }
        assertFalse(Files.exists(dir.resolve(FileSessionStore.FILE_NAME)));
        try (Stream<Path> files = Files.list(dir))
        {
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("sessions.bad-")).count());
        }
    }

    private void assertSetAside(final byte[] content) throws IOException
    {
        final Path file = dir.resolve(FileSessionStore.FILE_NAME);
        Files.write(file, content);
        try (FileSessionStore store = store(RENAME, 0))
        {
            assertEquals(List.of(), store.load(), "a damaged file gives no sessions");
        }
        final Path aside = dir.resolve("sessions.bad-20261207T030000Z");
        assertArrayEquals(content, Files.readAllBytes(aside), "the damaged file is kept for inspection");
        assertFalse(Files.exists(file));
        Files.delete(aside);
    }
}
