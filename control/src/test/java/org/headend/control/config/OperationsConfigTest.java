package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code http server enable}, {@code http A M IF} and the {@code logging} lines: parsed, printed, compiled, removed. */
class OperationsConfigTest
{
    private static final String CONFIG = """
        interface eth0
         nameif outside
         ip address 10.77.0.1 255.255.255.0
        http server enable
        http 10.77.0.0 255.255.255.0 outside
        logging enable
        logging timestamp
        logging buffered 6
        logging trap warnings
        logging host outside 10.77.0.9 tcp/1470
        logging host outside 10.77.0.8
        """;

    @Test
    void shouldStartTheManagementServerOn8443WhenNoPortIsGiven() throws ConfigException
    {
        final OperationsConfig ops = ConfigLanguageTest.compile(CONFIG).operations();
        assertEquals(8443, ops.httpServerPort());
        assertTrue(ConfigLanguageTest.render(CONFIG).contains("\nhttp server enable 8443\n"),
            ConfigLanguageTest.render(CONFIG));
        assertEquals(9443, ConfigLanguageTest.compile(CONFIG.replace("http server enable", "http server enable 9443"))
            .operations().httpServerPort());
        assertEquals(0, ConfigLanguageTest.compile("hostname a\n").operations().httpServerPort(), "off by default");
    }

    @Test
    void shouldLetInOnlyTheHostsOfTheInterfacesHttpLines() throws Exception
    {
        final OperationsConfig ops = ConfigLanguageTest.compile(CONFIG).operations();
        assertTrue(ops.httpPermits((Inet4Address)InetAddress.getByName("10.77.0.2"), "outside"));
        assertFalse(ops.httpPermits((Inet4Address)InetAddress.getByName("10.78.0.2"), "outside"));
        assertFalse(ops.httpPermits((Inet4Address)InetAddress.getByName("10.77.0.2"), "inside"));
    }

    @Test
    void shouldCompileTheLoggingLinesAndPrintLevelsByName() throws Exception
    {
        final LoggingConfig logging = ConfigLanguageTest.compile(CONFIG).operations().logging();
        assertTrue(logging.enabled());
        assertTrue(logging.timestamp());
        assertEquals(6, logging.bufferedLevel());
        assertEquals(4, logging.trapLevel());
        assertEquals(List.of(new LogHost("outside", InetAddress.getByName("10.77.0.9"), true, 1470),
            new LogHost("outside", InetAddress.getByName("10.77.0.8"), false, 514)), logging.hosts());
        final String shown = ConfigLanguageTest.render(CONFIG);
        assertTrue(shown.contains("logging buffered informational\n"), shown);
        assertTrue(shown.contains("logging trap warnings\n"), shown);
        assertTrue(shown.contains("logging host outside 10.77.0.8 udp/514\n"), shown);
    }

    @Test
    void shouldReplaceAndRemoveLinesLive() throws ConfigException
    {
        final ConfigStore store = ConfigLanguageTest.store(CONFIG);
        ConfigLanguageTest.type(store, "logging host outside 10.77.0.9 udp/5514");
        assertEquals(2, store.current().operations().logging().hosts().size(), "same host: replaced, not added");
        ConfigLanguageTest.type(store, "no logging host outside 10.77.0.9");
        ConfigLanguageTest.type(store, "no http server enable");
        ConfigLanguageTest.type(store, "no http 10.77.0.0 255.255.255.0 outside");
        assertEquals(1, store.current().operations().logging().hosts().size());
        assertEquals(0, store.current().operations().httpServerPort());
        assertEquals(List.of(), store.current().operations().httpAccess());
        assertFalse(store.runningConfig().contains("http "), store.runningConfig());
    }

    @Test
    void shouldRefuseBadLevelsAndTransports()
    {
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile("logging trap 8\n"));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile("logging trap loud\n"));
        assertThrows(ConfigException.class,
            () -> ConfigLanguageTest.compile("logging host outside 10.0.0.1 sctp/514\n"));
        assertThrows(ConfigException.class,
            () -> ConfigLanguageTest.compile("logging host outside 10.0.0.1 udp/70000\n"));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile("logging buffer-size 100\n"));
    }
}
