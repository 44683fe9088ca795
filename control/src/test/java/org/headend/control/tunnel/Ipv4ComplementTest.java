package org.headend.control.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import org.headend.control.config.AclAddress;
import org.junit.jupiter.api.Test;

/**
 * An {@code excludespecified} list as what an IKEv2 client is told to tunnel: every address outside the excluded
 * networks is in exactly one block, none inside them is in any.
 */
class Ipv4ComplementTest
{
    private static AclAddress net(final String address, final int prefix) throws Exception
    {
        return new AclAddress(InetAddress.getByName(address), prefix, 4);
    }

    private static List<String> text(final List<AclAddress> blocks)
    {
        return blocks.stream().map(b -> b.network().getHostAddress() + "/" + b.prefixLength()).toList();
    }

    private static long covering(final List<AclAddress> blocks, final long address)
    {
        return blocks.stream().filter(b -> contains(b, address)).count();
    }

    private static boolean contains(final AclAddress block, final long address)
    {
        final byte[] a = block.network().getAddress();
        final long start = (a[0] & 0xFFL) << 24 | (a[1] & 0xFFL) << 16 | (a[2] & 0xFFL) << 8 | a[3] & 0xFFL;
        return address >= start && address < start + (1L << 32 - block.prefixLength());
    }

    @Test
    void shouldTellEverythingButOneHalfAsTheOtherHalf() throws Exception
    {
        assertEquals(List.of("0.0.0.0/1"), text(Ipv4Complement.of(List.of(net("128.0.0.0", 1)), 32)));
        assertEquals(List.of(), Ipv4Complement.of(List.of(net("0.0.0.0", 0)), 32), "nothing is left to tunnel");
        assertEquals(List.of("0.0.0.0/0"), text(Ipv4Complement.of(List.of(), 32)), "nothing excluded: all");
    }

    @Test
    void shouldCutAHomeLanOutOfTheAddressSpaceInTwentyFourBlocks() throws Exception
    {
        final List<AclAddress> blocks = Ipv4Complement.of(List.of(net("192.168.1.0", 24)), 32);
        assertEquals(24, blocks.size(), text(blocks).toString());
        assertEquals("0.0.0.0/1", text(blocks).get(0));
        assertTrue(text(blocks).contains("192.168.0.0/24") && text(blocks).contains("192.168.2.0/23"),
            text(blocks).toString());
        assertEquals(0, covering(blocks, 0xC0A8_0105L), "192.168.1.5 stays outside the tunnel");
        assertEquals(1, covering(blocks, 0xC0A8_0005L), "192.168.0.5 goes through it");
        assertEquals(1, covering(blocks, 0x0A00_0001L), "10.0.0.1 goes through it");
    }

    @Test
    void shouldCoverEveryOtherAddressExactlyOnceWhenSeveralNetworksOverlap() throws Exception
    {
        final List<AclAddress> excluded = List.of(net("10.0.0.0", 8), net("10.1.2.0", 24), net("172.16.0.0", 12),
            net("192.168.77.12", 30), net("255.255.255.255", 32));
        final List<AclAddress> blocks = Ipv4Complement.of(excluded, 256);
        final Random random = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            final long address = random.nextLong() & 0xFFFF_FFFFL;
            final boolean out = excluded.stream().anyMatch(e -> contains(e, address));
            assertEquals(out ? 0 : 1, covering(blocks, address), Long.toHexString(address));
        }
        for (final long edge : new long[] {0x0A00_0000L, 0x0AFF_FFFFL, 0x09FF_FFFFL, 0x0B00_0000L, 0xC0A8_4D0CL,
            0xC0A8_4D0FL, 0xC0A8_4D0BL, 0xC0A8_4D10L, 0xFFFF_FFFFL, 0xFFFF_FFFEL})
        {
            final boolean out = excluded.stream().anyMatch(e -> contains(e, edge));
            assertEquals(out ? 0 : 1, covering(blocks, edge), Long.toHexString(edge));
        }
    }

    @Test
    void shouldGiveUpWhenTheListNeedsMoreBlocksThanTheLimit() throws Exception
    {
        assertNull(Ipv4Complement.of(List.of(net("192.168.1.0", 24), net("10.9.9.9", 32)), 32),
            "24 + 32 blocks: more than a client is told");
    }
}
