package org.headend.perf.loadgen;

import io.netty.buffer.ByteBuf;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.dataplane.wire.InternetChecksum;
import org.headend.dataplane.wire.Ipv4Header;

/**
 * ICMP echo requests built in memory as a tunnel client's kernel would send them (IPv4, from the tunnel address to an
 * inside host), and the matching replies recognised. The payload carries the intended send time so the RTT is measured
 * from when the ping was due, not from when a busy loop got round to it, and the actual send time, so that the
 * generator's own lateness can be told apart from the round trip through the server.
 */
final class IcmpEcho
{
    static final int IP_HEADER = Ipv4Header.MIN_LENGTH;
    static final int ICMP_HEADER = 8;
    /** Payload: intended and actual send time (ns, System.nanoTime), like ping's 16-byte minimum. */
    static final int PAYLOAD = 16;
    static final int LENGTH = IP_HEADER + ICMP_HEADER + PAYLOAD;
    private static final int PROTOCOL_ICMP = 1;
    private static final int TYPE_ECHO_REPLY = 0;
    private static final int TYPE_ECHO_REQUEST = 8;
    /** Where a request is assembled: one per thread (event loop), not one per ping. */
    private static final ThreadLocal<UnsafeBuffer> PACKET = ThreadLocal.withInitial(() -> new UnsafeBuffer(
        new byte[LENGTH]));

    private IcmpEcho()
    {
    }

    /** Writes one echo request of {@link #LENGTH} bytes into {@code out}. */
    static void writeRequest(final ByteBuf out, final int source, final int destination, final int id, final int seq,
        final long intendedNanos, final long sentNanos)
    {
        final UnsafeBuffer b = PACKET.get();
        b.setMemory(0, LENGTH, (byte)0);
        b.putByte(0, (byte)0x45);
        b.putShort(2, (short)LENGTH, java.nio.ByteOrder.BIG_ENDIAN);
        b.putShort(4, (short)seq, java.nio.ByteOrder.BIG_ENDIAN);
        b.putByte(6, (byte)0x40); // don't fragment
        b.putByte(8, (byte)64);
        b.putByte(9, (byte)PROTOCOL_ICMP);
        b.putInt(Ipv4Header.SOURCE_OFFSET, source, java.nio.ByteOrder.BIG_ENDIAN);
        b.putInt(Ipv4Header.DESTINATION_OFFSET, destination, java.nio.ByteOrder.BIG_ENDIAN);
        b.putShort(10, (short)InternetChecksum.finish(InternetChecksum.add(b, 0, IP_HEADER, 0)),
            java.nio.ByteOrder.BIG_ENDIAN);
        b.putByte(IP_HEADER, (byte)TYPE_ECHO_REQUEST);
        b.putShort(IP_HEADER + 4, (short)id, java.nio.ByteOrder.BIG_ENDIAN);
        b.putShort(IP_HEADER + 6, (short)seq, java.nio.ByteOrder.BIG_ENDIAN);
        b.putLong(IP_HEADER + ICMP_HEADER, intendedNanos, java.nio.ByteOrder.BIG_ENDIAN);
        b.putLong(IP_HEADER + ICMP_HEADER + 8, sentNanos, java.nio.ByteOrder.BIG_ENDIAN);
        b.putShort(IP_HEADER + 2,
            (short)InternetChecksum.finish(InternetChecksum.add(b, IP_HEADER, ICMP_HEADER + PAYLOAD, 0)),
            java.nio.ByteOrder.BIG_ENDIAN);
        out.writeBytes(b.byteArray(), 0, LENGTH);
    }

    /**
     * The intended send time carried by an echo reply to {@code id} at {@code index}, or -1 when the packet is not
     * such a reply (another protocol, another session's id, too short).
     */
    static long replyIntendedNanos(final ByteBuf in, final int index, final int length, final int id)
    {
        if (length < LENGTH || Ipv4Header.version(in, index) != 4)
        {
            return -1;
        }
        final int ihl = (in.getByte(index) & 0x0F) * 4;
        if (ihl < IP_HEADER || length < ihl + ICMP_HEADER + 8 || in.getUnsignedByte(index + 9) != PROTOCOL_ICMP)
        {
            return -1;
        }
        if (in.getUnsignedByte(index + ihl) != TYPE_ECHO_REPLY || in.getUnsignedShort(index + ihl + 4) != id)
        {
            return -1;
        }
        return in.getLong(index + ihl + ICMP_HEADER);
    }

    /** The actual send time of a reply {@link #replyIntendedNanos} accepted (same {@code index}). */
    static long replySentNanos(final ByteBuf in, final int index)
    {
        final int ihl = (in.getByte(index) & 0x0F) * 4;
        return in.getLong(index + ihl + ICMP_HEADER + 8);
    }

    /** A dotted quad as a big-endian int. */
    static int parseIpv4(final String dotted)
    {
        final String[] parts = dotted.strip().split("\\.");
        if (parts.length != 4)
        {
            throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        }
        int value = 0;
        for (final String p : parts)
        {
            final int octet = Integer.parseInt(p);
            if (octet < 0 || octet > 255)
            {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            value = (value << 8) | octet;
        }
        return value;
    }
}
