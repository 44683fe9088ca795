package org.headend.dataplane.offload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.dataplane.wire.InternetChecksum;
import org.junit.jupiter.api.Test;

class TcpOffloadTest
{
    private static final int CLIENT = 0xC0A8640A;
    private static final int SERVER = 0xC0A86401;
    private static final byte[] TIMESTAMPS = {1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9};

    private final List<byte[]> written = new ArrayList<>();
    private final TcpCoalescer coalescer = new TcpCoalescer((buffer, offset, length) ->
    {
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        written.add(copy);
        return true;
    });

    @Test
    void shouldJoinConsecutiveSegmentsIntoOneSuperPacketAndCutItBackIntoTheSamePackets()
    {
        final List<byte[]> segments = flow(1000, 40000, 443, 5, 1348, 7);
        for (final byte[] segment : segments)
        {
            assertTrue(coalescer.offer(new UnsafeBuffer(segment), 0, segment.length));
        }
        coalescer.flush();
        assertEquals(1, written.size());
        final UnsafeBuffer superPacket = new UnsafeBuffer(written.get(0));
        assertEquals(VirtioNetHeader.GSO_TCPV4, VirtioNetHeader.gsoType(superPacket, 0));
        assertEquals(1348, VirtioNetHeader.gsoSize(superPacket, 0));
        assertEquals(20, VirtioNetHeader.csumStart(superPacket, 0));
        assertEquals(16, VirtioNetHeader.csumOffset(superPacket, 0));
        assertEquals(20 + 32 + 5 * 1348, superPacket.getShort(10 + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF);
        assertEquals(4, coalescer.merged());

        final List<byte[]> cut = new ArrayList<>();
        final int n = new TcpSegmenter().split(superPacket, 0, written.get(0).length, (b, o, l) ->
        {
            final byte[] copy = new byte[l];
            b.getBytes(o, copy);
            cut.add(copy);
        });
        assertEquals(5, n);
        for (int i = 0; i < 5; i++)
        {
            assertArrayEquals(segments.get(i), cut.get(i), "segment " + i);
        }
    }

    @Test
    void shouldWriteALoneSegmentUnchangedWithAPlainHeader()
    {
        final byte[] segment = flow(1, 40000, 443, 1, 500, 0).get(0);
        coalescer.offer(new UnsafeBuffer(segment), 0, segment.length);
        coalescer.flush();
        assertEquals(1, written.size());
        final byte[] expected = new byte[10 + segment.length];
        System.arraycopy(segment, 0, expected, 10, segment.length);
        assertArrayEquals(expected, written.get(0));
    }

    @Test
    void shouldNotReorderAConnectionAroundAPacketThatCannotJoin()
    {
        final List<byte[]> segments = flow(1, 40000, 443, 2, 1000, 0);
        final byte[] udp = udp(CLIENT, SERVER, 53);
        coalescer.offer(new UnsafeBuffer(segments.get(0)), 0, segments.get(0).length);
        coalescer.offer(new UnsafeBuffer(udp), 0, udp.length);
        coalescer.offer(new UnsafeBuffer(segments.get(1)), 0, segments.get(1).length);
        coalescer.flush();
        assertEquals(3, written.size());
        assertEquals(6, written.get(0)[10 + 9], "the TCP segment first");
        assertEquals(17, written.get(1)[10 + 9], "then the UDP packet");
        assertEquals(6, written.get(2)[10 + 9]);
    }

    @Test
    void shouldStartAgainAfterASequenceGapAndKeepConnectionsApart()
    {
        final List<byte[]> a = flow(1, 40000, 443, 3, 1000, 0);
        final List<byte[]> b = flow(5000, 40001, 443, 2, 1000, 0);
        for (int i = 0; i < 2; i++)
        {
            coalescer.offer(new UnsafeBuffer(a.get(i)), 0, a.get(i).length);
            coalescer.offer(new UnsafeBuffer(b.get(i)), 0, b.get(i).length);
        }
        coalescer.flush();
        assertEquals(2, written.size(), "one super-packet per connection");
        written.clear();
        coalescer.offer(new UnsafeBuffer(a.get(0)), 0, a.get(0).length);
        coalescer.offer(new UnsafeBuffer(a.get(2)), 0, a.get(2).length);
        coalescer.flush();
        assertEquals(2, written.size(), "a gap ends the run");
    }

    @Test
    void shouldEndARunAtAPushOrAShortSegment()
    {
        final List<byte[]> segments = flow(1, 40000, 443, 3, 1000, 0);
        final byte[] shortOne = flow(1 + 3000, 40000, 443, 1, 10, 0).get(0);
        for (final byte[] s : segments)
        {
            coalescer.offer(new UnsafeBuffer(s), 0, s.length);
        }
        coalescer.offer(new UnsafeBuffer(shortOne), 0, shortOne.length);
        final byte[] after = flow(1 + 3010, 40000, 443, 1, 1000, 0).get(0);
        coalescer.offer(new UnsafeBuffer(after), 0, after.length);
        coalescer.flush();
        assertEquals(2, written.size());
        assertEquals(20 + 32 + 3010, new UnsafeBuffer(written.get(0)).getShort(12, ByteOrder.BIG_ENDIAN) & 0xFFFF);
    }

    @Test
    void shouldCompleteAChecksumTheKernelLeftPartial()
    {
        final byte[] packet = udp(SERVER, CLIENT, 1234);
        final UnsafeBuffer view = new UnsafeBuffer(packet);
        final int udpLength = packet.length - 20;
        view.putShort(26, (short)InternetChecksum.fold(InternetChecksum.pseudoHeader(SERVER, CLIENT, 17, udpLength)),
            ByteOrder.BIG_ENDIAN);
        final UnsafeBuffer read = new UnsafeBuffer(new byte[10 + packet.length]);
        read.putByte(0, (byte)VirtioNetHeader.F_NEEDS_CSUM);
        read.putShort(6, (short)20, ByteOrder.LITTLE_ENDIAN);
        read.putShort(8, (short)6, ByteOrder.LITTLE_ENDIAN);
        read.putBytes(10, packet);
        final List<byte[]> out = new ArrayList<>();
        new TcpSegmenter().split(read, 0, 10 + packet.length, (b, o, l) ->
        {
            final byte[] copy = new byte[l];
            b.getBytes(o, copy);
            out.add(copy);
        });
        final UnsafeBuffer done = new UnsafeBuffer(out.get(0));
        assertEquals(0xFFFF, InternetChecksum.fold(InternetChecksum.add(done, 20, udpLength,
            InternetChecksum.pseudoHeader(SERVER, CLIENT, 17, udpLength))), "a valid UDP checksum sums to all ones");
    }

    @Test
    void shouldAllocateNothingPerPacket()
    {
        final List<byte[]> segments = flow(1, 40000, 443, 40, 1348, 3);
        final UnsafeBuffer[] views = segments.stream().map(UnsafeBuffer::new).toArray(UnsafeBuffer[]::new);
        final TcpCoalescer quiet = new TcpCoalescer((b, o, l) -> true);
        final TcpSegmenter segmenter = new TcpSegmenter();
        final UnsafeBuffer superPacket = new UnsafeBuffer(new byte[10 + 20 + 32 + 40 * 1348]);
        coalesceInto(views, superPacket);
        final PacketConsumer sink = (b, o, l) -> { };
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 5 && allocated != 0; round++)
        {
            threads.getCurrentThreadAllocatedBytes();
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 2_000; i++)
            {
                for (final UnsafeBuffer v : views)
                {
                    quiet.offer(v, 0, v.capacity());
                }
                quiet.flush();
                segmenter.split(superPacket, 0, superPacket.capacity(), sink);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertEquals(0, allocated, "bytes allocated while joining and cutting 160k segments");
    }

    private static void coalesceInto(final UnsafeBuffer[] views, final UnsafeBuffer target)
    {
        final TcpCoalescer once = new TcpCoalescer((b, o, l) ->
        {
            target.putBytes(0, b, o, l);
            return true;
        });
        for (final UnsafeBuffer v : views)
        {
            once.offer(v, 0, v.capacity());
        }
        once.flush();
    }

    /** count consecutive ACK segments of one connection with timestamps, valid checksums, consecutive IP ids. */
    private static List<byte[]> flow(final int firstSequence, final int sourcePort, final int destinationPort,
        final int count, final int payload, final int firstId)
    {
        final Random random = new Random(firstSequence);
        final List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final byte[] p = new byte[20 + 32 + payload];
            final UnsafeBuffer b = new UnsafeBuffer(p);
            b.putByte(0, (byte)0x45);
            b.putShort(2, (short)p.length, ByteOrder.BIG_ENDIAN);
            b.putShort(4, (short)(firstId + i), ByteOrder.BIG_ENDIAN);
            b.putShort(6, (short)0x4000, ByteOrder.BIG_ENDIAN);
            b.putByte(8, (byte)64);
            b.putByte(9, (byte)6);
            b.putInt(12, CLIENT, ByteOrder.BIG_ENDIAN);
            b.putInt(16, SERVER, ByteOrder.BIG_ENDIAN);
            b.putShort(20, (short)sourcePort, ByteOrder.BIG_ENDIAN);
            b.putShort(22, (short)destinationPort, ByteOrder.BIG_ENDIAN);
            b.putInt(24, firstSequence + i * payload, ByteOrder.BIG_ENDIAN);
            b.putInt(28, 777, ByteOrder.BIG_ENDIAN);
            b.putByte(32, (byte)(8 << 4));
            b.putByte(33, (byte)0x10);
            b.putShort(34, (short)502, ByteOrder.BIG_ENDIAN);
            b.putBytes(40, TIMESTAMPS);
            for (int j = 52; j < p.length; j++)
            {
                p[j] = (byte)random.nextInt();
            }
            checksums(b, p.length);
            packets.add(p);
        }
        return packets;
    }

    private static byte[] udp(final int source, final int destination, final int port)
    {
        final byte[] p = new byte[20 + 8 + 30];
        final UnsafeBuffer b = new UnsafeBuffer(p);
        b.putByte(0, (byte)0x45);
        b.putShort(2, (short)p.length, ByteOrder.BIG_ENDIAN);
        b.putByte(8, (byte)64);
        b.putByte(9, (byte)17);
        b.putInt(12, source, ByteOrder.BIG_ENDIAN);
        b.putInt(16, destination, ByteOrder.BIG_ENDIAN);
        b.putShort(20, (short)port, ByteOrder.BIG_ENDIAN);
        b.putShort(22, (short)port, ByteOrder.BIG_ENDIAN);
        b.putShort(24, (short)38, ByteOrder.BIG_ENDIAN);
        TcpIpv4.setIpChecksum(b, 0);
        return p;
    }

    private static void checksums(final UnsafeBuffer b, final int length)
    {
        TcpIpv4.setIpChecksum(b, 0);
        b.putShort(36, (short)0);
        final long sum = InternetChecksum.add(b, 20, length - 20, TcpIpv4.pseudoHeaderSum(b, 0, length - 20));
        b.putShort(36, (short)InternetChecksum.finish(sum), ByteOrder.BIG_ENDIAN);
    }
}
