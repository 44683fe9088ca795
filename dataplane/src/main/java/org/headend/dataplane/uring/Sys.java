package org.headend.dataplane.uring;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * The system calls this package makes, bound once through the FFM linker: the three io_uring calls through
 * {@code syscall(2)} (glibc has no wrappers and liburing is not needed for so few), plus the socket and mmap calls
 * from libc. Every call that can fail reports errno through a capture segment its caller owns, so the packet path
 * ({@link #ioUringEnter}) allocates nothing.
 */
final class Sys
{
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EBUSY = 16;
    static final int ETIME = 62;
    static final int ENOBUFS = 105;
    static final int ECANCELED = 125;

    private static final long NR_IO_URING_SETUP = 425;
    private static final long NR_IO_URING_ENTER = 426;
    private static final long NR_IO_URING_REGISTER = 427;

    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;

    static final int PROT_READ_WRITE = 0x3;
    static final int MAP_SHARED_POPULATE = 0x01 | 0x8000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CAPTURE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");

    // syscall(long number, ...): every argument passed as a long, which is how the kernel takes them on x86-64.
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
        LINKER.defaultLookup().findOrThrow("syscall"),
        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
        ERRNO, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle MMAP = bind("mmap",
        FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = bind("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle SOCKET = bind("socket",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = bind("getsockname",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SETSOCKOPT = bind("setsockopt",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
        LINKER.defaultLookup().findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Sys()
    {
    }

    private static MethodHandle bind(final String name, final FunctionDescriptor descriptor)
    {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor, ERRNO);
    }

    static MemorySegment allocateCapture(final Arena arena)
    {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    static int errno(final MemorySegment capture)
    {
        return capture.get(JAVA_INT, ERRNO_OFFSET);
    }

    /** io_uring_setup(2): the ring's fd, or -errno. */
    static long ioUringSetup(final MemorySegment capture, final int entries, final MemorySegment params)
    {
        return syscall(capture, NR_IO_URING_SETUP, entries, params.address(), 0, 0, 0, 0);
    }

    /** io_uring_enter(2): submissions consumed, or -errno. Allocates nothing. */
    static long ioUringEnter(final MemorySegment capture, final int fd, final int toSubmit, final int minComplete,
        final int flags, final long arg, final long argSize)
    {
        return syscall(capture, NR_IO_URING_ENTER, fd, toSubmit, minComplete, flags, arg, argSize);
    }

    /** io_uring_register(2): its result, or -errno. */
    static long ioUringRegister(final MemorySegment capture, final int fd, final int opcode, final MemorySegment arg,
        final int count)
    {
        return syscall(capture, NR_IO_URING_REGISTER, fd, opcode, arg.address(), count, 0, 0);
    }

    private static long syscall(final MemorySegment capture, final long number, final long a1, final long a2,
        final long a3, final long a4, final long a5, final long a6)
    {
        final long rc;
        try
        {
            rc = (long)SYSCALL.invokeExact(capture, number, a1, a2, a3, a4, a5, a6);
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException(t);
        }
        return rc == -1 ? -errno(capture) : rc;
    }

    /** mmap(2) of an io_uring region; throws on failure. */
    static MemorySegment mmap(final MemorySegment capture, final long length, final int fd, final long offset)
    {
        final MemorySegment address;
        try
        {
            address = (MemorySegment)MMAP.invokeExact(capture, MemorySegment.NULL, length, PROT_READ_WRITE,
                MAP_SHARED_POPULATE, fd, offset);
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException(t);
        }
        if (address.address() == -1L)
        {
            throw failure("mmap(io_uring offset 0x" + Long.toHexString(offset) + ")", errno(capture));
        }
        return address.reinterpret(length);
    }

    static void munmap(final MemorySegment capture, final MemorySegment region)
    {
        try
        {
            final int ignored = (int)MUNMAP.invokeExact(capture, region, region.byteSize());
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException(t);
        }
    }

    static int socket(final MemorySegment capture, final int domain, final int type)
    {
        final int fd;
        try
        {
            fd = (int)SOCKET.invokeExact(capture, domain, type, 0);
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException(t);
        }
        return check(fd, capture, "socket");
    }

    static int bind(final MemorySegment capture, final int fd, final MemorySegment sockaddr)
    {
        try
        {
            return (int)BIND.invokeExact(capture, fd, sockaddr, (int)sockaddr.byteSize());
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException(t);
        }
    }

    static int getsockname(final MemorySegment capture, final int fd, final MemorySegment sockaddr,
        final MemorySegment length)
    {
        try
        {
            return (int)GETSOCKNAME.invokeExact(capture, fd, sockaddr, length);
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException(t);
        }
    }

    static int setsockopt(final MemorySegment capture, final int fd, final int level, final int name,
        final MemorySegment value)
    {
        try
        {
            return (int)SETSOCKOPT.invokeExact(capture, fd, level, name, value, (int)value.byteSize());
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException(t);
        }
    }

    static void close(final MemorySegment capture, final int fd)
    {
        try
        {
            final int ignored = (int)CLOSE.invokeExact(capture, fd);
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException(t);
        }
    }

    static int check(final int rc, final MemorySegment capture, final String what)
    {
        if (rc < 0)
        {
            throw failure(what, errno(capture));
        }
        return rc;
    }

    static UringException failure(final String what, final int errno)
    {
        return new UringException(what + ": " + strerror(errno) + " (errno " + errno + ")", errno);
    }

    static String strerror(final int errno)
    {
        try
        {
            final MemorySegment text = (MemorySegment)STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        }
        catch (final Throwable t)
        {
            return "errno " + errno;
        }
    }
}
