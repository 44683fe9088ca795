package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Item 2 of issue 5: access lists, split tunnel, DNS and banner settings parse, print back and compile. */
class SplitTunnelConfigTest
{
    static final String CONFIG = """
        access-list SPLIT standard permit 10.10.0.0 255.255.0.0
        access-list SPLIT standard permit host 172.16.5.5
        access-list SPLIT standard deny 10.10.9.0 255.255.255.0
        access-list SPLIT extended permit ip 2001:db8:2::/48 any6
        access-list SPLIT extended permit ip any host 192.0.2.9
        !
        group-policy corp internal
        group-policy corp attributes
         banner value Authorized use only
         banner value 100% monitored
         dns-server value 10.10.0.53 2001:db8:2::53
         default-domain value corp.example
         split-tunnel-policy tunnelspecified
         split-tunnel-network-list value SPLIT
         split-tunnel-all-dns disable
         split-dns value corp.example lab.corp.example
        """;

    @Test
    void shouldPrintTheSplitTunnelCommandsBackAsTyped() throws ConfigException
    {
        assertEquals(CONFIG, ConfigLanguageTest.render(CONFIG));
    }

    @Test
    void shouldCompileAccessListsInOrderWithTheirNetworks() throws Exception
    {
        final HeadendConfig config = ConfigLanguageTest.compile(CONFIG);
        final List<AccessListEntry> split = config.accessLists().get("SPLIT");
        assertEquals(5, split.size());
        assertEquals(new AclAddress(InetAddress.getByName("10.10.0.0"), 16, 4), split.get(0).splitNetwork());
        assertEquals(new AclAddress(InetAddress.getByName("172.16.5.5"), 32, 4), split.get(1).splitNetwork());
        assertNull(split.get(2).splitNetwork(), "a deny entry adds no network");
        assertEquals(new AclAddress(InetAddress.getByName("2001:db8:2::"), 48, 6), split.get(3).splitNetwork());
        assertEquals(new AclAddress(InetAddress.getByName("192.0.2.9"), 32, 4), split.get(4).splitNetwork(),
            "with an any source the destination names the network");
    }

    @Test
    void shouldCompileTheDnsAndSplitSettingsOfTheGroupPolicy() throws Exception
    {
        final EffectivePolicy corp = ConfigLanguageTest.compile(CONFIG + """
            tunnel-group T type remote-access
            tunnel-group T general-attributes
             default-group-policy corp
            """).effectivePolicy("T", null);
        assertEquals(List.of(InetAddress.getByName("10.10.0.53"), InetAddress.getByName("2001:db8:2::53")),
            corp.get(PolicyAttribute.DNS_SERVER));
        assertEquals(List.of("corp.example", "lab.corp.example"), corp.get(PolicyAttribute.SPLIT_DNS));
        assertEquals(false, corp.get(PolicyAttribute.SPLIT_TUNNEL_ALL_DNS));
        assertEquals(SplitTunnelPolicy.TUNNELSPECIFIED, corp.get(PolicyAttribute.SPLIT_TUNNEL_POLICY));
        assertEquals(List.of("Authorized use only", "100% monitored"), corp.get(PolicyAttribute.BANNER));
    }

    @Test
    void shouldLetNoRemoveOneAccessListEntry() throws ConfigException
    {
        final ConfigStore store = ConfigLanguageTest.store(CONFIG);
        ConfigLanguageTest.type(store, "no access-list SPLIT standard permit host 172.16.5.5");
        assertEquals(4, store.current().accessLists().get("SPLIT").size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "access-list A standard permit 2001:db8::/32|use an extended one for IPv6",
        "access-list A standard permit 10.0.0.0|needs a mask",
        "access-list A standard permit 10.0.0.0 255.0.255.0|not a valid mask",
        "access-list A standard permit host|host needs an address",
        "access-list A extended permit ip 10.0.0.0 255.0.0.0 2001:db8::/32|different address families",
        "access-list A extended permit ip any|an address is missing",
        "access-list A extended permit ip any any extra|unexpected 'extra'",
        "access-list A extended permit ip 2001:db8::/129 any6|out of range",
    })
    void shouldRefuseMalformedAccessListEntriesWithTheReason(final String line, final String reason)
    {
        final ConfigException error = assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(line + "\n"));
        assertEquals(1, error.line(), error.getMessage());
        assertTrue(error.reason().contains(reason), error.getMessage());
    }
}
