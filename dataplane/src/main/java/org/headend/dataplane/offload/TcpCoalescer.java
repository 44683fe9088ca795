package org.headend.dataplane.offload;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Userspace GRO for a TUN device with offloads: within one batch of client packets, consecutive segments of the same
 * TCP connection are joined into one super-packet (virtio-net header with {@code GSO_TCPV4}), so the kernel's IP and
 * TCP receive path, and the wake-up of the receiving process, run once per batch instead of once per packet. Packets
 * that cannot join (other protocols, flags other than ACK/PSH, a gap in sequence, other options) are written as they
 * are, after whatever was pending, so no connection is reordered.
 *
 * <p>Single-threaded; allocation-free. Call {@link #flush} at the end of each batch.
 */
public final class TcpCoalescer
{
    /** Writes one buffer (virtio-net header, then the packet) to the TUN; false when it failed. */
    @FunctionalInterface
    public interface TunWriter
    {
        boolean write(DirectBuffer buffer, int offset, int length);
    }

    private static final int MAX_FLOWS = 8;
    private static final int MAX_IP_LENGTH = 65535;
    private static final int SLOT = VirtioNetHeader.LENGTH + MAX_IP_LENGTH + 1;
    /** GSO super-packets carry at most this many segments (the kernel's GSO_MAX_SEGS is higher; 64 keeps it sane). */
    private static final int MAX_SEGMENTS = 64;
    private static final int MERGE_FLAGS = TcpIpv4.FLAG_ACK | TcpIpv4.FLAG_PSH;

    private final TunWriter writer;
    private final UnsafeBuffer slots = new UnsafeBuffer(ByteBuffer.allocateDirect(SLOT * (MAX_FLOWS + 1)));
    private final int plain = MAX_FLOWS * SLOT;
    private final int[] ipLength = new int[MAX_FLOWS];
    private final int[] segments = new int[MAX_FLOWS];
    private final int[] gsoSize = new int[MAX_FLOWS];
    private final int[] nextSequence = new int[MAX_FLOWS];
    private final boolean[] closed = new boolean[MAX_FLOWS];
    private int open;
    private long merged;

    public TcpCoalescer(final TunWriter writer)
    {
        this.writer = writer;
    }

    /** Segments joined to an earlier one since start (for counters and tests). */
    public long merged()
    {
        return merged;
    }

    /**
     * Takes one client packet.
     *
     * @return false if a write to the TUN failed on the way (the packet or an earlier one is lost)
     */
    public boolean offer(final DirectBuffer src, final int offset, final int length)
    {
        if (!mergeable(src, offset, length))
        {
            return flush() & writePlain(src, offset, length);
        }
        for (int f = 0; f < open; f++)
        {
            final int match = matches(f, src, offset, length);
            if (match > 0)
            {
                append(f, src, offset, length);
                return true;
            }
            if (match == 0)
            {
                // same connection but not the next segment: emit what we have, start again from this one
                final boolean ok = flush();
                start(0, src, offset, length);
                open = 1;
                return ok;
            }
        }
        boolean ok = true;
        if (open == MAX_FLOWS)
        {
            ok = flush();
        }
        start(open++, src, offset, length);
        return ok;
    }

    /** Writes every pending super-packet; call at the end of a batch. */
    public boolean flush()
    {
        boolean ok = true;
        for (int f = 0; f < open; f++)
        {
            ok &= emit(f);
        }
        open = 0;
        return ok;
    }

    private static boolean mergeable(final DirectBuffer b, final int ip, final int length)
    {
        if (!TcpIpv4.isTcp(b, ip, length))
        {
            return false;
        }
        final int tcp = ip + TcpIpv4.ipHeaderLength(b, ip);
        final int flags = b.getByte(tcp + TcpIpv4.TCP_FLAGS) & 0xFF;
        return (flags & ~MERGE_FLAGS) == 0 && (flags & TcpIpv4.FLAG_ACK) != 0
            && length > TcpIpv4.ipHeaderLength(b, ip) + TcpIpv4.tcpHeaderLength(b, tcp);
    }

    /**
     * @return 1 if the packet continues flow {@code f}; 0 if it is the same connection but cannot continue it;
     *         -1 for another connection
     */
    private int matches(final int f, final DirectBuffer b, final int ip, final int length)
    {
        final int base = f * SLOT + VirtioNetHeader.LENGTH;
        final int ihl = TcpIpv4.ipHeaderLength(b, ip);
        if (TcpIpv4.ipHeaderLength(slots, base) != ihl
            || slots.getLong(base + TcpIpv4.IP_SOURCE) != b.getLong(ip + TcpIpv4.IP_SOURCE)
            || slots.getInt(base + ihl) != b.getInt(ip + ihl))
        {
            return -1;
        }
        final int tcp = ip + ihl;
        final int thl = TcpIpv4.tcpHeaderLength(b, tcp);
        final int payload = length - ihl - thl;
        if (closed[f] || segments[f] == MAX_SEGMENTS || payload > gsoSize[f]
            || ipLength[f] + payload > MAX_IP_LENGTH
            || TcpIpv4.tcpHeaderLength(slots, base + ihl) != thl
            || b.getInt(tcp + TcpIpv4.TCP_SEQUENCE, ByteOrder.BIG_ENDIAN) != nextSequence[f]
            || slots.getInt(base + ihl + TcpIpv4.TCP_ACK) != b.getInt(tcp + TcpIpv4.TCP_ACK)
            || slots.getShort(base + TcpIpv4.IP_TTL) != b.getShort(ip + TcpIpv4.IP_TTL)
            || slots.getByte(base + 1) != b.getByte(ip + 1)
            || !sameOptions(slots, base + ihl + 20, b, tcp + 20, thl - 20))
        {
            return 0;
        }
        return 1;
    }

    private static boolean sameOptions(final DirectBuffer a, final int at, final DirectBuffer b, final int bt,
        final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (a.getByte(at + i) != b.getByte(bt + i))
            {
                return false;
            }
        }
        return true;
    }

    private void start(final int f, final DirectBuffer src, final int ip, final int length)
    {
        final int base = f * SLOT + VirtioNetHeader.LENGTH;
        slots.putBytes(base, src, ip, length);
        final int ihl = TcpIpv4.ipHeaderLength(src, ip);
        final int thl = TcpIpv4.tcpHeaderLength(src, ip + ihl);
        final int payload = length - ihl - thl;
        ipLength[f] = length;
        segments[f] = 1;
        gsoSize[f] = payload;
        nextSequence[f] = src.getInt(ip + ihl + TcpIpv4.TCP_SEQUENCE, ByteOrder.BIG_ENDIAN) + payload;
        closed[f] = (src.getByte(ip + ihl + TcpIpv4.TCP_FLAGS) & TcpIpv4.FLAG_PSH) != 0;
    }

    private void append(final int f, final DirectBuffer src, final int ip, final int length)
    {
        final int base = f * SLOT + VirtioNetHeader.LENGTH;
        final int ihl = TcpIpv4.ipHeaderLength(src, ip);
        final int thl = TcpIpv4.tcpHeaderLength(src, ip + ihl);
        final int payload = length - ihl - thl;
        slots.putBytes(base + ipLength[f], src, ip + ihl + thl, payload);
        ipLength[f] += payload;
        segments[f]++;
        nextSequence[f] += payload;
        merged++;
        final int flags = src.getByte(ip + ihl + TcpIpv4.TCP_FLAGS) & 0xFF;
        if ((flags & TcpIpv4.FLAG_PSH) != 0)
        {
            slots.putByte(base + ihl + TcpIpv4.TCP_FLAGS,
                (byte)(slots.getByte(base + ihl + TcpIpv4.TCP_FLAGS) | TcpIpv4.FLAG_PSH));
        }
        // a short segment or a push ends a run: only the last segment of a super-packet may be short
        closed[f] = payload < gsoSize[f] || (flags & TcpIpv4.FLAG_PSH) != 0;
    }

    private boolean emit(final int f)
    {
        final int header = f * SLOT;
        final int ip = header + VirtioNetHeader.LENGTH;
        if (segments[f] == 1)
        {
            // a lone segment keeps its own, valid checksums
            VirtioNetHeader.writePlain(slots, header);
            return writer.write(slots, header, VirtioNetHeader.LENGTH + ipLength[f]);
        }
        final int ihl = TcpIpv4.ipHeaderLength(slots, ip);
        final int thl = TcpIpv4.tcpHeaderLength(slots, ip + ihl);
        slots.putShort(ip + TcpIpv4.IP_TOTAL_LENGTH, (short)ipLength[f], ByteOrder.BIG_ENDIAN);
        TcpIpv4.setIpChecksum(slots, ip);
        // a partial checksum: only the pseudo-header sum over the whole TCP length, as for an offloaded send
        slots.putShort(ip + ihl + TcpIpv4.TCP_CHECKSUM, (short)org.headend.dataplane.wire.InternetChecksum.fold(
            TcpIpv4.pseudoHeaderSum(slots, ip, ipLength[f] - ihl)), ByteOrder.BIG_ENDIAN);
        VirtioNetHeader.writeTcp4Gso(slots, header, ihl + thl, gsoSize[f], ihl);
        return writer.write(slots, header, VirtioNetHeader.LENGTH + ipLength[f]);
    }

    private boolean writePlain(final DirectBuffer src, final int offset, final int length)
    {
        VirtioNetHeader.writePlain(slots, plain);
        slots.putBytes(plain + VirtioNetHeader.LENGTH, src, offset, length);
        return writer.write(slots, plain, VirtioNetHeader.LENGTH + length);
    }
}
