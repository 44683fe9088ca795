package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHashTest
{
    /** Made outside Java (Python's hashlib over OpenSSL): 5,000 iterations, salt 00..0f, password "pässwörd". */
    private static final String STORED = "$sha512$5000$AAECAwQFBgcICQoLDA0ODw$zXODhyxNcFnJyniL68lgJekyWjDqFX1nOnr+5uua8wM";

    @Test
    void shouldAcceptTheRightPasswordOfAStoredHashAndNothingElse()
    {
        final PasswordHash hash = PasswordHash.parse(STORED);
        assertTrue(hash.matches("pässwörd"));
        assertFalse(hash.matches("passwörd"));
        assertFalse(hash.matches(""));
        assertFalse(hash.matches(null));
        assertEquals(STORED, hash.stored());
    }

    @Test
    void shouldCheckAFreshHashAgainstItsOwnPassword()
    {
        final PasswordHash hash = PasswordHash.of("demo-secret");
        assertTrue(hash.matches("demo-secret"));
        assertFalse(hash.matches("demo-secreT"));
        assertTrue(PasswordHash.parse(hash.stored()).matches("demo-secret"));
    }
}
