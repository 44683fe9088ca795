package org.headend.nativecfg.event;

import org.headend.nativecfg.libc.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Waits until any of a fixed set of fds is readable or a timeout passes, with ppoll(2) over a pollfd array
 * allocated once. This is the blocking end of the TUN agent's idle strategy: it sleeps on its TUN queue fd and
 * on an {@link EventFd} that producers signal.
 * <p>
 * Threading: one owner thread calls {@link #poll(long)} and then the query methods. The Poller does not own the
 * fds and never closes them. {@link #poll(long)} and the queries do not allocate.
 */
public final class Poller
{
    /** ppoll failed for a reason other than a signal; see {@link #lastErrno()}. */
    public static final int ERROR = -1;

    private static final long POLLFD_SIZE = 8;
    private static final long EVENTS_OFFSET = 4;
    private static final long REVENTS_OFFSET = 6;
    private static final long TIMESPEC_SIZE = 16;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int count;
    private final MemorySegment pollFds;
    private final MemorySegment timeout;
    private final MemorySegment capture;
    private int lastErrno;

    /**
     * @param fds the fds to watch for readability; index {@code i} of this array is index {@code i} of the
     *            query methods.
     */
    public Poller(final int... fds)
    {
        if (fds.length == 0)
        {
            throw new IllegalArgumentException("nothing to poll");
        }
        count = fds.length;
        final Arena arena = Arena.ofAuto();
        pollFds = arena.allocate(POLLFD_SIZE * count, 8);
        for (int i = 0; i < count; i++)
        {
            pollFds.set(JAVA_INT, i * POLLFD_SIZE, fds[i]);
            pollFds.set(JAVA_SHORT, i * POLLFD_SIZE + EVENTS_OFFSET, Libc.POLLIN);
        }
        timeout = arena.allocate(TIMESPEC_SIZE, 8);
        capture = Libc.allocateCapture(arena);
    }

    /**
     * Wait until at least one fd is readable (or in error), or the timeout passes.
     *
     * @param timeoutNs 0 to only check, negative to wait forever. The kernel rounds up to its timer slack
     *                  (50 µs by default).
     * @return number of fds with events; 0 on timeout or when a signal interrupted the wait; {@link #ERROR}.
     */
    public int poll(final long timeoutNs)
    {
        final MemorySegment timespec;
        if (timeoutNs < 0)
        {
            timespec = MemorySegment.NULL;
        }
        else
        {
            timeout.set(JAVA_LONG, 0, timeoutNs / NANOS_PER_SECOND);
            timeout.set(JAVA_LONG, 8, timeoutNs % NANOS_PER_SECOND);
            timespec = timeout;
        }

        final int result = Libc.ppoll(capture, pollFds, count, timespec);
        if (result >= 0)
        {
            return result;
        }

        // The kernel does not write revents when the call fails, so stale results must not survive it.
        for (int i = 0; i < count; i++)
        {
            pollFds.set(JAVA_SHORT, i * POLLFD_SIZE + REVENTS_OFFSET, (short)0);
        }
        final int errno = Libc.errno(capture);
        if (errno == Libc.EINTR)
        {
            return 0;
        }
        lastErrno = errno;
        return ERROR;
    }

    /**
     * @param index position of the fd given to the constructor.
     * @return true if the last {@link #poll(long)} found it readable.
     */
    public boolean isReadable(final int index)
    {
        return (revents(index) & Libc.POLLIN) != 0;
    }

    /**
     * @param index position of the fd given to the constructor.
     * @return true if the last {@link #poll(long)} found it in error, hung up or not open.
     */
    public boolean hasError(final int index)
    {
        return (revents(index) & (Libc.POLLERR | Libc.POLLHUP | Libc.POLLNVAL)) != 0;
    }

    /**
     * @return number of fds watched.
     */
    public int count()
    {
        return count;
    }

    /**
     * @return errno of the last {@link #poll(long)} that returned {@link #ERROR}.
     */
    public int lastErrno()
    {
        return lastErrno;
    }

    private short revents(final int index)
    {
        Objects.checkIndex(index, count);
        return pollFds.get(JAVA_SHORT, index * POLLFD_SIZE + REVENTS_OFFSET);
    }
}
