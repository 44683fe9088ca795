package org.headend.nativecfg.tun;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Just enough IPv4 (RFC 791) and ICMP echo (RFC 792) to talk to the kernel through a TUN device in tests.
 * All methods use absolute indices and leave position and limit alone.
 */
final class Ipv4Icmp
{
    static final int IP_HEADER_LENGTH = 20;
    static final int ICMP_HEADER_LENGTH = 8;
    static final int PROTOCOL_ICMP = 1;
    static final int ECHO_REPLY = 0;
    static final int ECHO_REQUEST = 8;

    private static final int TTL_OFFSET = 8;
    private static final int PROTOCOL_OFFSET = 9;
    private static final int IP_CHECKSUM_OFFSET = 10;
    private static final int SOURCE_OFFSET = 12;
    private static final int DESTINATION_OFFSET = 16;
    private static final int ICMP_CHECKSUM_OFFSET = 2;

    private Ipv4Icmp()
    {
    }

    /**
     * @return true if the packet at {@code offset} is IPv4/ICMP of {@code icmpType} addressed to {@code to}.
     */
    static boolean isIcmp(final ByteBuffer buffer, final int offset, final int length, final int icmpType,
        final byte[] to)
    {
        if (length < IP_HEADER_LENGTH + ICMP_HEADER_LENGTH || (buffer.get(offset) >> 4) != 4 ||
            buffer.get(offset + PROTOCOL_OFFSET) != PROTOCOL_ICMP)
        {
            return false;
        }
        for (int i = 0; i < 4; i++)
        {
            if (buffer.get(offset + DESTINATION_OFFSET + i) != to[i])
            {
                return false;
            }
        }
        return buffer.get(offset + headerLength(buffer, offset)) == icmpType;
    }

    /**
     * Write an echo request with {@code payloadLength} bytes of payload.
     *
     * @return the packet length.
     */
    static int writeEchoRequest(final ByteBuffer buffer, final int offset, final InetAddress from,
        final InetAddress to, final int id, final int sequence, final int payloadLength)
    {
        final int total = IP_HEADER_LENGTH + ICMP_HEADER_LENGTH + payloadLength;
        buffer.put(offset, (byte)0x45);
        buffer.put(offset + 1, (byte)0);
        buffer.putShort(offset + 2, (short)total);
        buffer.putInt(offset + 4, 0x4000_0000);
        buffer.put(offset + TTL_OFFSET, (byte)64);
        buffer.put(offset + PROTOCOL_OFFSET, (byte)PROTOCOL_ICMP);
        buffer.put(offset + SOURCE_OFFSET, from.getAddress());
        buffer.put(offset + DESTINATION_OFFSET, to.getAddress());

        final int icmp = offset + IP_HEADER_LENGTH;
        buffer.put(icmp, (byte)ECHO_REQUEST);
        buffer.put(icmp + 1, (byte)0);
        buffer.putShort(icmp + 4, (short)id);
        buffer.putShort(icmp + 6, (short)sequence);
        for (int i = 0; i < payloadLength; i++)
        {
            buffer.put(icmp + ICMP_HEADER_LENGTH + i, (byte)i);
        }
        fixChecksums(buffer, offset, total);
        return total;
    }

    /**
     * Turn the echo request at {@code offset} into the reply its destination would send, in place.
     */
    static void turnIntoEchoReply(final ByteBuffer buffer, final int offset, final int length)
    {
        for (int i = 0; i < 4; i++)
        {
            final byte source = buffer.get(offset + SOURCE_OFFSET + i);
            buffer.put(offset + SOURCE_OFFSET + i, buffer.get(offset + DESTINATION_OFFSET + i));
            buffer.put(offset + DESTINATION_OFFSET + i, source);
        }
        buffer.put(offset + TTL_OFFSET, (byte)64);
        buffer.put(offset + headerLength(buffer, offset), (byte)ECHO_REPLY);
        fixChecksums(buffer, offset, length);
    }

    /**
     * RFC 1071 Internet checksum.
     */
    static int checksum(final ByteBuffer buffer, final int offset, final int length)
    {
        long sum = 0;
        int i = 0;
        for (; i + 1 < length; i += 2)
        {
            sum += buffer.getShort(offset + i) & 0xFFFF;
        }
        if (i < length)
        {
            sum += (buffer.get(offset + i) & 0xFF) << 8;
        }
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    private static void fixChecksums(final ByteBuffer buffer, final int offset, final int length)
    {
        final int headerLength = headerLength(buffer, offset);
        buffer.putShort(offset + IP_CHECKSUM_OFFSET, (short)0);
        buffer.putShort(offset + IP_CHECKSUM_OFFSET, (short)checksum(buffer, offset, headerLength));
        final int icmp = offset + headerLength;
        buffer.putShort(icmp + ICMP_CHECKSUM_OFFSET, (short)0);
        buffer.putShort(icmp + ICMP_CHECKSUM_OFFSET, (short)checksum(buffer, icmp, length - headerLength));
    }

    private static int headerLength(final ByteBuffer buffer, final int offset)
    {
        return (buffer.get(offset) & 0x0F) * 4;
    }
}
