package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The session limits a user may carry himself, and {@code http redirect}: parsed, printed, compiled, removed. */
class TimersAndRedirectConfigTest
{
    private static final String CONFIG = """
        interface eth0
         nameif outside
         ip address 10.77.0.1 255.255.255.0
        username lee password x
        username lee attributes
         vpn-simultaneous-logins 1
         vpn-idle-timeout none
         vpn-session-timeout 120
        http redirect outside 80
        """;

    @Test
    void shouldTakeTheTimersAtTheUserLevelAndPrintThemBack() throws ConfigException
    {
        final String shown = ConfigLanguageTest.render(CONFIG);
        assertTrue(shown.contains("""
            username lee attributes
             vpn-simultaneous-logins 1
             vpn-idle-timeout none
             vpn-session-timeout 120
            """), shown);
        final PolicyAttributes lee = ConfigLanguageTest.compile(CONFIG).users().get("lee").attributes();
        assertEquals(1, lee.get(PolicyAttribute.VPN_SIMULTANEOUS_LOGINS));
        assertEquals(0, lee.get(PolicyAttribute.VPN_IDLE_TIMEOUT), "none is stored as 0, and it is set");
        assertTrue(lee.isSet(PolicyAttribute.VPN_IDLE_TIMEOUT));
        assertEquals(120, lee.get(PolicyAttribute.VPN_SESSION_TIMEOUT));
    }

    @Test
    void shouldRefuseAnIdleTimeoutOfZeroMinutes()
    {
        final ConfigException error = assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "username lee password x\nusername lee attributes\n vpn-idle-timeout 0\n"));
        assertEquals(3, error.line(), error.getMessage());
    }

    @Test
    void shouldCompileHttpRedirectAndPrintTheDefaultPortWhenNoneWasTyped() throws ConfigException
    {
        assertEquals(List.of(new HttpRedirect("outside", 80)),
            ConfigLanguageTest.compile(CONFIG).globals().httpRedirects());
        final String bare = CONFIG.replace("http redirect outside 80", "http redirect outside");
        assertTrue(ConfigLanguageTest.render(bare).contains("\nhttp redirect outside 80\n"),
            ConfigLanguageTest.render(bare));
        assertEquals(List.of(new HttpRedirect("outside", 8080)), ConfigLanguageTest.compile(
            CONFIG.replace("redirect outside 80", "redirect outside 8080")).globals().httpRedirects());
    }

    @Test
    void shouldReplaceTheRedirectOfAnInterfaceAndRemoveItWithTheNoForm() throws ConfigException
    {
        final ConfigStore store = ConfigLanguageTest.store(CONFIG);
        ConfigLanguageTest.type(store, "http redirect outside 8080");
        assertEquals(List.of(new HttpRedirect("outside", 8080)), store.current().globals().httpRedirects());
        assertFalse(store.runningConfig().contains("http redirect outside 80\n"), store.runningConfig());
        ConfigLanguageTest.type(store, "no http redirect outside");
        assertEquals(List.of(), store.current().globals().httpRedirects());
        assertFalse(store.runningConfig().contains("http redirect"), store.runningConfig());
    }

    @Test
    void shouldRefuseAPortOutOfRange()
    {
        final ConfigException error = assertThrows(ConfigException.class,
            () -> ConfigLanguageTest.compile("http redirect outside 70000\n"));
        assertEquals(1, error.line(), error.getMessage());
    }
}
