package org.headend.dataplane.offload;

import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;

/**
 * The 10-byte {@code struct virtio_net_hdr} a TUN device opened with {@code IFF_VNET_HDR} puts before every packet
 * (virtio 1.x §5.1.6): how the kernel and the reader hand each other GSO super-packets and partial checksums.
 * Little-endian, as the TUN driver uses it on this platform.
 */
public final class VirtioNetHeader
{
    public static final int LENGTH = 10;
    /** Flags, {@link #F_NEEDS_CSUM}. */
    public static final int FLAGS_OFFSET = 0;
    /** {@link #GSO_NONE} or {@link #GSO_TCPV4}. */
    public static final int GSO_TYPE_OFFSET = 1;
    /** Bytes of L3 and L4 headers (a hint). */
    public static final int HDR_LEN_OFFSET = 2;
    /** Payload bytes per segment of a super-packet. */
    public static final int GSO_SIZE_OFFSET = 4;
    /** Where the partial checksum's sum starts, from the start of the IP header. */
    public static final int CSUM_START_OFFSET = 6;
    /** Where, after csum_start, the checksum is stored. */
    public static final int CSUM_OFFSET_OFFSET = 8;

    /** The L4 checksum field holds only the pseudo-header sum: whoever sends the packet on completes it. */
    public static final int F_NEEDS_CSUM = 1;
    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    /** Added to a GSO type when ECN (CWR) is in play. */
    public static final int GSO_ECN = 0x80;

    private VirtioNetHeader()
    {
    }

    public static int flags(final org.agrona.DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + FLAGS_OFFSET) & 0xFF;
    }

    public static int gsoType(final org.agrona.DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + GSO_TYPE_OFFSET) & 0xFF;
    }

    public static int gsoSize(final org.agrona.DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + GSO_SIZE_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    public static int csumStart(final org.agrona.DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + CSUM_START_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    public static int csumOffset(final org.agrona.DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + CSUM_OFFSET_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    /** A header that says: a complete, ordinary packet. */
    public static void writePlain(final MutableDirectBuffer buffer, final int offset)
    {
        buffer.setMemory(offset, LENGTH, (byte)0);
    }

    /** A header for a TCP/IPv4 super-packet whose TCP checksum holds the pseudo-header sum. */
    public static void writeTcp4Gso(final MutableDirectBuffer buffer, final int offset, final int headersLength,
        final int gsoSize, final int ipHeaderLength)
    {
        buffer.putByte(offset + FLAGS_OFFSET, (byte)F_NEEDS_CSUM);
        buffer.putByte(offset + GSO_TYPE_OFFSET, (byte)GSO_TCPV4);
        buffer.putShort(offset + HDR_LEN_OFFSET, (short)headersLength, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(offset + GSO_SIZE_OFFSET, (short)gsoSize, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(offset + CSUM_START_OFFSET, (short)ipHeaderLength, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(offset + CSUM_OFFSET_OFFSET, (short)16, ByteOrder.LITTLE_ENDIAN);
    }
}
