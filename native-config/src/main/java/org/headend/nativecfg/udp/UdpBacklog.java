package org.headend.nativecfg.udp;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.headend.nativecfg.libc.Libc;

/**
 * Whether a datagram is waiting in a UDP socket's receive queue: ioctl(FIONREAD), which for UDP gives the length of
 * the first queued datagram. The kernel's io_uring hint for this (IORING_CQE_F_SOCK_NONEMPTY) is only set for
 * stream sockets. One syscall, nothing allocated: the result and errno segments are allocated once.
 *
 * <p>The socket is set once it is bound (any thread); the queries are made by the socket's event loop.
 */
public final class UdpBacklog
{
    /** FIONREAD, also SIOCINQ. */
    private static final long FIONREAD = 0x541B;

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment capture = Libc.allocateCapture(arena);
    private final MemorySegment length = arena.allocate(JAVA_INT);
    private volatile int fd = -1;

    /** The socket to look at, once bound; it stays its owner's (this never closes it). */
    public void socket(final int socketFd)
    {
        this.fd = socketFd;
    }

    /** Whether a datagram (of at least one byte) is queued; false before {@link #socket} and on any error. */
    public boolean datagramWaiting()
    {
        return firstDatagramLength() > 0;
    }

    /**
     * The length of the datagram at the head of the queue: 0 when none is queued (or it is empty), before
     * {@link #socket} and on any error.
     */
    public int firstDatagramLength()
    {
        final int socket = fd;
        if (socket < 0 || Libc.ioctl(capture, socket, FIONREAD, length) != 0)
        {
            return 0;
        }
        return Math.max(0, length.get(JAVA_INT, 0));
    }
}
