package org.headend.dataplane.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The datagrams of one client while its DTLS handshake is decided and run: the UDP port creates it on the first
 * ClientHello (so that nothing the client sends next is lost while control decides), the handshake thread reads
 * from it. Bounded; what does not fit is dropped, as a lossy network would.
 */
public final class HandshakeQueue implements HandshakeSink
{
    private static final int CAPACITY = 32;

    private final BlockingQueue<byte[]> datagrams = new ArrayBlockingQueue<>(CAPACITY);

    @Override
    public boolean offer(final byte[] datagram)
    {
        return datagrams.offer(datagram);
    }

    /** The next datagram, waiting at most {@code waitMillis}; null when none came. Handshake thread. */
    public byte[] poll(final int waitMillis) throws InterruptedException
    {
        return datagrams.poll(waitMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public List<byte[]> takeLeftovers()
    {
        final List<byte[]> leftovers = new ArrayList<>(datagrams.size());
        datagrams.drainTo(leftovers);
        return leftovers;
    }
}
