package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.headend.control.auth.radius.MsChapV2;
import org.junit.jupiter.api.Test;

/**
 * The IKEv2 lines: {@code crypto ikev2 enable NAMEIF} and {@code username NAME password P mschap}, which keeps the NT
 * hash EAP-MSCHAPv2 needs beside the PBKDF2 hash, never the clear text.
 */
class Ikev2ConfigTest
{
    @Test
    void shouldKeepTheNtHashOfAnMschapPasswordAndPrintItAsAHashOnly() throws ConfigException
    {
        final String text = "username alice password Wonderland-42 mschap privilege 3\n";
        final UserAccount alice = ConfigLanguageTest.compile(text).user("alice").orElseThrow();
        assertEquals(HexFormat.of().formatHex(MsChapV2.ntPasswordHash("Wonderland-42")), alice.ntHash());
        assertEquals(3, alice.privilege());
        assertTrue(alice.password().matches("Wonderland-42"), "the PBKDF2 hash still checks SSL VPN logins");
        final String running = ConfigLanguageTest.render(text);
        assertTrue(running.contains("nt-encrypted " + alice.ntHash()), running);
        assertFalse(running.contains("Wonderland-42"), running);
        assertEquals(alice.ntHash(), ConfigLanguageTest.compile(running).user("alice").orElseThrow().ntHash(),
            "show running-config reads back to the same hash");
        assertNull(ConfigLanguageTest.compile("username bob password secret-one\n").user("bob").orElseThrow()
            .ntHash(), "no NT hash without mschap");
    }

    @Test
    void shouldRefuseAnNtHashThatIsNotSixteenBytesOfHex()
    {
        final ConfigException bad = assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "username alice password " + PasswordHash.of("x") + " pbkdf2 nt-encrypted 12zz\n"));
        assertTrue(bad.getMessage().contains("32 hex digits"), bad.getMessage());
    }

    @Test
    void shouldEnableIkev2OnANamedInterfaceAndPrintIt() throws ConfigException
    {
        final String text = "crypto ikev2 enable outside client-services port 443\n";
        assertEquals("outside", ConfigLanguageTest.compile(text).globals().ikev2Interface());
        assertTrue(ConfigLanguageTest.render(text).contains("crypto ikev2 enable outside client-services port 443"),
            ConfigLanguageTest.render(text));
        assertNull(ConfigLanguageTest.compile("hostname h\n").globals().ikev2Interface());
    }
}
