package org.headend.dataplane.wire;

/** Builds small IPv4 and IPv6 packets for tests. */
public final class Packets
{
    private Packets()
    {
    }

    /** A 28-byte IPv4/ICMP echo request from {@code source} to {@code destination} (checksums not needed here). */
    public static byte[] ipv4(final int source, final int destination, final int length)
    {
        final byte[] packet = new byte[length];
        packet[0] = 0x45;
        packet[2] = (byte)(length >>> 8);
        packet[3] = (byte)length;
        packet[8] = 64;
        packet[9] = 1;
        putInt(packet, 12, source);
        putInt(packet, 16, destination);
        for (int i = 20; i < length; i++)
        {
            packet[i] = (byte)i;
        }
        return packet;
    }

    /** An IPv6/ICMPv6 packet of {@code length} bytes from {@code source} to {@code destination} (16 bytes each). */
    public static byte[] ipv6(final byte[] source, final byte[] destination, final int length)
    {
        final byte[] packet = new byte[length];
        packet[0] = 0x60;
        packet[4] = (byte)((length - 40) >>> 8);
        packet[5] = (byte)(length - 40);
        packet[6] = 58;
        packet[7] = 64;
        System.arraycopy(source, 0, packet, 8, 16);
        System.arraycopy(destination, 0, packet, 24, 16);
        for (int i = 40; i < length; i++)
        {
            packet[i] = (byte)i;
        }
        return packet;
    }

    /** The 16 bytes of an IPv6 literal. */
    public static byte[] address6(final String literal)
    {
        try
        {
            return java.net.InetAddress.getByName(literal).getAddress();
        }
        catch (final java.net.UnknownHostException ex)
        {
            throw new IllegalArgumentException(ex);
        }
    }

    /** The big-endian int of a dotted quad. */
    public static int address(final int a, final int b, final int c, final int d)
    {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    /** A CSTP frame of {@code type} around {@code payload}. */
    public static byte[] cstp(final int type, final byte[] payload)
    {
        final byte[] frame = new byte[8 + payload.length];
        frame[0] = 'S';
        frame[1] = 'T';
        frame[2] = 'F';
        frame[3] = 1;
        frame[4] = (byte)(payload.length >>> 8);
        frame[5] = (byte)payload.length;
        frame[6] = (byte)type;
        System.arraycopy(payload, 0, frame, 8, payload.length);
        return frame;
    }

    private static void putInt(final byte[] b, final int at, final int v)
    {
        b[at] = (byte)(v >>> 24);
        b[at + 1] = (byte)(v >>> 16);
        b[at + 2] = (byte)(v >>> 8);
        b[at + 3] = (byte)v;
    }
}
