package org.headend.perf.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.dataplane.wire.InternetChecksum;
import org.headend.dataplane.wire.Ipv4Header;
import org.junit.jupiter.api.Test;

class IcmpEchoTest
{
    private static final int SOURCE = IcmpEcho.parseIpv4("192.168.100.10");
    private static final int TARGET = IcmpEcho.parseIpv4("192.168.100.1");

    @Test
    void shouldBuildAnEchoRequestWithValidChecksumsFromTheTunnelAddress()
    {
        final ByteBuf p = Unpooled.buffer();
        IcmpEcho.writeRequest(p, SOURCE, TARGET, 7, 3, 123_456_789L, 123_999_000L);
        final byte[] bytes = new byte[p.readableBytes()];
        p.getBytes(0, bytes);
        final UnsafeBuffer b = new UnsafeBuffer(bytes);
        assertEquals(IcmpEcho.LENGTH, bytes.length);
        assertEquals(0xFFFF, InternetChecksum.fold(InternetChecksum.add(b, 0, IcmpEcho.IP_HEADER, 0)), "IP checksum");
        assertEquals(0xFFFF, InternetChecksum.fold(InternetChecksum.add(b, IcmpEcho.IP_HEADER,
            bytes.length - IcmpEcho.IP_HEADER, 0)), "ICMP checksum");
        assertEquals(SOURCE, Ipv4Header.source(p, 0));
        assertEquals(8, p.getUnsignedByte(IcmpEcho.IP_HEADER), "echo request");
    }

    @Test
    void shouldMatchOnlyTheReplyToItsOwnId()
    {
        final ByteBuf p = Unpooled.buffer();
        IcmpEcho.writeRequest(p, SOURCE, TARGET, 7, 3, 123_456_789L, 123_999_000L);
        // what the target's kernel sends back: type 0, addresses swapped, the payload unchanged
        p.setByte(IcmpEcho.IP_HEADER, 0);
        p.setInt(12, TARGET);
        p.setInt(16, SOURCE);
        assertEquals(123_456_789L, IcmpEcho.replyIntendedNanos(p, 0, p.readableBytes(), 7));
        assertEquals(123_999_000L, IcmpEcho.replySentNanos(p, 0), "the actual send time comes back too");
        assertEquals(-1, IcmpEcho.replyIntendedNanos(p, 0, p.readableBytes(), 8), "another session's id");
        p.setByte(IcmpEcho.IP_HEADER, 8);
        assertEquals(-1, IcmpEcho.replyIntendedNanos(p, 0, p.readableBytes(), 7), "a request is not a reply");
        assertEquals(-1, IcmpEcho.replyIntendedNanos(p, 0, 20, 7), "truncated");
    }
}
