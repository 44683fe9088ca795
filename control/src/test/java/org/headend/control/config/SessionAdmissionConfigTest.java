package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/**
 * {@code vpn-framed-ip-address} in {@code username NAME attributes} and {@code vpn-sessiondb
 * max-anyconnect-premium-or-essentials-limit}: parsed, printed back, compiled, removed with the no form.
 */
class SessionAdmissionConfigTest
{
    private static final String CONFIG = """
        ip local pool POOL 192.168.100.10-192.168.100.250 mask 255.255.255.0
        username lee password x
        username lee attributes
         vpn-framed-ip-address 192.168.101.7 255.255.255.0
        vpn-sessiondb max-anyconnect-premium-or-essentials-limit 250
        """;

    @Test
    void shouldCompileAUsersFixedAddressAndPrintItBack() throws Exception
    {
        final String shown = ConfigLanguageTest.render(CONFIG);
        assertTrue(shown.contains("username lee attributes\n vpn-framed-ip-address 192.168.101.7 255.255.255.0\n"),
            shown);
        final FramedAddress lee = ConfigLanguageTest.compile(CONFIG).users().get("lee").attributes()
            .get(PolicyAttribute.VPN_FRAMED_IP_ADDRESS);
        assertEquals(InetAddress.getByName("192.168.101.7"), lee.address());
        assertEquals(InetAddress.getByName("255.255.255.0"), lee.mask());
        assertEquals("192.168.101.7 255.255.255.0", lee.toString());
    }

    @Test
    void shouldGiveTheUserNoFixedAddressByDefaultOrAfterTheNoForm() throws Exception
    {
        final ConfigStore store = ConfigLanguageTest.store(CONFIG);
        ConfigLanguageTest.type(store, "username lee attributes\n no vpn-framed-ip-address");
        assertEquals(FramedAddress.NONE, store.current().effectivePolicy(HeadendConfig.DEFAULT_TUNNEL_GROUP, "lee")
            .get(PolicyAttribute.VPN_FRAMED_IP_ADDRESS));
        assertFalse(store.runningConfig().contains("vpn-framed-ip-address"), store.runningConfig());
    }

    @Test
    void shouldRefuseTheNetworkOrBroadcastAddressOfTheMaskAndANonContiguousMask()
    {
        for (final String bad : new String[] {"192.168.101.0 255.255.255.0", "192.168.101.255 255.255.255.0",
            "192.168.101.7 255.0.255.0"})
        {
            final ConfigException error = assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
                "username lee password x\nusername lee attributes\n vpn-framed-ip-address " + bad + "\n"), bad);
            assertEquals(3, error.line(), error.getMessage());
        }
    }

    @Test
    void shouldTakeAHostAddressWithAThirtyTwoBitMask() throws Exception
    {
        final FramedAddress fixed = ConfigLanguageTest.compile(
            "username lee password x\nusername lee attributes\n vpn-framed-ip-address 10.9.9.9 255.255.255.255\n")
            .users().get("lee").attributes().get(PolicyAttribute.VPN_FRAMED_IP_ADDRESS);
        assertEquals(InetAddress.getByName("10.9.9.9"), fixed.address());
    }

    @Test
    void shouldCompileTheSessionLimitAndDropItWithTheNoForm() throws Exception
    {
        assertEquals(0, ConfigLanguageTest.compile("hostname h\n").globals().sessionLimit(), "no limit by default");
        final ConfigStore store = ConfigLanguageTest.store(CONFIG);
        assertEquals(250, store.current().globals().sessionLimit());
        assertTrue(store.runningConfig().contains("\nvpn-sessiondb max-anyconnect-premium-or-essentials-limit 250\n"),
            store.runningConfig());
        ConfigLanguageTest.type(store, "vpn-sessiondb max-anyconnect-premium-or-essentials-limit 2");
        assertEquals(2, store.current().globals().sessionLimit());
        ConfigLanguageTest.type(store, "no vpn-sessiondb max-anyconnect-premium-or-essentials-limit");
        assertEquals(0, store.current().globals().sessionLimit());
    }

    @Test
    void shouldRefuseASessionLimitOfZero()
    {
        final ConfigException error = assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "vpn-sessiondb max-anyconnect-premium-or-essentials-limit 0\n"));
        assertEquals(1, error.line(), error.getMessage());
    }
}
