package org.headend.control.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionTokensTest
{
    @Test
    void shouldNeverRepeatAndCarryOnlyCookieSafeCharacters()
    {
        final SessionTokens tokens = new SessionTokens();
        final Set<String> seen = new HashSet<>();
        final int[] ones = new int[160];
        for (int i = 0; i < 100_000; i++)
        {
            final String token = tokens.newToken(i);
            assertTrue(token.matches("[0-9A-F]{6}@\\d+@[0-9A-F]{4}@[0-9A-F]{40}"), token);
            assertTrue(token.length() < 100);
            assertTrue(seen.add(token));
            final String tail = token.substring(token.lastIndexOf('@') + 1);
            for (int bit = 0; bit < 160; bit++)
            {
                ones[bit] += (Character.digit(tail.charAt(bit / 4), 16) >> (3 - bit % 4)) & 1;
            }
        }
        for (int bit = 0; bit < 160; bit++)
        {
            // a fair bit lands within ±1.5% of half over 100k draws far beyond 5 sigma; a counter or a stuck bit does not
            assertTrue(Math.abs(ones[bit] - 50_000) < 1_500, "bit " + bit + " set in " + ones[bit] + " of 100000");
        }
    }

    @Test
    void shouldRefuseGarbageBeforeAnyLookup()
    {
        for (final String bad : new String[] {null, "", "AAAA", "x".repeat(8192), "../../etc/passwd",
            "ABCD@1@EF01@" + "0".repeat(39) + ";", "QUJDREVGR0hJSktMTU5PUA==", "$(reboot)"})
        {
            assertNull(SessionTokens.key(bad), String.valueOf(bad));
        }
    }

    @Test
    void shouldMapATokenToOneKeyWhateverItsHexCase()
    {
        final String token = new SessionTokens().newToken(7);
        assertNotNull(SessionTokens.key(token));
        assertEquals(SessionTokens.key(token), SessionTokens.key(token.toLowerCase()));
        assertEquals(64, SessionTokens.key(token).length());
    }
}
