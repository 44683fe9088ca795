package org.headend.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Issue 10: a user name chosen by a client cannot forge a log line. */
class LogTextTest
{
    @Test
    void shouldEscapeLineBreaksAndControlCharacters()
    {
        final String escaped = LogText.escape("bob\n2026-12-07 INFO login of admin accepted\r\u001b[2J");
        assertFalse(escaped.contains("\n") || escaped.contains("\r") || escaped.contains("\u001b"), escaped);
        assertTrue(escaped.startsWith("bob\\x0a2026-12-07"), escaped);
    }

    @Test
    void shouldKeepPlainNamesAndMarkQuotesBackslashesAndNonAscii()
    {
        assertEquals("alice", LogText.escape("alice"));
        assertEquals("a\\\\b\\x22c\\xe9\\u2028", LogText.escape("a\\b\"c\u00e9\u2028"));
        assertEquals("(null)", LogText.escape(null));
    }

    @Test
    void shouldCutLongText()
    {
        final String escaped = LogText.escape("x".repeat(4096));
        assertEquals(LogText.MAX_CHARS + 3, escaped.length());
        assertTrue(escaped.endsWith("..."));
    }
}
