package org.headend.nativecfg.libc;

import org.headend.nativecfg.NativeCallException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc downcalls of this module, bound once into {@code static final} method handles.
 * <p>
 * Every handle that can fail takes a capture-state segment (from {@link #allocateCapture(Arena)}) as its first
 * argument, so errno is read from memory we own instead of from a thread-local that the JVM may have clobbered
 * between the call and our look at it. Callers on the packet path pre-allocate that segment once per owning
 * object; control paths may allocate one per call.
 * <p>
 * {@code read} and {@code write} take the buffer as a raw {@code long} address rather than a {@link MemorySegment}:
 * on LP64 System V a pointer and a long travel in the same register, and a raw address lets the packet path
 * point into a buffer at any offset without allocating a slice. The caller is responsible for bounds and for
 * keeping the memory reachable for the duration of the call.
 * <p>
 * All methods are thread-safe; the handles are stateless. This package is internal to native-config: nothing
 * outside the module may see a libc {@link MemorySegment}.
 */
// Binding downcalls and reading C strings are restricted operations; this class is where the module does them.
@SuppressWarnings("restricted")
public final class Libc
{
    /** open(2) flag: read only. */
    public static final int O_RDONLY = 0;
    /** open(2) flag: read and write. */
    public static final int O_RDWR = 2;
    /** open(2) flag: non-blocking I/O. */
    public static final int O_NONBLOCK = 0x800;
    /** sizeof(struct termios) is 60 on Linux x86-64 and aarch64; more room costs nothing. */
    public static final long TERMIOS_SIZE = 64;
    /** tcsetattr(3) action: apply now. */
    public static final int TCSANOW = 0;
    /** open(2) flag: a terminal opened is never made the process's controlling terminal. */
    public static final int O_NOCTTY = 0x100;
    /** open(2)/socket(2)/eventfd(2) flag: do not leak the fd into children spawned by the JVM. */
    public static final int O_CLOEXEC = 0x80000;

    /** Address family IPv4. */
    public static final int AF_INET = 2;
    /** Address family IPv6. */
    public static final int AF_INET6 = 10;
    /** Address family netlink. */
    public static final int AF_NETLINK = 16;
    /** getsockopt(2) option: the socket's address family. */
    public static final int SO_DOMAIN = 39;
    /** Socket level UDP. */
    public static final int SOL_UDP = 17;
    /** UDP option and control message: the segment size of a GSO send. */
    public static final int UDP_SEGMENT = 103;
    /** send flag: fail with EAGAIN instead of blocking. */
    public static final int MSG_DONTWAIT = 0x40;
    /** Socket type datagram. */
    public static final int SOCK_DGRAM = 2;
    /** Socket type raw. */
    public static final int SOCK_RAW = 3;
    /** Socket type flag: close on exec. */
    public static final int SOCK_CLOEXEC = O_CLOEXEC;
    /** setsockopt level for generic socket options. */
    public static final int SOL_SOCKET = 1;
    /** Receive timeout, struct timeval. */
    public static final int SO_RCVTIMEO = 20;
    /** recv(2) flag: return the real datagram length even if it was longer than the buffer. */
    public static final int MSG_TRUNC = 0x20;

    /** eventfd(2) flag: non-blocking. */
    public static final int EFD_NONBLOCK = O_NONBLOCK;
    /** eventfd(2) flag: close on exec. */
    public static final int EFD_CLOEXEC = O_CLOEXEC;

    /** setns(2) type: network namespace. */
    public static final int CLONE_NEWNET = 0x40000000;

    /** poll(2) event: data to read. */
    public static final short POLLIN = 0x1;
    /** poll(2) event: error condition. */
    public static final short POLLERR = 0x8;
    /** poll(2) event: hang up. */
    public static final short POLLHUP = 0x10;
    /** poll(2) event: fd not open. */
    public static final short POLLNVAL = 0x20;

    /** Interface name buffer size, including the terminating NUL. */
    public static final int IFNAMSIZ = 16;
    /** sizeof(struct ifreq) on x86-64 and aarch64. */
    public static final int IFREQ_SIZE = 40;
    /** Offset of the union (flags, mtu, ...) in struct ifreq. */
    public static final int IFREQ_UNION_OFFSET = 16;
    /** Interface flag: administratively up. */
    public static final int IFF_UP = 0x1;

    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** No such process; rtnetlink's "no such route". */
    public static final int ESRCH = 3;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Input/output error (on a terminal: the other end hung up). */
    public static final int EIO = 5;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** Resource temporarily unavailable: nothing to read, or no room to write, on a non-blocking fd. */
    public static final int EAGAIN = 11;
    /** File exists; rtnetlink's "address or route already present". */
    public static final int EEXIST = 17;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Cannot assign requested address; rtnetlink's "no such address". */
    public static final int EADDRNOTAVAIL = 99;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET =
        CAPTURE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final int STRERROR_BUFFER_LENGTH = 256;

    private static final MethodHandle OPEN = bind(
        "open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
        CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = MethodHandles.dropReturn(
        bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT)));
    private static final MethodHandle IOCTL = bind(
        "ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
        CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = bind(
        "read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle WRITE = bind(
        "write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle WRITE_NO_ERRNO = bind(
        "write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PPOLL = bind(
        "ppoll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle EVENTFD = bind(
        "eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle SOCKET = bind(
        "socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle BIND = bind(
        "bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle SETSOCKOPT = bind(
        "setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
        CAPTURE_ERRNO);
    private static final MethodHandle SENDTO = bind(
        "sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT),
        CAPTURE_ERRNO);
    private static final MethodHandle SENDMSG = bind(
        "sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle GETSOCKOPT = bind(
        "getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle RECVFROM = bind(
        "recvfrom", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS),
        CAPTURE_ERRNO);
    private static final MethodHandle TCGETATTR = bind(
        "tcgetattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle TCSETATTR = bind(
        "tcsetattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle CFMAKERAW = bind("cfmakeraw", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle SETNS = bind(
        "setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle GETTID = bind("gettid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SETPRIORITY = bind(
        "setpriority", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    // glibc exports the GNU variant under this name: it returns the message pointer, which may be a static string.
    private static final MethodHandle STRERROR_R = bind(
        "strerror_r", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG));

    private Libc()
    {
    }

    /**
     * @param arena owning the memory; it must outlive every call the segment is passed to.
     * @return a segment to pass as the capture-state argument of the errno-capturing calls.
     */
    public static MemorySegment allocateCapture(final Arena arena)
    {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    /**
     * @param capture the segment passed to the failed call.
     * @return the errno that call left behind.
     */
    public static int errno(final MemorySegment capture)
    {
        return capture.get(JAVA_INT, ERRNO_OFFSET);
    }

    /**
     * Throw if a start-up or configuration call failed.
     *
     * @param rc      return value of the call.
     * @param capture the capture-state segment passed to the call.
     * @param what    names the call and its object, e.g. {@code "ioctl(SIOCSIFMTU, tun0)"}.
     * @return rc when it is not negative.
     * @throws NativeCallException naming {@code what} and the errno text.
     */
    public static long check(final long rc, final MemorySegment capture, final String what)
    {
        if (rc < 0)
        {
            final int errno = errno(capture);
            throw new NativeCallException(what, errno, strerror(errno));
        }
        return rc;
    }

    /**
     * @param errno an errno value.
     * @return libc's description of it, e.g. "No such device".
     */
    public static String strerror(final int errno)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment buffer = arena.allocate(STRERROR_BUFFER_LENGTH);
            final MemorySegment text = (MemorySegment)STRERROR_R.invokeExact(
                errno, buffer, (long)STRERROR_BUFFER_LENGTH);
            return text.reinterpret(STRERROR_BUFFER_LENGTH).getString(0);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * open(2) for start-up paths.
     *
     * @param path  file to open.
     * @param flags open flags, e.g. {@link #O_RDWR} | {@link #O_CLOEXEC}.
     * @return the fd.
     * @throws NativeCallException naming the path and the errno text.
     */
    public static int open(final String path, final int flags)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment capture = allocateCapture(arena);
            final int fd = (int)OPEN.invokeExact(capture, arena.allocateFrom(path), flags, 0);
            return (int)check(fd, capture, "open(" + path + ")");
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * tcgetattr(3).
     *
     * @param capture capture-state segment.
     * @param fd      a terminal.
     * @param termios at least {@link #TERMIOS_SIZE} bytes, filled with the terminal's settings.
     * @return the raw result; on -1 read {@link #errno(MemorySegment)}.
     */
    public static int tcgetattr(final MemorySegment capture, final int fd, final MemorySegment termios)
    {
        try
        {
            return (int)TCGETATTR.invokeExact(capture, fd, termios);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * tcsetattr(3).
     *
     * @param capture capture-state segment.
     * @param fd      a terminal.
     * @param action  e.g. {@link #TCSANOW}.
     * @param termios settings as {@link #tcgetattr} gives them.
     * @return the raw result; on -1 read {@link #errno(MemorySegment)}.
     */
    public static int tcsetattr(final MemorySegment capture, final int fd, final int action,
        final MemorySegment termios)
    {
        try
        {
            return (int)TCSETATTR.invokeExact(capture, fd, action, termios);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * cfmakeraw(3): no echo, no line editing, no signals, 8-bit characters, in the settings given.
     *
     * @param termios settings as {@link #tcgetattr} gives them, changed in place.
     */
    public static void cfmakeraw(final MemorySegment termios)
    {
        try
        {
            CFMAKERAW.invokeExact(termios);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * close(2). Errors are ignored: on Linux the fd is released even when close reports one, so there is
     * nothing left to retry or undo.
     *
     * @param fd to close; negative values are ignored.
     */
    public static void close(final int fd)
    {
        if (fd < 0)
        {
            return;
        }
        try
        {
            CLOSE.invokeExact(fd);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * ioctl(2) with a pointer argument.
     *
     * @param capture capture-state segment.
     * @param fd      target fd.
     * @param request ioctl request number.
     * @param arg     argument struct.
     * @return the raw result; on -1 read {@link #errno(MemorySegment)}.
     */
    public static int ioctl(final MemorySegment capture, final int fd, final long request, final MemorySegment arg)
    {
        try
        {
            return (int)IOCTL.invokeExact(capture, fd, request, arg);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * read(2) into raw memory. Allocation-free.
     *
     * @param capture capture-state segment.
     * @param fd      source fd.
     * @param address first byte to fill.
     * @param length  at most this many bytes.
     * @return bytes read, 0 on end of file, -1 with errno in {@code capture}.
     */
    public static long read(final MemorySegment capture, final int fd, final long address, final long length)
    {
        try
        {
            return (long)READ.invokeExact(capture, fd, address, length);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * write(2) from raw memory. Allocation-free.
     *
     * @param capture capture-state segment.
     * @param fd      target fd.
     * @param address first byte to send.
     * @param length  number of bytes.
     * @return bytes written, or -1 with errno in {@code capture}.
     */
    public static long write(final MemorySegment capture, final int fd, final long address, final long length)
    {
        try
        {
            return (long)WRITE.invokeExact(capture, fd, address, length);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * write(2) for callers that only need success or failure and may run on many threads at once, so they
     * cannot share a capture segment. Allocation-free.
     *
     * @param fd      target fd.
     * @param address first byte to send.
     * @param length  number of bytes.
     * @return bytes written, or -1.
     */
    public static long writeIgnoringErrno(final int fd, final long address, final long length)
    {
        try
        {
            return (long)WRITE_NO_ERRNO.invokeExact(fd, address, length);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * ppoll(2) with no signal mask change. Allocation-free.
     *
     * @param capture capture-state segment.
     * @param pollFds array of struct pollfd.
     * @param count   number of entries.
     * @param timeout struct timespec, or {@link MemorySegment#NULL} to wait forever.
     * @return number of ready entries, 0 on timeout, -1 with errno in {@code capture}.
     */
    public static int ppoll(
        final MemorySegment capture, final MemorySegment pollFds, final long count, final MemorySegment timeout)
    {
        try
        {
            return (int)PPOLL.invokeExact(capture, pollFds, count, timeout, MemorySegment.NULL);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * eventfd(2).
     *
     * @param capture capture-state segment.
     * @param initial initial counter value.
     * @param flags   {@link #EFD_NONBLOCK}, {@link #EFD_CLOEXEC}.
     * @return the fd, or -1 with errno in {@code capture}.
     */
    public static int eventfd(final MemorySegment capture, final int initial, final int flags)
    {
        try
        {
            return (int)EVENTFD.invokeExact(capture, initial, flags);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * socket(2).
     *
     * @param capture  capture-state segment.
     * @param domain   address family.
     * @param type     socket type and flags.
     * @param protocol protocol number.
     * @return the fd, or -1 with errno in {@code capture}.
     */
    public static int socket(final MemorySegment capture, final int domain, final int type, final int protocol)
    {
        try
        {
            return (int)SOCKET.invokeExact(capture, domain, type, protocol);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * bind(2).
     *
     * @param capture capture-state segment.
     * @param fd      socket.
     * @param address sockaddr, its whole length is passed.
     * @return 0, or -1 with errno in {@code capture}.
     */
    public static int bind(final MemorySegment capture, final int fd, final MemorySegment address)
    {
        try
        {
            return (int)BIND.invokeExact(capture, fd, address, (int)address.byteSize());
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * setsockopt(2).
     *
     * @param capture capture-state segment.
     * @param fd      socket.
     * @param level   option level.
     * @param name    option name.
     * @param value   option value, its whole length is passed.
     * @return 0, or -1 with errno in {@code capture}.
     */
    public static int setsockopt(
        final MemorySegment capture, final int fd, final int level, final int name, final MemorySegment value)
    {
        try
        {
            return (int)SETSOCKOPT.invokeExact(capture, fd, level, name, value, (int)value.byteSize());
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * sendto(2).
     *
     * @param capture     capture-state segment.
     * @param fd          socket.
     * @param buffer      data; the first {@code length} bytes are sent.
     * @param length      number of bytes.
     * @param destination sockaddr, its whole length is passed.
     * @return bytes sent, or -1 with errno in {@code capture}.
     */
    public static long sendto(
        final MemorySegment capture,
        final int fd,
        final MemorySegment buffer,
        final long length,
        final MemorySegment destination)
    {
        try
        {
            return (long)SENDTO.invokeExact(
                capture, fd, buffer, length, 0, destination, (int)destination.byteSize());
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * sendmsg(2) with a message header in native memory, passed as a raw address (see the class comment).
     * Allocation-free.
     *
     * @param capture capture-state segment.
     * @param fd      socket.
     * @param msghdr  address of a struct msghdr and everything it points to.
     * @param flags   MSG_* flags.
     * @return bytes sent, or -1 with errno in {@code capture}.
     */
    public static long sendmsg(final MemorySegment capture, final int fd, final long msghdr, final int flags)
    {
        try
        {
            return (long)SENDMSG.invokeExact(capture, fd, msghdr, flags);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * getsockopt(2) of an int option.
     *
     * @param capture capture-state segment.
     * @return the option's value; throws when the call fails.
     */
    public static int getsockoptInt(final MemorySegment capture, final int fd, final int level, final int option)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment value = arena.allocate(JAVA_INT);
            final MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 4);
            check((int)GETSOCKOPT.invokeExact(capture, fd, level, option, value, length), capture, "getsockopt");
            return value.get(JAVA_INT, 0);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * recvfrom(2) into the whole of {@code buffer}.
     *
     * @param capture       capture-state segment.
     * @param fd            socket.
     * @param buffer        receives the datagram.
     * @param flags         e.g. {@link #MSG_TRUNC}.
     * @param source        receives the sender's sockaddr.
     * @param sourceLength  in/out socklen_t, set to {@code source}'s size before the call.
     * @return bytes received (the real datagram length with MSG_TRUNC), or -1 with errno in {@code capture}.
     */
    public static long recvfrom(
        final MemorySegment capture,
        final int fd,
        final MemorySegment buffer,
        final int flags,
        final MemorySegment source,
        final MemorySegment sourceLength)
    {
        try
        {
            return (long)RECVFROM.invokeExact(capture, fd, buffer, buffer.byteSize(), flags, source, sourceLength);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * setns(2): move the calling thread into the namespace {@code fd} refers to.
     *
     * @param capture capture-state segment.
     * @param fd      namespace fd.
     * @param type    e.g. {@link #CLONE_NEWNET}.
     * @return 0, or -1 with errno in {@code capture}.
     */
    public static int setns(final MemorySegment capture, final int fd, final int type)
    {
        try
        {
            return (int)SETNS.invokeExact(capture, fd, type);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /** gettid(2): the calling thread's kernel id. */
    public static int gettid()
    {
        try
        {
            return (int)GETTID.invokeExact();
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * setpriority(2) with {@code PRIO_PROCESS}: on Linux, given a thread id, it sets the nice value of that thread
     * only.
     *
     * @param capture capture-state segment.
     * @param tid     from {@link #gettid()}.
     * @param nice    -20 (most favoured) to 19 (least).
     * @return 0, or -1 with errno in {@code capture}.
     */
    public static int setThreadNice(final MemorySegment capture, final int tid, final int nice)
    {
        try
        {
            return (int)SETPRIORITY.invokeExact(capture, 0, tid, nice);
        }
        catch (final Throwable t)
        {
            throw propagate(t);
        }
    }

    /**
     * Validate a Linux interface name the way the kernel's dev_valid_name() does, limited to printable ASCII.
     *
     * @param name candidate, e.g. "tun0" or the template "tun%d".
     * @return the name.
     * @throws IllegalArgumentException if the kernel would reject it.
     */
    public static String checkInterfaceName(final String name)
    {
        if (name == null || name.isEmpty() || name.length() >= IFNAMSIZ || ".".equals(name) || "..".equals(name))
        {
            throw new IllegalArgumentException("invalid interface name: " + name);
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '/' || c == ':')
            {
                throw new IllegalArgumentException("invalid interface name: " + name);
            }
        }
        return name;
    }

    /**
     * Allocate a zeroed struct ifreq holding {@code name}.
     *
     * @param arena owning the memory.
     * @param name  a name accepted by {@link #checkInterfaceName(String)}.
     * @return the struct.
     */
    public static MemorySegment allocateIfreq(final Arena arena, final String name)
    {
        final MemorySegment ifreq = arena.allocate(IFREQ_SIZE);
        ifreq.setString(0, checkInterfaceName(name));
        return ifreq;
    }

    private static MethodHandle bind(final String name, final FunctionDescriptor descriptor,
        final Linker.Option... options)
    {
        final MemorySegment symbol = LINKER.defaultLookup().find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    private static RuntimeException propagate(final Throwable t)
    {
        if (t instanceof RuntimeException ex)
        {
            return ex;
        }
        if (t instanceof Error error)
        {
            throw error;
        }
        // Downcalls declare no checked exceptions; getting here means a handle was bound with a wrong type.
        return new IllegalStateException(t);
    }
}
