package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code interim-accounting-update [periodic [N]]} in an {@code aaa-server} group, as the ASA writes it. */
class InterimAccountingConfigTest
{
    private static AaaServerGroup group(final String line) throws ConfigException
    {
        return ConfigLanguageTest.compile("aaa-server RAD protocol radius\n" + line).aaaServer("RAD").orElseThrow();
    }

    @Test
    void shouldBeOffUnlessConfigured() throws ConfigException
    {
        final AaaServerGroup group = group("");
        assertFalse(group.interimUpdates());
        assertEquals(0, group.interimHours());
    }

    @Test
    void shouldSendOnTunnelsOnlyWithoutPeriodicAndEvery24HoursWithABarePeriodic() throws ConfigException
    {
        final AaaServerGroup onTunnels = group(" interim-accounting-update\n");
        assertTrue(onTunnels.interimUpdates());
        assertEquals(0, onTunnels.interimHours());
        assertEquals(AaaServerGroup.DEFAULT_INTERIM_HOURS, group(" interim-accounting-update periodic\n")
            .interimHours());
        assertEquals(6, group(" interim-accounting-update periodic 6\n").interimHours());
    }

    @Test
    void shouldRenderWhatItReadsAndRefuseHoursOutOfRange() throws ConfigException
    {
        final String text = "aaa-server RAD protocol radius\n interim-accounting-update periodic 6\n";
        assertTrue(ConfigLanguageTest.render(text).contains("\n interim-accounting-update periodic 6\n"),
            ConfigLanguageTest.render(text));
        assertThrows(ConfigException.class, () -> group(" interim-accounting-update periodic 0\n"));
        assertThrows(ConfigException.class, () -> group(" interim-accounting-update periodic 121\n"));
    }
}
