package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code totp-secret} under {@code username NAME attributes}: checked, canonical, never echoed in an error. */
class TotpSecretConfigTest
{
    private static final String USER = "username tina password tina-secret\nusername tina attributes\n";

    @Test
    void shouldKeepTheSecretInCanonicalBase32() throws ConfigException
    {
        final HeadendConfig config = ConfigLanguageTest.compile(USER
            + " totp-secret gezdgnbvgy3tqojqgezdgnbvgy3tqojq====\n");
        assertEquals("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", config.user("tina").orElseThrow().totpSecret());
        assertNull(ConfigLanguageTest.compile(USER).user("tina").orElseThrow().totpSecret());
    }

    @Test
    void shouldRefuseSecretsThatAreNotBase32OrTooShortWithoutRepeatingThem()
    {
        final ConfigException notBase32 = assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(USER
            + " totp-secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1\n"));
        assertTrue(notBase32.getMessage().contains("base32"), notBase32.getMessage());
        assertFalse(notBase32.getMessage().contains("GEZDGNBV"), notBase32.getMessage());
        final ConfigException shortOne = assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(USER
            + " totp-secret JBSWY3DPEHPK3PXP\n"));
        assertTrue(shortOne.getMessage().contains("128"), shortOne.getMessage());
    }
}
