package org.headend.nativecfg.event;

import org.headend.nativecfg.libc.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A non-blocking eventfd used as a doorbell: producers {@link #signal()} after publishing work, the consumer waits
 * on {@link #fd()} in a {@link Poller} and {@link #drain()}s before looking for work, so a signal that races with
 * the drain is never lost.
 * <p>
 * Threading: {@link #signal()} from any number of threads; {@link #drain()} from the one consumer thread;
 * {@link #close()} after both sides have stopped, since a closed fd number can be reused by the process.
 */
public final class EventFd implements AutoCloseable
{
    private static final long COUNTER_SIZE = 8;

    // Final so that producer threads see it without further synchronisation.
    private final int fd;
    private boolean closed;
    // Written once here and only read afterwards, so all producers can share it.
    private final long oneAddress;
    // Keeps the automatic arena, and so the memory behind oneAddress, reachable.
    private final MemorySegment one;
    private final MemorySegment drainCounter;
    private final MemorySegment drainCapture;

    private EventFd(final int fd, final Arena arena, final MemorySegment capture)
    {
        this.fd = fd;
        one = arena.allocate(COUNTER_SIZE, COUNTER_SIZE);
        one.set(JAVA_LONG, 0, 1L);
        oneAddress = one.address();
        drainCounter = arena.allocate(COUNTER_SIZE, COUNTER_SIZE);
        drainCapture = capture;
    }

    /**
     * @return a new eventfd with counter 0, non-blocking and close-on-exec.
     * @throws org.headend.nativecfg.NativeCallException if the kernel refuses.
     */
    public static EventFd create()
    {
        final Arena arena = Arena.ofAuto();
        final MemorySegment capture = Libc.allocateCapture(arena);
        final int fd = (int)Libc.check(
            Libc.eventfd(capture, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC), capture, "eventfd");
        return new EventFd(fd, arena, capture);
    }

    /**
     * Make the fd readable and wake a waiting {@link Poller}. Allocation-free, safe from any thread.
     *
     * @return true if the counter was raised; false only if it was saturated, in which case a wake-up is pending
     *         anyway.
     */
    public boolean signal()
    {
        return Libc.writeIgnoringErrno(fd, oneAddress, COUNTER_SIZE) == COUNTER_SIZE;
    }

    /**
     * Reset the counter so the fd stops being readable. Allocation-free; consumer thread only.
     *
     * @return number of signals since the last drain, 0 if there were none.
     */
    public long drain()
    {
        final long result = Libc.read(drainCapture, fd, drainCounter.address(), COUNTER_SIZE);
        return result == COUNTER_SIZE ? drainCounter.get(JAVA_LONG, 0) : 0;
    }

    /**
     * @return the fd to register with a {@link Poller}.
     */
    public int fd()
    {
        return fd;
    }

    /**
     * Close the fd. Idempotent.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            Libc.close(fd);
        }
    }
}
