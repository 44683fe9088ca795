package org.headend.dataplane.tun;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.offload.PacketConsumer;
import org.headend.dataplane.wire.InternetChecksum;
import org.headend.dataplane.wire.Ipv4Header;
import org.headend.dataplane.wire.Ipv6Header;

/**
 * What becomes of an inside packet longer than the MTU of the tunnel it is routed to, as a router (and the ASA) does
 * it: IPv4 without DF is cut into fragments that each fit (RFC 791 §3.2); IPv4 with DF is dropped and answered with
 * ICMP "fragmentation needed" carrying the tunnel MTU (RFC 1191), unless the tunnel's group-policy has
 * {@code anyconnect ssl df-bit-ignore enable}, which fragments it as well (the fragments go without DF). IPv6 is
 * never fragmented on the way (RFC 8200 §5): it is answered with ICMPv6 "packet too big" (RFC 4443 §3.2).
 *
 * <p>An answer goes back into the inside from the destination of the packet (the client's tunnel address, the hop
 * that could not take it): it is routed through the TUN, so the inside's reverse-path check accepts it, where one
 * of the headend's own addresses would arrive on the TUN as a martian. Never answered: ICMP errors, non-first
 * fragments, and sources that are not unicast (RFC 1812 §4.3.2.7, RFC 4443 §2.4).
 *
 * <p>Single-threaded (the owner of one TUN queue); allocation-free: fragments and answers are built in one reused
 * buffer and handed to a consumer that copies them before it returns.
 */
final class OversizedPackets
{
    /** The largest IP packet. */
    static final int MAX_PACKET = 65535;
    /** An ICMP error quotes as much of the packet as fits in 576 bytes (RFC 1812 §4.3.2.3). */
    static final int ICMP_ERROR_MAX = 576;
    /** An ICMPv6 error quotes as much of the packet as fits in the minimum IPv6 MTU (RFC 4443 §2.4 (c)). */
    static final int ICMPV6_ERROR_MAX = 1280;
    private static final int DF = 0x4000;
    private static final int MF = 0x2000;
    private static final int FRAGMENT_OFFSET_MASK = 0x1FFF;
    private static final int FLAGS_OFFSET = 6;
    private static final int CHECKSUM_OFFSET = 10;
    private static final int PROTOCOL_OFFSET = 9;
    private static final int ICMP_HEADER = 8;
    private static final int PROTOCOL_ICMP = 1;
    private static final int PROTOCOL_ICMPV6 = 58;
    private static final int TTL = 64;

    private final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_PACKET));
    private final AtomicCounter fragmented;
    private final AtomicCounter tooBig;
    private final AtomicCounter unanswered;

    OversizedPackets(final DataplaneCounters counters)
    {
        fragmented = counters.counter(DataplaneCounter.OVERSIZED_FRAGMENTED);
        tooBig = counters.counter(DataplaneCounter.OVERSIZED_TOO_BIG_SENT);
        unanswered = counters.counter(DataplaneCounter.OVERSIZED_DROPS);
    }

    /**
     * Handles one packet longer than {@code mtu}: its fragments go to {@code toTunnel}, or an answer to
     * {@code toInside}, or it is dropped and counted.
     *
     * @param dfBitIgnore the tunnel's {@code anyconnect ssl df-bit-ignore}: fragment IPv4 packets that have DF set
     */
    void handle(final MutableDirectBuffer in, final int offset, final int length, final int mtu,
        final boolean dfBitIgnore, final PacketConsumer toTunnel, final PacketConsumer toInside)
    {
        final int version = (in.getByte(offset) >> 4) & 0xF;
        if (version == 4)
        {
            ipv4(in, offset, length, mtu, dfBitIgnore, toTunnel, toInside);
        }
        else if (version == 6 && length >= Ipv6Header.LENGTH)
        {
            ipv6(in, offset, length, mtu, toInside);
        }
        else
        {
            unanswered.increment();
        }
    }

    private void ipv4(final MutableDirectBuffer in, final int offset, final int length, final int mtu,
        final boolean dfBitIgnore, final PacketConsumer toTunnel, final PacketConsumer toInside)
    {
        final int headerLength = (in.getByte(offset) & 0xF) * 4;
        if (headerLength < Ipv4Header.MIN_LENGTH || headerLength >= length
            || (in.getShort(offset + Ipv4Header.TOTAL_LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF) != length)
        {
            unanswered.increment();
            return;
        }
        final int flags = in.getShort(offset + FLAGS_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if ((flags & DF) == 0 || dfBitIgnore)
        {
            fragment(in, offset, length, headerLength, flags, mtu, toTunnel);
            fragmented.increment();
        }
        else if (answerable4(in, offset, headerLength, flags))
        {
            fragmentationNeeded(in, offset, length, mtu, toInside);
            tooBig.increment();
        }
        else
        {
            unanswered.increment();
        }
    }

    /**
     * Cuts the packet into fragments of at most {@code mtu} bytes. The first keeps the whole header; the others keep
     * only the options whose copied flag is set (RFC 791 §3.1). A packet that was a fragment already gives fragments
     * at its own offset, the last one keeping its MF flag.
     */
    private void fragment(final MutableDirectBuffer in, final int offset, final int length, final int headerLength,
        final int flags, final int mtu, final PacketConsumer toTunnel)
    {
        final int dataLength = length - headerLength;
        final int baseUnits = flags & FRAGMENT_OFFSET_MASK;
        final boolean lastHadMore = (flags & MF) != 0;
        out.putBytes(0, in, offset, headerLength);
        int header = headerLength;
        int sent = 0;
        while (sent < dataLength)
        {
            final int chunk = Math.min(dataLength - sent, ((mtu - header) / 8) * 8);
            final boolean more = sent + chunk < dataLength || lastHadMore;
            out.putBytes(header, in, offset + headerLength + sent, chunk);
            out.putShort(Ipv4Header.TOTAL_LENGTH_OFFSET, (short)(header + chunk), ByteOrder.BIG_ENDIAN);
            out.putShort(FLAGS_OFFSET, (short)((more ? MF : 0) | (baseUnits + sent / 8)), ByteOrder.BIG_ENDIAN);
            out.putShort(CHECKSUM_OFFSET, (short)0);
            out.putShort(CHECKSUM_OFFSET, (short)InternetChecksum.finish(InternetChecksum.add(out, 0, header, 0)),
                ByteOrder.BIG_ENDIAN);
            toTunnel.accept(out, 0, header + chunk);
            if (sent == 0)
            {
                header = laterHeader(in, offset, headerLength);
            }
            sent += chunk;
        }
    }

    /** Writes the header of the fragments after the first at the start of {@link #out}; returns its length. */
    private int laterHeader(final MutableDirectBuffer in, final int offset, final int headerLength)
    {
        out.putBytes(0, in, offset, Ipv4Header.MIN_LENGTH);
        int length = Ipv4Header.MIN_LENGTH;
        int at = offset + Ipv4Header.MIN_LENGTH;
        final int end = offset + headerLength;
        while (at < end)
        {
            final int type = in.getByte(at) & 0xFF;
            if (type == 0)
            {
                break;
            }
            if (type == 1)
            {
                at++;
                continue;
            }
            final int optionLength = at + 1 < end ? in.getByte(at + 1) & 0xFF : 0;
            if (optionLength < 2 || at + optionLength > end)
            {
                break;
            }
            if ((type & 0x80) != 0)
            {
                out.putBytes(length, in, at, optionLength);
                length += optionLength;
            }
            at += optionLength;
        }
        while ((length & 3) != 0)
        {
            out.putByte(length++, (byte)0);
        }
        out.putByte(0, (byte)(0x40 | (length / 4)));
        return length;
    }

    private static boolean answerable4(final MutableDirectBuffer in, final int offset, final int headerLength,
        final int flags)
    {
        final int source = in.getInt(offset + Ipv4Header.SOURCE_OFFSET, ByteOrder.BIG_ENDIAN);
        final int first = source >>> 24;
        if (source == 0 || first >= 224 || first == 0 || first == 127 || (flags & FRAGMENT_OFFSET_MASK) != 0)
        {
            return false;
        }
        if ((in.getByte(offset + PROTOCOL_OFFSET) & 0xFF) == PROTOCOL_ICMP)
        {
            final int type = in.getByte(offset + headerLength) & 0xFF;
            // errors: destination unreachable, source quench, redirect, time exceeded, parameter problem
            return type != 3 && type != 4 && type != 5 && type != 11 && type != 12;
        }
        return true;
    }

    private void fragmentationNeeded(final MutableDirectBuffer in, final int offset, final int length, final int mtu,
        final PacketConsumer toInside)
    {
        final int quote = Math.min(length, ICMP_ERROR_MAX - Ipv4Header.MIN_LENGTH - ICMP_HEADER);
        final int total = Ipv4Header.MIN_LENGTH + ICMP_HEADER + quote;
        out.putLong(0, 0L);
        out.putLong(8, 0L);
        out.putByte(0, (byte)0x45);
        out.putShort(Ipv4Header.TOTAL_LENGTH_OFFSET, (short)total, ByteOrder.BIG_ENDIAN);
        out.putByte(8, (byte)TTL);
        out.putByte(PROTOCOL_OFFSET, (byte)PROTOCOL_ICMP);
        out.putInt(Ipv4Header.SOURCE_OFFSET, in.getInt(offset + Ipv4Header.DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN),
            ByteOrder.BIG_ENDIAN);
        out.putInt(Ipv4Header.DESTINATION_OFFSET, in.getInt(offset + Ipv4Header.SOURCE_OFFSET, ByteOrder.BIG_ENDIAN),
            ByteOrder.BIG_ENDIAN);
        out.putShort(CHECKSUM_OFFSET, (short)InternetChecksum.finish(InternetChecksum.add(out, 0,
            Ipv4Header.MIN_LENGTH, 0)), ByteOrder.BIG_ENDIAN);
        final int icmp = Ipv4Header.MIN_LENGTH;
        out.putLong(icmp, 0L);
        out.putByte(icmp, (byte)3);
        out.putByte(icmp + 1, (byte)4);
        out.putShort(icmp + 6, (short)mtu, ByteOrder.BIG_ENDIAN);
        out.putBytes(icmp + ICMP_HEADER, in, offset, quote);
        out.putShort(icmp + 2, (short)InternetChecksum.finish(InternetChecksum.add(out, icmp, ICMP_HEADER + quote, 0)),
            ByteOrder.BIG_ENDIAN);
        toInside.accept(out, 0, total);
    }

    private void ipv6(final MutableDirectBuffer in, final int offset, final int length, final int mtu,
        final PacketConsumer toInside)
    {
        final int nextHeader = in.getByte(offset + 6) & 0xFF;
        final boolean icmpError = nextHeader == PROTOCOL_ICMPV6 && length > Ipv6Header.LENGTH
            && (in.getByte(offset + Ipv6Header.LENGTH) & 0x80) == 0;
        final long sourceHi = Ipv6Header.hi(in, offset, Ipv6Header.SOURCE_OFFSET);
        final long sourceLo = Ipv6Header.lo(in, offset, Ipv6Header.SOURCE_OFFSET);
        if (icmpError || (sourceHi >>> 56) == 0xFF || (sourceHi == 0 && (sourceLo == 0 || sourceLo == 1)))
        {
            unanswered.increment();
            return;
        }
        final int quote = Math.min(length, ICMPV6_ERROR_MAX - Ipv6Header.LENGTH - ICMP_HEADER);
        final int payload = ICMP_HEADER + quote;
        out.putInt(0, 0x6000_0000, ByteOrder.BIG_ENDIAN);
        out.putShort(4, (short)payload, ByteOrder.BIG_ENDIAN);
        out.putByte(6, (byte)PROTOCOL_ICMPV6);
        out.putByte(7, (byte)TTL);
        out.putBytes(Ipv6Header.SOURCE_OFFSET, in, offset + Ipv6Header.DESTINATION_OFFSET, 16);
        out.putBytes(Ipv6Header.DESTINATION_OFFSET, in, offset + Ipv6Header.SOURCE_OFFSET, 16);
        final int icmp = Ipv6Header.LENGTH;
        out.putByte(icmp, (byte)2);
        out.putByte(icmp + 1, (byte)0);
        out.putShort(icmp + 2, (short)0);
        out.putInt(icmp + 4, mtu, ByteOrder.BIG_ENDIAN);
        out.putBytes(icmp + ICMP_HEADER, in, offset, quote);
        // pseudo-header (RFC 8200 §8.1): both addresses, the upper-layer length and the next header
        final long pseudo = InternetChecksum.add(out, Ipv6Header.SOURCE_OFFSET, 32, 0) + payload + PROTOCOL_ICMPV6;
        out.putShort(icmp + 2, (short)InternetChecksum.finish(InternetChecksum.add(out, icmp, payload, pseudo)),
            ByteOrder.BIG_ENDIAN);
        toInside.accept(out, 0, Ipv6Header.LENGTH + payload);
        tooBig.increment();
    }
}
