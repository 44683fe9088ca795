package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code secondary-authentication-server-group NAME [LOCAL] [use-primary-username]}, as the ASA writes it. */
class SecondaryAuthenticationConfigTest
{
    private static final String GROUP = "aaa-server RAD protocol radius\n"
        + "tunnel-group DefaultWEBVPNGroup general-attributes\n";

    @Test
    void shouldReadEachFormAndBeOffUnlessConfigured() throws ConfigException
    {
        assertNull(ConfigLanguageTest.compile(GROUP).defaultTunnelGroup().secondaryAuthentication());
        assertEquals(new SecondaryAuthentication("RAD", false, false), ConfigLanguageTest.compile(GROUP
            + " secondary-authentication-server-group RAD\n").defaultTunnelGroup().secondaryAuthentication());
        assertEquals(new SecondaryAuthentication("RAD", true, true), ConfigLanguageTest.compile(GROUP
            + " secondary-authentication-server-group RAD LOCAL use-primary-username\n").defaultTunnelGroup()
            .secondaryAuthentication());
        assertEquals(new SecondaryAuthentication("LOCAL", false, true), ConfigLanguageTest.compile(GROUP
            + " secondary-authentication-server-group LOCAL use-primary-username\n").defaultTunnelGroup()
            .secondaryAuthentication());
    }

    @Test
    void shouldRenderWhatItReadsAndRefuseAnUnknownGroup() throws ConfigException
    {
        final String shown = ConfigLanguageTest.render(GROUP
            + " secondary-authentication-server-group RAD LOCAL use-primary-username\n");
        assertTrue(shown.contains("\n secondary-authentication-server-group RAD LOCAL use-primary-username\n"), shown);
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(GROUP
            + " secondary-authentication-server-group NOSUCH\n"));
    }
}
