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
}
