package org.headend.dataplane.alloc;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.headend.dataplane.api.TunPort;
import org.headend.nativecfg.event.EventFd;

/**
 * A TUN queue whose inside sends one fixed packet as many times as it is told, and which counts the packets written
 * to it. Its fd is an eventfd that is readable while packets wait, so the data plane polls it as it polls a TUN
 * queue (io_uring in shared mode, ppoll in dedicated mode). Reads and writes allocate nothing.
 */
final class CountingTunQueue implements TunPort
{
    private final EventFd readable = EventFd.create();
    private final byte[] insidePacket;
    private final AtomicLong waiting = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final int expectedLength;

    /**
     * @param insidePacket   what the inside sends, again and again
     * @param expectedLength the length of every client packet written to the queue
     */
    CountingTunQueue(final byte[] insidePacket, final int expectedLength)
    {
        this.insidePacket = insidePacket;
        this.expectedLength = expectedLength;
    }

    int fd()
    {
        return readable.fd();
    }

    /** The inside sends {@code packets} more packets. Test thread. */
    void send(final long packets)
    {
        waiting.addAndGet(packets);
        readable.signal();
    }

    /** Packets sent by the inside and not yet read by the data plane. */
    long waiting()
    {
        return waiting.get();
    }

    /** Client packets written to the queue. */
    long written()
    {
        return written.get();
    }

    /** Client packets written with another length or without an IPv4 header. */
    long malformed()
    {
        return malformed.get();
    }

    @Override
    public int read(final ByteBuffer buffer, final int offset, final int maxLength)
    {
        if (waiting.get() == 0)
        {
            // like a TUN queue that ran dry: not readable until the inside sends again (checked again after the
            // drain, so a send racing with it is not lost)
            readable.drain();
            if (waiting.get() == 0)
            {
                return WOULD_BLOCK;
            }
            // a send came in between: readable again, as a TUN queue is while packets wait
            readable.signal();
        }
        waiting.decrementAndGet();
        buffer.put(offset, insidePacket, 0, insidePacket.length);
        return insidePacket.length;
    }

    @Override
    public int write(final ByteBuffer buffer, final int offset, final int length)
    {
        if (length != expectedLength || (buffer.get(offset) & 0xF0) != 0x40)
        {
            malformed.incrementAndGet();
        }
        written.incrementAndGet();
        return length;
    }

    @Override
    public void close()
    {
        readable.close();
    }
}
