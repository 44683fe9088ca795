package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code password-management [password-expire-in-days N]} in tunnel-group general-attributes, as the ASA takes it:
 * 0 to 180 days, 14 when the option is left out, {@code no password-management} turns it off.
 */
class PasswordExpiryConfigTest
{
    private static final String GROUP = "tunnel-group DefaultWEBVPNGroup general-attributes\n";

    @TempDir
    Path dir;

    @Test
    void shouldReadTheDaysAndDefaultToFourteen() throws ConfigException
    {
        final TunnelGroup none = ConfigLanguageTest.compile(GROUP).defaultTunnelGroup();
        assertFalse(none.passwordManagement());
        assertEquals(0, none.passwordExpireInDays());
        final TunnelGroup bare = ConfigLanguageTest.compile(GROUP + " password-management\n").defaultTunnelGroup();
        assertTrue(bare.passwordManagement());
        assertEquals(14, bare.passwordExpireInDays());
        assertEquals(90, ConfigLanguageTest.compile(GROUP + " password-management password-expire-in-days 90\n")
            .defaultTunnelGroup().passwordExpireInDays());
        final TunnelGroup zero = ConfigLanguageTest.compile(GROUP
            + " password-management password-expire-in-days 0\n").defaultTunnelGroup();
        assertTrue(zero.passwordManagement());
        assertEquals(0, zero.passwordExpireInDays());
    }

    @Test
    void shouldRefuseDaysOutsideZeroToOneHundredEighty()
    {
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(GROUP
            + " password-management password-expire-in-days 181\n"));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(GROUP
            + " password-management password-expire-in-days -1\n"));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(GROUP
            + " password-management password-expire-in-days\n"));
    }

    @Test
    void shouldPrintWhatItReadsReplaceItAndClearItWithNo() throws Exception
    {
        final ConfigStore store = ConfigStore.embeddedDefault("right-password");
        ConfigCursor cursor = store.apply(ConfigCursor.TOP, "tunnel-group DefaultWEBVPNGroup general-attributes",
            "console", 1);
        store.apply(cursor, "password-management password-expire-in-days 30", "console", 2);
        assertTrue(store.runningConfig().contains("\n password-management password-expire-in-days 30\n"),
            store.runningConfig());
        store.apply(cursor, "password-management", "console", 3);
        assertTrue(store.runningConfig().contains("\n password-management\n"), store.runningConfig());
        assertFalse(store.runningConfig().contains("password-expire-in-days"), store.runningConfig());
        assertEquals(14, store.current().defaultTunnelGroup().passwordExpireInDays());
        store.apply(cursor, "password-management password-expire-in-days 0", "console", 4);
        assertEquals(0, store.current().defaultTunnelGroup().passwordExpireInDays());
        store.apply(cursor, "no password-management", "console", 5);
        assertFalse(store.runningConfig().contains("password-management"), store.runningConfig());
        assertFalse(store.current().defaultTunnelGroup().passwordManagement());
    }

    @Test
    void shouldSurviveWriteMemory() throws Exception
    {
        final Path file = dir.resolve("startup-config");
        Files.writeString(file, "hostname pw\n");
        final ConfigStore store = ConfigStore.load(file);
        final ConfigCursor cursor = store.apply(ConfigCursor.TOP,
            "tunnel-group DefaultWEBVPNGroup general-attributes", "console", 1);
        store.apply(cursor, "password-management password-expire-in-days 7", "console", 2);
        store.writeMemory();
        assertTrue(Files.readString(file).contains("\n password-management password-expire-in-days 7\n"));
        assertEquals(7, ConfigStore.load(file).current().defaultTunnelGroup().passwordExpireInDays());
    }
}
