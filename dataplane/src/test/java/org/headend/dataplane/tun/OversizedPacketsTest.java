package org.headend.dataplane.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.offload.PacketConsumer;
import org.headend.dataplane.wire.InternetChecksum;
import org.junit.jupiter.api.Test;

/** An inside packet longer than its tunnel's MTU: fragments, or ICMP "fragmentation needed" / "packet too big". */
class OversizedPacketsTest
{
    private static final int SERVER = 0x0A_00_00_05;
    private static final int CLIENT = 0xC0_A8_64_0A;
    private static final int MTU = 1200;

    private final DataplaneCounters counters = new DataplaneCounters();
    private final OversizedPackets oversized = new OversizedPackets(counters);
    private final List<byte[]> toTunnel = new ArrayList<>();
    private final List<byte[]> toInside = new ArrayList<>();
    private final PacketConsumer tunnel = (b, o, l) -> toTunnel.add(copy(b, o, l));
    private final PacketConsumer inside = (b, o, l) -> toInside.add(copy(b, o, l));

    @Test
    void shouldAnswerADfPacketWithFragmentationNeededFromTheClientAddressWhenDfIsHonoured()
    {
        final byte[] packet = ipv4(SERVER, CLIENT, 1300, true, 17);

        oversized.handle(new UnsafeBuffer(packet), 0, packet.length, MTU, false, tunnel, inside);

        assertEquals(0, toTunnel.size(), "nothing reaches the client");
        assertEquals(1, toInside.size());
        final ByteBuffer icmp = ByteBuffer.wrap(toInside.get(0)).order(ByteOrder.BIG_ENDIAN);
        assertEquals(576, icmp.limit(), "as much of the packet as fits in 576 bytes");
        assertEquals(576, icmp.getShort(2) & 0xFFFF);
        assertEquals(1, icmp.get(9), "ICMP");
        assertEquals(CLIENT, icmp.getInt(12), "from the hop that could not take it");
        assertEquals(SERVER, icmp.getInt(16), "to the sender");
        assertEquals(0, checksum(icmp.array(), 0, 20), "IP header checksum");
        assertEquals(3, icmp.get(20), "destination unreachable");
        assertEquals(4, icmp.get(21), "fragmentation needed and DF set");
        assertEquals(MTU, icmp.getShort(26) & 0xFFFF, "next-hop MTU");
        assertEquals(0, checksum(icmp.array(), 20, 576 - 20), "ICMP checksum");
        final byte[] quoted = new byte[548];
        System.arraycopy(icmp.array(), 28, quoted, 0, 548);
        final byte[] original = new byte[548];
        System.arraycopy(packet, 0, original, 0, 548);
        assertArrayEquals(original, quoted, "the original header and data are quoted");
        assertEquals(1, counters.get(DataplaneCounter.OVERSIZED_TOO_BIG_SENT));
    }

    @Test
    void shouldFragmentADfPacketWithDfBitIgnoreAndTheFragmentsReassembleToTheOriginal()
    {
        final byte[] packet = ipv4(SERVER, CLIENT, 3000, true, 17);

        oversized.handle(new UnsafeBuffer(packet), 0, packet.length, MTU, true, tunnel, inside);

        assertEquals(0, toInside.size(), "no ICMP answer");
        assertEquals(3, toTunnel.size(), "3000 bytes in fragments of at most 1200");
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < toTunnel.size(); i++)
        {
            final ByteBuffer fragment = ByteBuffer.wrap(toTunnel.get(i)).order(ByteOrder.BIG_ENDIAN);
            assertTrue(fragment.limit() <= MTU, "fragment " + i + " fits the tunnel");
            assertEquals(fragment.limit(), fragment.getShort(2) & 0xFFFF, "total length");
            final int flags = fragment.getShort(6) & 0xFFFF;
            assertEquals(0, flags & 0x4000, "DF cleared");
            assertEquals(i < 2, (flags & 0x2000) != 0, "MF on all but the last");
            assertEquals(data.size(), (flags & 0x1FFF) * 8, "offset continues where the previous ended");
            assertEquals(packet[4] << 8 | packet[5] & 0xFF, fragment.getShort(4), "same identification");
            assertEquals(0, checksum(fragment.array(), 0, 20), "header checksum");
            data.write(fragment.array(), 20, fragment.limit() - 20);
        }
        final byte[] payload = new byte[packet.length - 20];
        System.arraycopy(packet, 20, payload, 0, payload.length);
        assertArrayEquals(payload, data.toByteArray());
        assertEquals(1, counters.get(DataplaneCounter.OVERSIZED_FRAGMENTED));
    }

    @Test
    void shouldFragmentAPacketWithoutDfWhateverTheSetting()
    {
        final byte[] packet = ipv4(SERVER, CLIENT, 1300, false, 17);

        oversized.handle(new UnsafeBuffer(packet), 0, packet.length, MTU, false, tunnel, inside);

        assertEquals(2, toTunnel.size());
        assertEquals(0, toInside.size());
        assertEquals(1196, toTunnel.get(0).length, "20 + 1176: the data of a fragment is a multiple of 8");
        assertEquals(20 + 1280 - 1176, toTunnel.get(1).length);
    }

    @Test
    void shouldKeepOnlyCopiedOptionsInLaterFragments()
    {
        // header with a security option (type 130, copied) and a record-route (type 7, not copied): 20 + 12 + 8
        final byte[] packet = ipv4(SERVER, CLIENT, 1500, false, 17);
        final byte[] withOptions = new byte[1500 + 20];
        System.arraycopy(packet, 0, withOptions, 0, 20);
        final byte[] options = {(byte)130, 11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 7, 7, 4, 0, 0, 0, 0, 0, 0};
        System.arraycopy(options, 0, withOptions, 20, options.length);
        System.arraycopy(packet, 20, withOptions, 40, 1480);
        withOptions[0] = 0x4A;
        ByteBuffer.wrap(withOptions).putShort(2, (short)withOptions.length);
        fixHeaderChecksum(withOptions, 40);

        oversized.handle(new UnsafeBuffer(withOptions), 0, withOptions.length, MTU, false, tunnel, inside);

        assertEquals(2, toTunnel.size());
        assertEquals(0x4A, toTunnel.get(0)[0], "the first fragment keeps every option");
        assertEquals(0x48, toTunnel.get(1)[0], "later ones keep the 11-byte copied option, padded to 12");
        assertEquals((byte)130, toTunnel.get(1)[20]);
        assertEquals(0, checksum(toTunnel.get(1), 0, 32));
        assertEquals(1480, toTunnel.get(0).length - 40 + toTunnel.get(1).length - 32, "all the data");
    }

    @Test
    void shouldNeverAnswerAnIcmpErrorOrANonUnicastSource()
    {
        final byte[] unreachable = ipv4(SERVER, CLIENT, 1300, true, 1);
        unreachable[20] = 3;
        final byte[] multicastSource = ipv4(0xE0_00_00_01, CLIENT, 1300, true, 17);

        oversized.handle(new UnsafeBuffer(unreachable), 0, unreachable.length, MTU, false, tunnel, inside);
        oversized.handle(new UnsafeBuffer(multicastSource), 0, multicastSource.length, MTU, false, tunnel, inside);

        assertEquals(0, toInside.size());
        assertEquals(0, toTunnel.size());
        assertEquals(2, counters.get(DataplaneCounter.OVERSIZED_DROPS));
    }

    @Test
    void shouldAnswerAnEchoRequestWithDf()
    {
        final byte[] ping = ipv4(SERVER, CLIENT, 1300, true, 1);
        ping[20] = 8;

        oversized.handle(new UnsafeBuffer(ping), 0, ping.length, MTU, false, tunnel, inside);

        assertEquals(1, toInside.size());
    }

    @Test
    void shouldAnswerIpv6WithPacketTooBigWithAValidChecksum()
    {
        final byte[] packet = new byte[1400];
        final ByteBuffer b = ByteBuffer.wrap(packet);
        b.putInt(0, 0x6000_0000).putShort(4, (short)(1400 - 40));
        packet[6] = 17;
        packet[7] = 64;
        b.putLong(8, 0x2001_0db8_0000_0001L).putLong(16, 5);
        b.putLong(24, 0xfd00_0000_0000_0064L).putLong(32, 10);

        oversized.handle(new UnsafeBuffer(packet), 0, packet.length, 1300, true, tunnel, inside);

        assertEquals(0, toTunnel.size(), "IPv6 is never fragmented on the way");
        assertEquals(1, toInside.size());
        final byte[] answer = toInside.get(0);
        final ByteBuffer a = ByteBuffer.wrap(answer);
        assertEquals(1280, answer.length);
        assertEquals(58, answer[6]);
        assertEquals(0xfd00_0000_0000_0064L, a.getLong(8), "from the client's address");
        assertEquals(0x2001_0db8_0000_0001L, a.getLong(24), "to the sender");
        assertEquals(2, answer[40], "packet too big");
        assertEquals(1300, a.getInt(44));
        long sum = InternetChecksum.add(new UnsafeBuffer(answer), 8, 32, 0) + (1280 - 40) + 58;
        sum = InternetChecksum.add(new UnsafeBuffer(answer), 40, 1280 - 40, sum);
        assertEquals(0, InternetChecksum.finish(sum), "ICMPv6 checksum over the pseudo-header");
    }

    @Test
    void shouldAllocateNothingPerPacket()
    {
        final UnsafeBuffer df = new UnsafeBuffer(ByteBuffer.allocateDirect(1400));
        df.putBytes(0, ipv4(SERVER, CLIENT, 1400, true, 17));
        final long[] bytes = new long[1];
        final PacketConsumer count = (b, o, l) -> bytes[0] += l;
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        run(df, count, 200_000);
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 5 && allocated != 0; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            run(df, count, 1_000_000);
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertEquals(0, allocated, "bytes allocated fragmenting and answering 1M packets");
        assertTrue(bytes[0] > 0);
    }

    private void run(final MutableDirectBuffer packet, final PacketConsumer sink, final int packets)
    {
        for (int i = 0; i < packets; i++)
        {
            oversized.handle(packet, 0, 1400, MTU, (i & 1) == 0, sink, sink);
        }
    }

    private static byte[] ipv4(final int source, final int destination, final int length, final boolean df,
        final int protocol)
    {
        final byte[] packet = new byte[length];
        final ByteBuffer b = ByteBuffer.wrap(packet);
        b.put(0, (byte)0x45).putShort(2, (short)length).putShort(4, (short)0x1234)
            .putShort(6, (short)(df ? 0x4000 : 0)).put(8, (byte)63).put(9, (byte)protocol)
            .putInt(12, source).putInt(16, destination);
        for (int i = 20; i < length; i++)
        {
            packet[i] = (byte)(i * 7);
        }
        fixHeaderChecksum(packet, 20);
        return packet;
    }

    private static void fixHeaderChecksum(final byte[] packet, final int headerLength)
    {
        final ByteBuffer b = ByteBuffer.wrap(packet);
        b.putShort(10, (short)0);
        b.putShort(10, (short)InternetChecksum.finish(InternetChecksum.add(new UnsafeBuffer(packet), 0, headerLength,
            0)));
    }

    /** 0 when the checksum over the range is right. */
    private static int checksum(final byte[] bytes, final int offset, final int length)
    {
        return InternetChecksum.finish(InternetChecksum.add(new UnsafeBuffer(bytes), offset, length, 0));
    }

    private static byte[] copy(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }
}
