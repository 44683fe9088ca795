package org.headend.perf.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoadOptionsTest
{
    @Test
    void shouldNameUsersFromThePatternAndKeepPasswordsOutOfTheReport()
    {
        final LoadOptions o = LoadOptions.parse(new String[] {"--server", "https://10.77.0.1:8443/eng",
            "--user-pattern", "u%04d", "--password", "s3cret", "--challenge=123456", "--ping-interval", "0"});
        assertEquals("u0001", o.user(0));
        assertEquals("10.77.0.1:8443", o.hostHeader());
        assertEquals("/eng", o.path());
        assertEquals("https://10.77.0.1:8443/eng", o.groupAccess());
        final String described = o.describe().toString();
        assertFalse(described.contains("s3cret") || described.contains("123456"), described);
    }

    @Test
    void shouldExpandASourceRangeAndRefuseNonsense()
    {
        assertEquals(4, LoadOptions.sources("10.77.0.2-5").size());
        assertEquals(List.of("/10.0.0.1", "/10.0.0.9"),
            LoadOptions.sources("10.0.0.1,10.0.0.9").stream().map(Object::toString).toList());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--server", "http://x/"}));
        assertThrows(IllegalArgumentException.class,
            () -> LoadOptions.parse(new String[] {"--server", "https://x/", "--ping-target", "192.168.100.1",
                "--bogus", "1"}));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--server", "https://x/"}),
            "pings need a target");
    }

    @Test
    void shouldTakeRisingPlateausUpToTheSessionCountOnly()
    {
        final LoadOptions o = LoadOptions.parse(new String[] {"--server", "https://x/", "--ping-interval", "0",
            "--sessions", "10000", "--plateaus", "1000,5000,10000", "--plateau-hold", "30"});
        assertEquals(List.of(1000, 5000, 10000), o.plateaus());
        assertEquals(30.0, o.plateauHoldSeconds());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.plateaus("5000,1000"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.plateaus("0"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--server", "https://x/",
            "--ping-interval", "0", "--sessions", "100", "--plateaus", "50,200"}), "a plateau beyond --sessions");
    }

    @Test
    void shouldTakeSeveralServersAndReconnectOnLossOnlyWhenAsked()
    {
        final LoadOptions o = LoadOptions.parse(new String[] {"--server",
            "https://192.0.2.21/,https://192.0.2.22:8443/eng", "--ping-interval", "0", "--reconnect-on-loss", "on"});
        assertEquals(2, o.servers().size());
        assertEquals("192.0.2.21", o.hostHeader(), "the first server is the default one");
        assertEquals("192.0.2.22:8443", LoadOptions.hostHeader(o.servers().get(1)));
        assertEquals("https://192.0.2.22:8443/eng", LoadOptions.groupAccess(o.servers().get(1)));
        assertTrue(o.reconnectOnLoss());
        assertFalse(LoadOptions.parse(new String[] {"--server", "https://x/", "--ping-interval", "0"})
            .reconnectOnLoss(), "off unless asked: a lost tunnel is a failure");
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--server",
            "https://192.0.2.21/,http://192.0.2.22/", "--ping-interval", "0"}), "every server must be https");
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--server",
            "https://x/", "--ping-interval", "0", "--reconnect-on-loss", "yes"}));
    }

    @Test
    void shouldTakeAHistoryFileAndReconnectOnLossOnlyWhenAsked()
    {
        final LoadOptions plain = LoadOptions.parse(new String[] {"--server", "https://x/", "--ping-interval", "0"});
        assertEquals(null, plain.history());
        assertFalse(plain.reconnectOnLoss());
        final LoadOptions o = LoadOptions.parse(new String[] {"--server", "https://x/", "--ping-interval", "0",
            "--history", "/tmp/h.jsonl", "--reconnect-on-loss", "on"});
        assertEquals(java.nio.file.Path.of("/tmp/h.jsonl"), o.history());
        assertTrue(o.reconnectOnLoss());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--server", "https://x/",
            "--ping-interval", "0", "--reconnect-on-loss", "yes"}));
    }

    @Test
    void shouldMoveSessionsBetweenServersOnlyWhenAsked()
    {
        assertEquals(0.0, LoadOptions.parse(new String[] {"--server", "https://x/", "--ping-interval", "0"})
            .movePerSecond(), "no session moves unless asked");
        assertEquals(0.5, LoadOptions.parse(new String[] {"--server", "https://192.0.2.21/,https://192.0.2.22/",
            "--ping-interval", "0", "--move", "0.5"}).movePerSecond());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--server", "https://x/",
            "--ping-interval", "0", "--move", "-1"}));
    }
}
