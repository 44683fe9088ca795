package org.headend.nativecfg.tun;

import org.headend.nativecfg.libc.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One queue of a multi-queue TUN device: one non-blocking fd carrying whole IP packets, no packet-info header.
 * <p>
 * Threading: {@link #read} is for one reader thread and {@link #write} for one writer thread; the two may be
 * different threads because each direction keeps its own errno capture and buffer cache. The queue is closed by
 * its {@link TunDevice} and must not be used after that: the fd number may already belong to something else.
 * <p>
 * Neither method allocates once it has seen a buffer: the buffer's native address is computed the first time a
 * given {@link ByteBuffer} is passed and cached until a different one is. Pass the same (large) direct buffer with
 * varying offsets, e.g. a ring's backing buffer, rather than a fresh slice per packet.
 */
public final class TunQueue
{
    /** Nothing to read, or the kernel could not take the packet right now; try again after the next wake-up. */
    public static final int WOULD_BLOCK = -1;

    /** The call failed for another reason; see {@link #lastReadErrno()} or {@link #lastWriteErrno()}. */
    public static final int ERROR = -2;

    // Each capture segment gets cache lines of its own: the kernel call path writes errno on every call, and a
    // reader and a writer on different cores would otherwise fight over one line.
    private static final long CAPTURE_SLOT_SIZE = 128;
    private static final long CAPTURE_SLOT_ALIGNMENT = 64;

    private final int index;
    private int fd;

    private final MemorySegment readCapture;
    private ByteBuffer readBuffer;
    private long readBaseAddress;
    private int lastReadErrno;

    private final MemorySegment writeCapture;
    private ByteBuffer writeBuffer;
    private long writeBaseAddress;
    private int lastWriteErrno;

    TunQueue(final int index, final int fd)
    {
        this.index = index;
        this.fd = fd;
        final Arena arena = Arena.ofAuto();
        readCapture = arena.allocate(CAPTURE_SLOT_SIZE, CAPTURE_SLOT_ALIGNMENT);
        writeCapture = arena.allocate(CAPTURE_SLOT_SIZE, CAPTURE_SLOT_ALIGNMENT);
    }

    /**
     * Read one packet. Non-blocking and allocation-free after the first call with a given buffer.
     *
     * @param buffer    direct, writable buffer; its position and limit are ignored and not changed.
     * @param offset    absolute index in {@code buffer} of the packet's first byte.
     * @param maxLength room available; should be at least the device MTU or the kernel truncates the packet.
     * @return packet length, {@link #WOULD_BLOCK} if no packet is queued, or {@link #ERROR}.
     * @throws IllegalArgumentException  if the buffer is not direct or is read-only.
     * @throws IndexOutOfBoundsException if the range does not fit the buffer's capacity.
     */
    public int read(final ByteBuffer buffer, final int offset, final int maxLength)
    {
        if (buffer != readBuffer)
        {
            if (buffer.isReadOnly())
            {
                throw new IllegalArgumentException("cannot read a packet into a read-only buffer");
            }
            readBaseAddress = baseAddress(buffer);
            // Also keeps the buffer reachable while the kernel writes into it.
            readBuffer = buffer;
        }
        Objects.checkFromIndexSize(offset, maxLength, buffer.capacity());

        final long result = Libc.read(readCapture, fd, readBaseAddress + offset, maxLength);
        if (result >= 0)
        {
            return (int)result;
        }

        final int errno = Libc.errno(readCapture);
        if (errno == Libc.EAGAIN || errno == Libc.EINTR)
        {
            return WOULD_BLOCK;
        }
        lastReadErrno = errno;
        return ERROR;
    }

    /**
     * Write one packet. Non-blocking and allocation-free after the first call with a given buffer.
     *
     * @param buffer direct buffer, may be read-only; its position and limit are ignored and not changed.
     * @param offset absolute index in {@code buffer} of the packet's first byte (the IP version nibble).
     * @param length packet length.
     * @return bytes written (the whole packet), {@link #WOULD_BLOCK}, or {@link #ERROR}; the kernel answers a
     *         malformed packet with EINVAL.
     * @throws IllegalArgumentException  if the buffer is not direct.
     * @throws IndexOutOfBoundsException if the range does not fit the buffer's capacity.
     */
    public int write(final ByteBuffer buffer, final int offset, final int length)
    {
        if (buffer != writeBuffer)
        {
            writeBaseAddress = baseAddress(buffer);
            // Also keeps the buffer reachable while the kernel reads from it.
            writeBuffer = buffer;
        }
        Objects.checkFromIndexSize(offset, length, buffer.capacity());

        final long result = Libc.write(writeCapture, fd, writeBaseAddress + offset, length);
        if (result >= 0)
        {
            return (int)result;
        }

        final int errno = Libc.errno(writeCapture);
        if (errno == Libc.EAGAIN || errno == Libc.EINTR)
        {
            return WOULD_BLOCK;
        }
        lastWriteErrno = errno;
        return ERROR;
    }

    /**
     * @return errno of the last {@link #read} that returned {@link #ERROR}; reader thread only.
     */
    public int lastReadErrno()
    {
        return lastReadErrno;
    }

    /**
     * @return errno of the last {@link #write} that returned {@link #ERROR}; writer thread only.
     */
    public int lastWriteErrno()
    {
        return lastWriteErrno;
    }

    /**
     * @return the fd, for a {@link org.headend.nativecfg.event.Poller}; -1 once closed.
     */
    public int fd()
    {
        return fd;
    }

    /**
     * @return this queue's position in its device, from 0.
     */
    public int index()
    {
        return index;
    }

    void close()
    {
        Libc.close(fd);
        fd = -1;
    }

    private static long baseAddress(final ByteBuffer buffer)
    {
        if (!buffer.isDirect())
        {
            throw new IllegalArgumentException("TUN I/O needs a direct ByteBuffer");
        }
        // A buffer segment spans position..limit; step back to index 0 so offsets are absolute like ByteBuffer's.
        return MemorySegment.ofBuffer(buffer).address() - buffer.position();
    }
}
