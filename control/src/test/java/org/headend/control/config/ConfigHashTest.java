package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The login form's {@code <config-hash>}: the same for the same configuration, another after a change. */
class ConfigHashTest
{
    private static final String ONE_USER = "username alice password alice-secret\n";

    @Test
    void shouldFollowTheConfigurationAcrossChangesAndBack() throws ConfigException
    {
        final HeadendConfig before = ConfigLanguageTest.compile(ONE_USER);
        final HeadendConfig after = ConfigLanguageTest.compile(ONE_USER + "username bob password bob-secret\n");
        final long first = ConfigHash.of(before);
        assertTrue(first >= 0, "a non-negative number: " + first);
        assertEquals(first, ConfigHash.of(before), "asked again for the same configuration");
        final long changed = ConfigHash.of(after);
        assertNotEquals(first, changed, "a user added: the client must see another number");
        // back to the first configuration (a rollback): its number again, not the last one's
        assertEquals(first, ConfigHash.of(before));
        assertEquals(changed, ConfigHash.of(after));
    }
}
