package org.headend.control.dtls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.tls.DatagramTransport;
import org.headend.dataplane.dtls.DtlsPort;
import org.headend.dataplane.dtls.HandshakeQueue;

/**
 * BouncyCastle's view of one client's UDP flow while its DTLS handshake runs: it reads the queue the port fills with
 * that client's datagrams, and BC's flights go out through the port.
 */
final class HandshakeTransport implements DatagramTransport
{
    private static final int RECEIVE_LIMIT = 16 * 1024;
    /** BC fragments handshake messages to fit; the PSK and resumption flights are far smaller anyway. */
    private static final int SEND_LIMIT = 1200;

    private final DtlsPort port;
    private final InetSocketAddress peer;
    private final HandshakeQueue received;
    /** What went out since the client's last datagram: once the handshake is over, its last flight. */
    private final List<byte[]> sentSinceReceive = new ArrayList<>();

    HandshakeTransport(final DtlsPort port, final InetSocketAddress peer, final HandshakeQueue received)
    {
        this.port = port;
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
     * handshake returned.
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
        sentSinceReceive.add(Arrays.copyOfRange(buf, off, off + len));
        port.send(peer, buf, off, len);
    }

    @Override
    public void close()
    {
        // the queue belongs to the port, which retires it when the handshake ends
    }
}
