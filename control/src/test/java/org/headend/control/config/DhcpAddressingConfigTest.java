package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code dhcp-network-scope} (group-policy) and {@code dhcp-server} (tunnel-group general-attributes) as the ASA
 * takes them: printed back canonically, inherited from DfltGrpPolicy, {@code none} stops the inheritance, {@code no}
 * removes, bad addresses refused; and {@code dtls port} follows {@code port} when it is not set.
 */
class DhcpAddressingConfigTest
{
    private static final String CONFIG = """
        group-policy DfltGrpPolicy attributes
         dhcp-network-scope 10.60.0.1
        !
        group-policy sales internal
        group-policy sales attributes
         dhcp-network-scope none
        !
        tunnel-group DefaultWEBVPNGroup general-attributes
         dhcp-server 10.78.0.2 10.78.0.3
        !
        """;

    @Test
    void shouldPrintBackCanonicallyAndCompileIntoTheGroupAndPolicy() throws Exception
    {
        final ConfigStore store = ConfigLanguageTest.store(CONFIG);
        final String running = store.runningConfig();
        assertTrue(running.contains("group-policy DfltGrpPolicy attributes\n dhcp-network-scope 10.60.0.1\n"),
            running);
        assertTrue(running.contains("group-policy sales attributes\n dhcp-network-scope none\n"), running);
        assertTrue(running.contains(" dhcp-server 10.78.0.2 10.78.0.3\n"), running);
        assertEquals(running, ConfigLanguageTest.store(running).runningConfig(), "show run loads to itself");

        final HeadendConfig config = store.current();
        assertEquals(List.of(InetAddress.getByName("10.78.0.2"), InetAddress.getByName("10.78.0.3")),
            config.defaultTunnelGroup().dhcpServers());
        assertEquals(List.of(InetAddress.getByName("10.60.0.1")), config.effectivePolicy(
            HeadendConfig.DEFAULT_TUNNEL_GROUP, "nobody", null).get(PolicyAttribute.DHCP_NETWORK_SCOPE),
            "inherited from DfltGrpPolicy");
        assertEquals(List.of(), config.effectivePolicy(HeadendConfig.DEFAULT_TUNNEL_GROUP, "nobody", "sales")
            .get(PolicyAttribute.DHCP_NETWORK_SCOPE), "none: not inherited");
    }

    @Test
    void shouldRemoveBothWithTheirNoFormsAndReplaceTheServerListAsAWhole() throws Exception
    {
        final ConfigStore store = ConfigLanguageTest.store(CONFIG);
        ConfigLanguageTest.type(store, "tunnel-group DefaultWEBVPNGroup general-attributes\n dhcp-server 10.78.0.9");
        assertEquals(List.of(InetAddress.getByName("10.78.0.9")), store.current().defaultTunnelGroup().dhcpServers());
        ConfigLanguageTest.type(store, "tunnel-group DefaultWEBVPNGroup general-attributes\n no dhcp-server");
        ConfigLanguageTest.type(store, "group-policy DfltGrpPolicy attributes\n no dhcp-network-scope");
        assertFalse(store.runningConfig().contains("dhcp-server"), store.runningConfig());
        assertFalse(store.runningConfig().contains("dhcp-network-scope 10.60.0.1"), store.runningConfig());
        assertEquals(List.of(), store.current().defaultTunnelGroup().dhcpServers());
    }

    @Test
    void shouldRefuseAddressesThatCannotBeAServerOrARelay()
    {
        for (final String bad : List.of("0.0.0.0", "224.0.0.5", "255.255.255.255"))
        {
            final ConfigException server = assertThrows(ConfigException.class, () -> ConfigLanguageTest.store(
                "tunnel-group DefaultWEBVPNGroup general-attributes\n dhcp-server " + bad + "\n"));
            assertTrue(server.getMessage().contains("dhcp-server " + bad + " is not a unicast address"),
                server.getMessage());
            final ConfigException scope = assertThrows(ConfigException.class, () -> ConfigLanguageTest.store(
                "group-policy DfltGrpPolicy attributes\n dhcp-network-scope " + bad + "\n"));
            assertTrue(scope.getMessage().contains("is not a unicast address"), scope.getMessage());
        }
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLanguageTest.store(
            "group-policy DfltGrpPolicy attributes\n dhcp-network-scope 127.0.0.1\n")).getMessage()
            .contains("is not a unicast address"), "the loopback cannot be a relay address the server answers");
        final ConfigException twice = assertThrows(ConfigException.class, () -> ConfigLanguageTest.store(
            "tunnel-group DefaultWEBVPNGroup general-attributes\n dhcp-server 10.0.0.1 10.0.0.1\n"));
        assertTrue(twice.getMessage().contains("dhcp-server"), twice.getMessage());
    }

    @Test
    void shouldPutDtlsOnThePortWhenOnlyPortIsSetAndBackAfterNoDtlsPort() throws Exception
    {
        final ConfigStore store = ConfigLanguageTest.store("webvpn\n port 555\n");
        assertEquals(555, store.current().webvpn().dtlsPort(), "the ASA: DTLS listens on port unless dtls port");
        assertFalse(store.runningConfig().contains("dtls port"), "no dtls port line is invented");
        ConfigLanguageTest.type(store, "webvpn\n dtls port 556");
        assertEquals(556, store.current().webvpn().dtlsPort());
        ConfigLanguageTest.type(store, "webvpn\n no dtls port\n port 600");
        assertEquals(600, store.current().webvpn().dtlsPort(), "follows port again");
    }
}
