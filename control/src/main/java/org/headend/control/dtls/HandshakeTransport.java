package org.headend.control.dtls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.tls.DatagramTransport;
import org.headend.dataplane.api.HandshakeQueue;

/**
 * BouncyCastle's view of one client's UDP flow while its DTLS handshake runs: it reads the queue the port fills with
 * that client's datagrams, and BC's flights go out through the port.
 *
 * <p>BC hands over one record per {@link #send} call. They are packed and go out as one datagram per flight (as far
 * as {@link #SEND_LIMIT} allows) when BC starts waiting for the client, or when the handshake is over
 * ({@link #flush}). GnuTLS, openconnect's DTLS, needs that: after a ChangeCipherSpec that came alone it checks the
 * socket twice in a row (wait, then retransmit); a Finished that lands between the two checks is read into its
 * handshake buffer by the second, the call returns EAGAIN, and every later call waits on the socket for a message
 * it already has, so the client stays on TLS after its 12-second DTLS deadline. With ChangeCipherSpec and Finished
 * in one datagram the Finished is already in GnuTLS's record buffer when the ChangeCipherSpec is processed.
 */
final class HandshakeTransport implements DatagramTransport
{
    /** BC fragments handshake messages to fit; the PSK and resumption flights are far smaller anyway. */
    static final int SEND_LIMIT = 1200;
    private static final int RECEIVE_LIMIT = 16 * 1024;

    private final Wire wire;
    private final InetSocketAddress peer;
    private final HandshakeQueue received;
    /** What went out since the client's last datagram: once the handshake is over, its last flight. */
    private final List<byte[]> sentSinceReceive = new ArrayList<>();
    /** Records of the flight being written, not sent yet. */
    private final byte[] packed = new byte[SEND_LIMIT];
    private int packedLength;

    /** Where the datagrams to the client go (the UDP port). */
    @FunctionalInterface
    interface Wire
    {
        void send(byte[] datagram, int offset, int length);
    }

    HandshakeTransport(final Wire wire, final InetSocketAddress peer, final HandshakeQueue received)
    {
        this.wire = wire;
        this.peer = peer;
        this.received = received;
    }

    HandshakeQueue queue()
    {
        return received;
    }

    InetSocketAddress peer()
    {
        return peer;
    }

    /**
     * The datagrams of the handshake's last flight when the server spoke last (a full handshake: the client may
     * lose them and send its own flight again), empty when the client spoke last (resumption). Read after the
     * handshake returned and {@link #flush} ran.
     */
    List<byte[]> lastFlight()
    {
        return List.copyOf(sentSinceReceive);
    }

    @Override
    public int getReceiveLimit()
    {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit()
    {
        return SEND_LIMIT;
    }

    @Override
    public int receive(final byte[] buf, final int off, final int len, final int waitMillis) throws IOException
    {
        // BC waits for the client: the flight it wrote is complete
        flush();
        try
        {
            final byte[] datagram = received.poll(waitMillis);
            if (datagram == null)
            {
                return -1;
            }
            final int n = Math.min(len, datagram.length);
            System.arraycopy(datagram, 0, buf, off, n);
            sentSinceReceive.clear();
            return n;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("handshake interrupted", ex);
        }
    }

    @Override
    public void send(final byte[] buf, final int off, final int len)
    {
        if (packedLength + len > SEND_LIMIT)
        {
            flush();
        }
        if (len > SEND_LIMIT)
        {
            sendNow(Arrays.copyOfRange(buf, off, off + len));
            return;
        }
        System.arraycopy(buf, off, packed, packedLength, len);
        packedLength += len;
    }

    /** Sends the records written since the last flush as one datagram. */
    void flush()
    {
        if (packedLength > 0)
        {
            sendNow(Arrays.copyOf(packed, packedLength));
            packedLength = 0;
        }
    }

    private void sendNow(final byte[] datagram)
    {
        sentSinceReceive.add(datagram);
        wire.send(datagram, 0, datagram.length);
    }

    @Override
    public void close()
    {
        // the queue belongs to the port, which retires it when the handshake ends
    }
}
