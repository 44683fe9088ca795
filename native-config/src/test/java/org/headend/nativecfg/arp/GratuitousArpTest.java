package org.headend.nativecfg.arp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import org.headend.nativecfg.Commands;
import org.headend.nativecfg.TestNamespace;
import org.headend.nativecfg.netns.NetworkNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class GratuitousArpTest
{
    @Test
    void aNeighbourMovesTheAddressToTheAnnouncingInterface() throws Exception
    {
        assumeTrue(Commands.canConfigureNetwork(), "needs root and iproute2");
        final Inet4Address moved = (Inet4Address)InetAddress.getByName("10.9.0.5");
        try (TestNamespace ns = TestNamespace.create("garp"))
        {
            ns.ip("link", "add", "garp0", "address", "02:00:00:00:0a:01", "type", "veth", "peer", "name", "garp1");
            ns.ip("link", "set", "garp0", "up");
            ns.ip("link", "set", "garp1", "up");
            ns.ip("addr", "add", "10.9.0.2/24", "dev", "garp1");
            // the neighbour still believes the address is at the host that held it before
            ns.ip("neigh", "replace", "10.9.0.5", "lladdr", "02:00:00:00:0b:99", "dev", "garp1", "nud", "stale");

            try (NetworkNamespace _ = ns.enter())
            {
                GratuitousArp.announce("garp0", moved);
            }

            String entry = "";
            for (int i = 0; i < 50 && !entry.contains("02:00:00:00:0a:01"); i++)
            {
                Thread.sleep(20);
                entry = ns.ip("neigh", "show", "10.9.0.5", "dev", "garp1");
            }
            assertTrue(entry.contains("lladdr 02:00:00:00:0a:01"), entry);
        }
    }

    @Test
    void anInterfaceWithoutArpIsRefusedClearly() throws Exception
    {
        assumeTrue(Commands.canConfigureNetwork(), "needs root and iproute2");
        try (TestNamespace ns = TestNamespace.create("garp");
            NetworkNamespace _ = ns.enter())
        {
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> GratuitousArp.announce("lo", (Inet4Address)InetAddress.getByName("127.0.0.2")));
            assertTrue(refused.getMessage().contains("lo is not an Ethernet interface"), refused.getMessage());
        }
    }

    @Test
    void theAnnouncementAsksForItsOwnAddress()
    {
        final byte[] mac = HexFormat.of().parseHex("020000000a01");
        final byte[] arp = GratuitousArp.packet(mac, new byte[]{ 10, 9, 0, 5 });
        assertArrayEquals(HexFormat.of().parseHex("0001" + "0800" + "06" + "04" + "0001" + "020000000a01" + "0a090005"
            + "000000000000" + "0a090005"), arp);
    }
}
