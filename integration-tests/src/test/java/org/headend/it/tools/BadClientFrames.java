package org.headend.it.tools;

/**
 * The malformed CSTP frames BadClient sends. A CSTP frame is {@code 53 54 46 01} ("STF", version 1), the payload
 * length (big-endian 16 bits), the type (0x00 DATA) and a zero byte, then the payload.
 */
public final class BadClientFrames
{
    private static final int TYPE_DATA = 0x00;

    private BadClientFrames()
    {
    }

    /** A DATA frame with magic "STX" carrying a valid 28-byte ICMP echo. */
    public static byte[] badMagic()
    {
        final byte[] ping = icmpEcho();
        final byte[] frame = header(0x58, ping.length);
        System.arraycopy(ping, 0, frame, 8, ping.length);
        return frame;
    }

    /** A DATA frame whose declared and actual payload is 600 bytes beyond the MTU (one TLS record). */
    public static byte[] tooLong(final int mtu)
    {
        final int length = mtu + 600;
        final byte[] frame = header(0x46, length);
        // an IPv4 header claiming the same total length, protocol UDP
        frame[8] = 0x45;
        frame[8 + 2] = (byte)(length >> 8);
        frame[8 + 3] = (byte)length;
        frame[8 + 8] = 64;
        frame[8 + 9] = 17;
        return frame;
    }

    private static byte[] header(final int thirdMagicByte, final int length)
    {
        final byte[] frame = new byte[8 + length];
        frame[0] = 0x53;
        frame[1] = 0x54;
        frame[2] = (byte)thirdMagicByte;
        frame[3] = 0x01;
        frame[4] = (byte)(length >> 8);
        frame[5] = (byte)length;
        frame[6] = TYPE_DATA;
        return frame;
    }

    /** ICMP echo 192.0.2.70 → 192.0.2.130, checksums valid (example from the tunnel protocol notes). */
    private static byte[] icmpEcho()
    {
        final int[] bytes = {0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0xf6, 0x17, 0xc0, 0x00, 0x02,
            0x46, 0xc0, 0x00, 0x02, 0x82, 0x08, 0x00, 0xe5, 0xca, 0x12, 0x34, 0x00, 0x01};
        final byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++)
        {
            out[i] = (byte)bytes[i];
        }
        return out;
    }

    /** A keepalive frame (type 0x07, no payload). */
    public static byte[] keepalive()
    {
        final byte[] frame = header(0x46, 0);
        frame[6] = 0x07;
        return frame;
    }

    /**
     * A DATA frame holding an IPv4 ICMP echo request of {@code length} bytes in all from {@code source} to
     * {@code destination}, checksums valid: its answer comes back the same size.
     */
    public static byte[] echoRequest(final byte[] source, final byte[] destination, final int length, final int seq)
    {
        final byte[] frame = header(0x46, length);
        final int ip = 8;
        frame[ip] = 0x45;
        frame[ip + 2] = (byte)(length >> 8);
        frame[ip + 3] = (byte)length;
        frame[ip + 4] = (byte)(seq >> 8);
        frame[ip + 5] = (byte)seq;
        frame[ip + 8] = 64;
        frame[ip + 9] = 1;
        System.arraycopy(source, 0, frame, ip + 12, 4);
        System.arraycopy(destination, 0, frame, ip + 16, 4);
        putChecksum(frame, ip, 20, ip + 10);
        final int icmp = ip + 20;
        frame[icmp] = 8;
        frame[icmp + 4] = 0x12;
        frame[icmp + 5] = 0x34;
        frame[icmp + 6] = (byte)(seq >> 8);
        frame[icmp + 7] = (byte)seq;
        putChecksum(frame, icmp, length - 20, icmp + 2);
        return frame;
    }

    /** The Internet checksum of {@code length} bytes at {@code from}, written big-endian at {@code at}. */
    private static void putChecksum(final byte[] b, final int from, final int length, final int at)
    {
        long sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            sum += ((b[from + i] & 0xFF) << 8) | (i + 1 < length ? b[from + i + 1] & 0xFF : 0);
        }
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        b[at] = (byte)(~sum >> 8);
        b[at + 1] = (byte)~sum;
    }
}
