package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.headend.it.tools.BadClientFrames;
import org.junit.jupiter.api.Test;

/** The harness's own parsing, checked without root or namespaces (runs with the unit tests). */
class HarnessParsingTest
{
    private static final String SESSIONDB = """

        Session Type: AnyConnect

        Username     : demo                   Index        : 1
        Assigned IP  : 192.168.100.10         Public IP    : 10.77.0.2
        Protocol     : AnyConnect-Parent SSL-Tunnel
        Duration     : 0h:00m:05s

        Username     : bob                    Index        : 2
        Assigned IP  : 192.168.100.11         Public IP    : 10.77.0.3
        Protocol     : AnyConnect-Parent SSL-Tunnel
        """;

    @Test
    void shouldParseEverySessionOfShowVpnSessiondb()
    {
        final List<HeadendProcess.Session> sessions = HeadendProcess.parseSessions(SESSIONDB);
        assertEquals(List.of(new HeadendProcess.Session("demo", 1, "192.168.100.10", "10.77.0.2"),
            new HeadendProcess.Session("bob", 2, "192.168.100.11", "10.77.0.3")), sessions);
        assertTrue(HeadendProcess.parseSessions("INFO: There are presently no active sessions\n").isEmpty());
    }

    @Test
    void shouldSeeThePromptOnlyAtTheEndOfTheOutput()
    {
        assertTrue(HeadendProcess.PROMPT_AT_END.matcher("INFO: x\nheadend# ").find());
        assertTrue(HeadendProcess.PROMPT_AT_END.matcher("headend(config)# ").find());
        assertFalse(HeadendProcess.PROMPT_AT_END.matcher("headend# \nmore output\n").find());
        assertFalse(HeadendProcess.PROMPT_AT_END.matcher("Do you want to logoff? [confirm]").find());
        assertEquals("line 1\nline 2\n", HeadendProcess.strip("show x", "show x\nline 1\nline 2\nheadend# "));
    }

    @Test
    void shouldReadCounterNamesWithSpacesAndMatchThemLoosely()
    {
        final Map<String, Long> counters = HeadendProcess.parseCounters("""
            rx packets                      1234
            tx packets: 99
            inner source spoofed drops      7
            """);
        assertEquals(1234L, counters.get("rx packets"));
        assertEquals(99L, counters.get("tx packets"));
        assertEquals(7L, HeadendProcess.sumMatching(counters, "spoof"));
        assertEquals(-1L, HeadendProcess.sumMatching(counters, "replay"));
    }

    @Test
    void shouldBuildTheBadCstpFramesAsSpecified()
    {
        final byte[] badMagic = BadClientFrames.badMagic();
        assertArrayEquals(new byte[] {0x53, 0x54, 0x58, 0x01, 0x00, 0x1c, 0x00, 0x00}, Arrays.copyOf(badMagic, 8));
        assertEquals(8 + 28, badMagic.length);

        final byte[] tooLong = BadClientFrames.tooLong(1400);
        assertArrayEquals(new byte[] {0x53, 0x54, 0x46, 0x01, 0x07, (byte)0xd0, 0x00, 0x00}, Arrays.copyOf(tooLong, 8));
        assertEquals(8 + 2000, tooLong.length);
    }
}
