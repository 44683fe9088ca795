package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code dynamic-authorization [port N]} in an {@code aaa-server NAME protocol radius} group, as the ASA writes it. */
class DynamicAuthorizationConfigTest
{
    private static AaaServerGroup group(final String line) throws ConfigException
    {
        return ConfigLanguageTest.compile("aaa-server RAD protocol radius\n" + line).aaaServer("RAD").orElseThrow();
    }

    @Test
    void shouldBeOffUnlessConfiguredAndListenOn3799ByDefault() throws ConfigException
    {
        assertEquals(0, group("").dynamicAuthorizationPort());
        assertEquals(3799, group(" dynamic-authorization\n").dynamicAuthorizationPort());
        assertEquals(1700, group(" dynamic-authorization port 1700\n").dynamicAuthorizationPort());
    }

    @Test
    void shouldRenderWhatItReads() throws ConfigException
    {
        final String bare = ConfigLanguageTest.render("aaa-server RAD protocol radius\n dynamic-authorization\n");
        assertTrue(bare.contains("aaa-server RAD protocol radius\n dynamic-authorization\n"), bare);
        final String port = ConfigLanguageTest.render(
            "aaa-server RAD protocol radius\n dynamic-authorization port 1700\n");
        assertTrue(port.contains("\n dynamic-authorization port 1700\n"), port);
    }

    @Test
    void shouldRefuseItForLdapAndPortsOutOfRange()
    {
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "aaa-server DIR protocol ldap\n dynamic-authorization\n"));
        assertThrows(ConfigException.class, () -> group(" dynamic-authorization port 0\n"));
        assertThrows(ConfigException.class, () -> group(" dynamic-authorization port 65536\n"));
    }
}
