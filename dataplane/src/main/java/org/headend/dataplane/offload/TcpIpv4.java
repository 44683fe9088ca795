package org.headend.dataplane.offload;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.headend.dataplane.wire.InternetChecksum;

/**
 * IPv4 (RFC 791) and TCP (RFC 793) header fields the offloads read and rewrite. Big-endian; offsets from the start
 * of the IP header unless named otherwise.
 */
final class TcpIpv4
{
    static final int PROTOCOL_TCP = 6;
    static final int IP_TOTAL_LENGTH = 2;
    static final int IP_ID = 4;
    static final int IP_FLAGS_FRAGMENT = 6;
    static final int IP_TTL = 8;
    static final int IP_PROTOCOL = 9;
    static final int IP_CHECKSUM = 10;
    static final int IP_SOURCE = 12;
    static final int IP_DESTINATION = 16;
    /** From the start of the TCP header. */
    static final int TCP_SEQUENCE = 4;
    static final int TCP_ACK = 8;
    static final int TCP_DATA_OFFSET = 12;
    static final int TCP_FLAGS = 13;
    static final int TCP_CHECKSUM = 16;
    static final int FLAG_FIN = 0x01;
    static final int FLAG_SYN = 0x02;
    static final int FLAG_RST = 0x04;
    static final int FLAG_PSH = 0x08;
    static final int FLAG_ACK = 0x10;
    static final int FLAG_CWR = 0x80;
    /** The IP "more fragments" bit and the fragment offset. */
    private static final int FRAGMENTED = 0x3FFF;

    private TcpIpv4()
    {
    }

    static int ipHeaderLength(final DirectBuffer b, final int ip)
    {
        return (b.getByte(ip) & 0x0F) * 4;
    }

    static int tcpHeaderLength(final DirectBuffer b, final int tcp)
    {
        return ((b.getByte(tcp + TCP_DATA_OFFSET) >> 4) & 0x0F) * 4;
    }

    /** Whether the packet at {@code ip} ({@code length} bytes) is an unfragmented TCP/IPv4 packet with sane lengths. */
    static boolean isTcp(final DirectBuffer b, final int ip, final int length)
    {
        if (length < 40 || (b.getByte(ip) >> 4 & 0x0F) != 4 || (b.getByte(ip + IP_PROTOCOL) & 0xFF) != PROTOCOL_TCP)
        {
            return false;
        }
        final int ihl = ipHeaderLength(b, ip);
        if (ihl < 20 || (b.getShort(ip + IP_FLAGS_FRAGMENT, ByteOrder.BIG_ENDIAN) & FRAGMENTED) != 0
            || (b.getShort(ip + IP_TOTAL_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF) != length)
        {
            return false;
        }
        final int thl = tcpHeaderLength(b, ip + ihl);
        return thl >= 20 && ihl + thl <= length;
    }

    /** Rewrites the IPv4 header checksum for the header at {@code ip}. */
    static void setIpChecksum(final MutableDirectBuffer b, final int ip)
    {
        b.putShort(ip + IP_CHECKSUM, (short)0);
        b.putShort(ip + IP_CHECKSUM, (short)InternetChecksum.finish(InternetChecksum.add(b, ip, ipHeaderLength(b, ip), 0)),
            ByteOrder.BIG_ENDIAN);
    }

    static long pseudoHeaderSum(final DirectBuffer b, final int ip, final int tcpLength)
    {
        return InternetChecksum.pseudoHeader(b.getInt(ip + IP_SOURCE, ByteOrder.BIG_ENDIAN),
            b.getInt(ip + IP_DESTINATION, ByteOrder.BIG_ENDIAN), PROTOCOL_TCP, tcpLength);
    }
}
