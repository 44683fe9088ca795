package org.headend.control.dtls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.bouncycastle.tls.DatagramTransport;
import org.headend.dataplane.dtls.DtlsPort;

/**
 * BouncyCastle's view of one client's UDP flow while its DTLS handshake runs: the port queues that client's
 * datagrams here ({@link #test}, bounded, extra ones dropped as a lossy network would) and BC's flights go out through
 * the port.
 */
final class HandshakeTransport implements DatagramTransport, Predicate<byte[]>
{
    private static final int QUEUE = 32;
    private static final int RECEIVE_LIMIT = 16 * 1024;
    /** BC fragments handshake messages to fit; the PSK and resumption flights are far smaller anyway. */
    private static final int SEND_LIMIT = 1200;

    private final DtlsPort port;
    private final InetSocketAddress peer;
    private final BlockingQueue<byte[]> received = new ArrayBlockingQueue<>(QUEUE);

    HandshakeTransport(final DtlsPort port, final InetSocketAddress peer)
    {
        this.port = port;
        this.peer = peer;
    }

    InetSocketAddress peer()
    {
        return peer;
    }

    /** Called on the UDP event loop with a copy of each datagram from the peer. */
    @Override
    public boolean test(final byte[] datagram)
    {
        return received.offer(datagram);
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
            final byte[] datagram = received.poll(waitMillis, TimeUnit.MILLISECONDS);
            if (datagram == null)
            {
                return -1;
            }
            final int n = Math.min(len, datagram.length);
            System.arraycopy(datagram, 0, buf, off, n);
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
        port.send(peer, buf, off, len);
    }

    @Override
    public void close()
    {
        received.clear();
    }
}
