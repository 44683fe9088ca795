package org.headend.dataplane.api;

import java.util.List;

/**
 * Where the DTLS port puts one client's datagrams while its handshake runs (on a handshake thread). When the
 * handshake is over, the datagrams that arrived after it finished are handed to the new endpoint, so the client's
 * first records are not lost.
 */
public interface HandshakeSink
{
    /** Takes a copy of one datagram; false when it had to be dropped (queue full). UDP event loop. */
    boolean offer(byte[] datagram);

    /** The datagrams queued and not consumed by the handshake, in order; the queue is empty afterwards. */
    List<byte[]> takeLeftovers();
}
