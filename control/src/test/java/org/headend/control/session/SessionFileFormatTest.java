package org.headend.control.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sessions file's text: it reads back what it wrote and refuses anything else as a whole. */
class SessionFileFormatTest
{
    private static final Instant T0 = Instant.parse("2026-12-07T03:00:00Z");

    @Test
    void shouldReadBackWhatItWrote() throws Exception
    {
        final List<SessionRecord> records = List.of(FileSessionStoreTest.record(1, "alice smith", 0xC0A8640A),
            FileSessionStoreTest.record(7, "bob\nroot", 0xC0A8640B));
        final SessionFileFormat.Contents contents = SessionFileFormat.decode(SessionFileFormat.encode(T0, records));
        assertEquals(T0, contents.savedAt());
        assertEquals(records, contents.records());
    }

    @Test
    void shouldKeepEveryRecordOnOneLineWhateverItsText()
    {
        final String text = new String(SessionFileFormat.encode(T0,
            List.of(FileSessionStoreTest.record(1, "a b\nc\td%", 0xC0A8640A))), StandardCharsets.UTF_8);
        assertEquals(3, text.lines().count(), text);
        assertTrue(text.contains(" a%20b%0Ac%09d%25 "), text);
    }

    @Test
    void shouldRefuseASessionListedTwice()
    {
        final SessionRecord one = FileSessionStoreTest.record(1, "alice", 0xC0A8640A);
        final var ex = assertThrows(SessionFileFormat.BadFileException.class,
            () -> SessionFileFormat.decode(SessionFileFormat.encode(T0, List.of(one, one))));
        assertTrue(ex.getMessage().contains("twice"), ex.getMessage());
    }

    @Test
    void shouldRefuseAnotherVersionAndBadFieldsEvenWithAGoodChecksum()
    {
        assertRefused("headend-sessions 2 1765076400000\n", "version");
        final String good = "1 " + FileSessionStoreTest.key(1) + " alice G GP 1765076400000 1765076400000 - - - - - - - "
            + "10.0.0.1 ~\n";
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace(" alice ", " al ice "), "fields");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace(FileSessionStoreTest.key(1), "secret"),
            "cookie hash");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace("0 - - - - - - - ", "0 - P 10.0.0.300 255.0.0.0 - - - "),
            "IPv4");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace("0 - - - - - - - ", "0 - P 10.0.0.3 255.0.255.0 - - - "),
            "netmask");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace(" alice ", " al%ZZice "), "text");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace("1765076400000 1765076400000", "-5 1"),
            "time");
    }

    /** A body with a correct trailer (so only the content can fail). */
    private static void assertRefused(final String body, final String reason)
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes);
        final String file = body + "end " + (body.lines().count() - 1) + " " + String.format("%08x", crc.getValue())
            + "\n";
        final var ex = assertThrows(SessionFileFormat.BadFileException.class,
            () -> SessionFileFormat.decode(file.getBytes(StandardCharsets.UTF_8)));
        assertTrue(ex.getMessage().contains(reason), ex.getMessage() + " (expected: " + reason + ")");
    }
}
