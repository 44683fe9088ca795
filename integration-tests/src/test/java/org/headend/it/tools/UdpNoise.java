package org.headend.it.tools;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;

/**
 * Sends hostile datagrams to a DTLS port from inside a client namespace and counts what comes back (nothing should:
 * no amplification, no answer to a session id the server never gave out). Kinds, in turn: random bytes of random
 * length, one byte, the largest UDP payload, ClientHellos naming random session ids, and application records with
 * random epochs, sequences and bodies.
 *
 * <p>Usage: {@code UdpNoise --host H --port P --count N}; prints {@code SENT=n REPLIES=m}.
 */
public final class UdpNoise
{
    private UdpNoise()
    {
    }

    public static void main(final String[] argv) throws IOException
    {
        final Args args = new Args(argv);
        final InetSocketAddress target = new InetSocketAddress(args.require("host"), Integer.parseInt(args.require("port")));
        final int count = Integer.parseInt(args.require("count"));
        final SecureRandom random = new SecureRandom();
        int sent = 0;
        int replies = 0;
        try (DatagramSocket socket = new DatagramSocket())
        {
            socket.setSoTimeout(1);
            for (int i = 0; i < count; i++)
            {
                final byte[] datagram = datagram(i % 5, random);
                socket.send(new DatagramPacket(datagram, datagram.length, target));
                sent++;
                replies += drain(socket);
            }
            socket.setSoTimeout(500);
            replies += drain(socket);
        }
        System.out.println("SENT=" + sent + " REPLIES=" + replies);
    }

    private static byte[] datagram(final int kind, final SecureRandom random)
    {
        return switch (kind)
        {
            case 0 ->
            {
                final byte[] b = new byte[1 + random.nextInt(1500)];
                random.nextBytes(b);
                yield b;
            }
            case 1 -> new byte[] {0x17};
            case 2 ->
            {
                final byte[] b = new byte[65507];
                random.nextBytes(b);
                yield b;
            }
            case 3 -> clientHello(random);
            default ->
            {
                final byte[] b = new byte[13 + 8 + 1 + 84 + 16];
                random.nextBytes(b);
                b[0] = 23;
                b[1] = (byte)0xFE;
                b[2] = (byte)0xFD;
                b[11] = (byte)((b.length - 13) >>> 8);
                b[12] = (byte)(b.length - 13);
                yield b;
            }
        };
    }

    /** A well-formed first ClientHello fragment whose session_id is 32 random bytes. */
    private static byte[] clientHello(final SecureRandom random)
    {
        final byte[] b = new byte[13 + 12 + 2 + 32 + 1 + 32 + 1 + 4 + 2];
        b[0] = 22;
        b[1] = (byte)0xFE;
        b[2] = (byte)0xFF;
        final int body = b.length - 13 - 12;
        b[11] = (byte)((b.length - 13) >>> 8);
        b[12] = (byte)(b.length - 13);
        b[13] = 1;
        b[16] = (byte)body;
        b[24] = (byte)body;
        b[25] = (byte)0xFE;
        b[26] = (byte)0xFD;
        final byte[] randomAndId = new byte[32];
        random.nextBytes(randomAndId);
        System.arraycopy(randomAndId, 0, b, 27, 32);
        b[59] = 32;
        random.nextBytes(randomAndId);
        System.arraycopy(randomAndId, 0, b, 60, 32);
        b[93] = 0;
        b[94] = 2;
        b[95] = 0x00;
        b[96] = (byte)0xA8;
        b[97] = 1;
        return b;
    }

    private static int drain(final DatagramSocket socket) throws IOException
    {
        int n = 0;
        final DatagramPacket in = new DatagramPacket(new byte[65535], 65535);
        while (true)
        {
            try
            {
                socket.receive(in);
                n++;
            }
            catch (final SocketTimeoutException ex)
            {
                return n;
            }
        }
    }
}
