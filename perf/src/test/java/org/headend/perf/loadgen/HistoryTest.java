package org.headend.perf.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest
{
    @TempDir
    Path dir;

    @Test
    void shouldNameSessionsByADigestAndWriteTheCookieOnlyWhenLoggedOff() throws Exception
    {
        final Path file = dir.resolve("history.jsonl");
        try (History history = new History(file))
        {
            history.record("up", "COOKIE-ONE", "user1", "10.100.0.10", null);
            history.record("down", "COOKIE-ONE", "user1", "10.100.0.10", "tunnel_closed_by_server");
            history.record("logoff", "COOKIE-ONE", "user\"1", "10.100.0.10", null);
        }
        final List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size());
        final String id = History.id("COOKIE-ONE");
        assertEquals(16, id.length());
        assertTrue(lines.get(0).matches("\\{\"t\":\\d+,\"ev\":\"up\",\"id\":\"" + id
            + "\",\"user\":\"user1\",\"addr\":\"10.100.0.10\",\"why\":null}"), lines.get(0));
        assertFalse(lines.get(0).contains("COOKIE-ONE") || lines.get(1).contains("COOKIE-ONE"),
            "a cookie in the history of a session not logged off");
        assertTrue(lines.get(2).endsWith(",\"cookie\":\"COOKIE-ONE\"}"), lines.get(2));
        assertTrue(lines.get(2).contains("\"user\":\"user\\\"1\""), "quotes escaped: " + lines.get(2));
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
            Files.getPosixFilePermissions(file), "the file holds cookies: owner only");
    }

    @Test
    void shouldTakeNoEventOnceSealed() throws Exception
    {
        final Path file = dir.resolve("sealed.jsonl");
        try (History history = new History(file))
        {
            history.byeSent();
            history.byeAnswered();
            history.seal(1_000);
            history.record("logoff-ack", "C", "u", null, null);
        }
        assertEquals(List.of(), Files.readAllLines(file));
    }
}
