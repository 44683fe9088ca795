package org.headend.control.inside;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Set;
import org.headend.control.config.ConfigStore;
import org.headend.control.session.AddressPools;
import org.junit.jupiter.api.Test;

/** Which users' fixed addresses need a host route to the inside device: those outside every pool's subnet. */
class FixedAddressRoutesTest
{
    @Test
    void shouldRouteOnlyTheFixedAddressesNoPoolSubnetCovers() throws Exception
    {
        final ConfigStore store = ConfigStore.embeddedDefault("unused-password");
        store.replace("""
            ip local pool POOL 192.168.100.10-192.168.100.20 mask 255.255.255.0
            username outside password x
            username outside attributes
             vpn-framed-ip-address 10.9.9.9 255.255.255.0
            username insubnet password x
            username insubnet attributes
             vpn-framed-ip-address 192.168.100.200 255.255.255.0
            username plain password x
            """, "test");
        assertEquals(Set.of(ip("10.9.9.9")), InsideInterface.fixedAddressesOutsidePools(store.current()));
    }

    private static int ip(final String text) throws Exception
    {
        return AddressPools.toInt((Inet4Address)InetAddress.getByName(text));
    }
}
