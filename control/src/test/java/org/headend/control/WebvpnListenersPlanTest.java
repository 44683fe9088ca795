package org.headend.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.HeadendConfig;
import org.junit.jupiter.api.Test;

/** What the webvpn block asks the listeners to be: per enabled interface and address, port and dtls port. */
class WebvpnListenersPlanTest
{
    private static final String INTERFACES = """
        interface veth-out
         nameif outside
         ip address 10.77.0.1 255.255.255.0
         ipv6 address 2001:db8:77::1/64
        interface veth-dmz
         nameif dmz
         ip address 10.88.0.1 255.255.0.0
        interface veth-in
         nameif inside
         ip address 10.99.0.1 255.255.255.0
        """;

    @Test
    void shouldListenOnEveryAddressOfEveryEnabledInterfaceWithDtlsWhereItIsNotTlsOnly() throws Exception
    {
        final WebvpnListeners.Plan plan = WebvpnListeners.plan(config(INTERFACES + """
            webvpn
             enable outside
             enable dmz tls-only
             port 8443
             dtls port 8444
            """));
        final Map<InetSocketAddress, String> tls = new LinkedHashMap<>();
        tls.put(address("10.77.0.1", 8443), "outside");
        tls.put(address("2001:db8:77::1", 8443), "outside");
        tls.put(address("10.88.0.1", 8443), "dmz");
        assertEquals(tls, plan.tls());
        assertEquals(Map.of(address("10.77.0.1", 8444), "outside", address("2001:db8:77::1", 8444), "outside"),
            plan.dtls(), "no DTLS socket on the tls-only interface, and not on the one without enable");
        assertEquals(List.of("10.77.0.1/24", "2001:db8:77:0:0:0:0:1/64", "10.88.0.1/16"), plan.addresses().stream()
            .map(a -> a.address().getHostAddress() + "/" + a.prefix()).toList(),
            "the addresses put on Linux when missing");
        assertEquals(address("10.77.0.1", 8443), plan.firstTls());
    }

    @Test
    void shouldPutTheClusterAddressOnTheEnabledInterfaceWhoseSubnetHoldsIt() throws Exception
    {
        final String webvpn = """
            webvpn
             enable outside
             enable dmz
            vpn load-balancing
             cluster ip address ADDRESS
            """;
        assertEquals("dmz", WebvpnListeners.clusterNameif(config(INTERFACES + webvpn.replace("ADDRESS",
            "10.88.7.100"))), "the ASA asks for the cluster address on the public interface's subnet");
        assertEquals("outside", WebvpnListeners.clusterNameif(config(INTERFACES + webvpn.replace("ADDRESS",
            "10.77.0.100"))));
        assertEquals("outside", WebvpnListeners.clusterNameif(config(INTERFACES + webvpn.replace("ADDRESS",
            "192.0.2.100"))), "on no enabled subnet: the first enabled interface");
        assertEquals(null, WebvpnListeners.clusterNameif(config(INTERFACES + webvpn.replace("ADDRESS",
            "10.99.0.100").replace(" enable outside\n enable dmz\n", ""))), "no enabled interface");
    }

    @Test
    void shouldPutDtlsOnTheTlsPortWithoutADtlsPortLine() throws Exception
    {
        final WebvpnListeners.Plan plan = WebvpnListeners.plan(config(INTERFACES + """
            webvpn
             enable outside
             port 555
            """));
        assertEquals(address("10.77.0.1", 555), plan.dtls().keySet().iterator().next());
    }

    @Test
    void shouldListenNowhereWithoutEnableAndEverywhereWhenNoEnabledInterfaceIsConfigured() throws Exception
    {
        assertEquals(Map.of(), WebvpnListeners.plan(config(INTERFACES + "webvpn\n anyconnect enable\n")).tls(),
            "SSL VPN is enabled on no interface: nobody can log in");
        final WebvpnListeners.Plan wildcard = WebvpnListeners.plan(config("webvpn\n enable outside\n"));
        assertEquals(Map.of(new InetSocketAddress(443), "outside"), wildcard.tls(),
            "the embedded default has enable outside but no interface block: every address");
        assertEquals(List.of(), wildcard.addresses());
    }

    private static HeadendConfig config(final String text) throws Exception
    {
        final ConfigStore store = ConfigStore.embeddedDefault("unused-password");
        store.replace(text, "test");
        return store.current();
    }

    private static InetSocketAddress address(final String host, final int port) throws Exception
    {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }
}
