package org.headend.nativecfg.tun;

import org.headend.nativecfg.NativeCallException;
import org.headend.nativecfg.libc.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A multi-queue TUN device (layer 3, no packet-info header) in the network namespace of the thread that opened it.
 * <p>
 * The device is not persistent: it exists while at least one queue fd is open, so {@link #close()} removes it.
 * The {@code SIOCSIF*} ioctls go through a datagram socket created together with the device, so {@link #setMtu}
 * and {@link #setUp} act on the device's namespace whichever thread calls them.
 * <p>
 * Threading: open, configure and close from the control thread; hand each {@link TunQueue} to the data-plane
 * thread(s) that own it, and close only after they have stopped.
 */
public final class TunDevice implements AutoCloseable
{
    private static final String CLONE_DEVICE = "/dev/net/tun";
    private static final long TUNSETIFF = 0x400454caL;
    private static final long SIOCGIFFLAGS = 0x8913L;
    private static final long SIOCSIFFLAGS = 0x8914L;
    private static final long SIOCSIFMTU = 0x8922L;
    private static final long SIOCGIFINDEX = 0x8933L;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_MULTI_QUEUE = 0x0100;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_VNET_HDR = 0x4000;
    private static final long TUNSETOFFLOAD = 0x400454d0L;
    /** Offload flag: the kernel may give and take packets whose L4 checksum is left to us (partial). */
    public static final int TUN_F_CSUM = 0x01;
    /** Offload flag: TCP segmentation offload for IPv4 (GSO super-packets both ways). */
    public static final int TUN_F_TSO4 = 0x02;
    /** Offload flag: TCP segmentation offload for IPv6. */
    public static final int TUN_F_TSO6 = 0x04;
    /** Bytes of the virtio-net header before every packet when the device has one. */
    public static final int VNET_HEADER_LENGTH = 10;

    private final String name;
    private final TunQueue[] queues;
    private final boolean vnetHeader;
    private int controlSocket;

    private TunDevice(final String name, final TunQueue[] queues, final boolean vnetHeader, final int controlSocket)
    {
        this.name = name;
        this.queues = queues;
        this.vnetHeader = vnetHeader;
        this.controlSocket = controlSocket;
    }

    /**
     * Create the device and attach {@code queues} non-blocking queue fds to it.
     *
     * @param name   interface name, or a kernel template such as {@code "tun%d"}.
     * @param queues number of queues, at least 1; the kernel spreads flows over them.
     * @return the open device.
     * @throws NativeCallException      if the device exists already or the kernel refuses (e.g. no CAP_NET_ADMIN).
     * @throws IllegalArgumentException if the name or queue count is invalid.
     */
    public static TunDevice open(final String name, final int queues)
    {
        return open(name, queues, false);
    }

    /**
     * As {@link #open(String, int)}; with {@code vnetHeader} every packet read or written is preceded by a
     * {@value #VNET_HEADER_LENGTH}-byte virtio-net header, which is what lets {@link #setOffload} pass GSO
     * super-packets and partial checksums both ways.
     */
    public static TunDevice open(final String name, final int queues, final boolean vnetHeader)
    {
        Libc.checkInterfaceName(name);
        if (queues < 1)
        {
            throw new IllegalArgumentException("a TUN device needs at least one queue: " + queues);
        }

        final int[] fds = new int[queues];
        Arrays.fill(fds, -1);
        int controlSocket = -1;
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment capture = Libc.allocateCapture(arena);
            controlSocket = (int)Libc.check(
                Libc.socket(capture, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0), capture, "socket(AF_INET)");

            // TUNSETIFF attaches to a same-named multi-queue device instead of failing, which would silently share
            // another process's traffic with us.
            final MemorySegment ifreq = Libc.allocateIfreq(arena, name);
            if (name.indexOf('%') < 0 && Libc.ioctl(capture, controlSocket, SIOCGIFINDEX, ifreq) == 0)
            {
                throw new NativeCallException("open TUN " + name, Libc.EEXIST, "device already exists");
            }

            for (int i = 0; i < queues; i++)
            {
                fds[i] = Libc.open(CLONE_DEVICE, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
                ifreq.set(JAVA_SHORT, Libc.IFREQ_UNION_OFFSET,
                    (short)(IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE | (vnetHeader ? IFF_VNET_HDR : 0)));
                // After the first queue the kernel has written the resolved name back, so the rest attach to it.
                Libc.check(
                    Libc.ioctl(capture, fds[i], TUNSETIFF, ifreq),
                    capture,
                    "ioctl(TUNSETIFF, " + name + ", queue " + i + ")");
            }

            final TunQueue[] tunQueues = new TunQueue[queues];
            for (int i = 0; i < queues; i++)
            {
                tunQueues[i] = new TunQueue(i, fds[i]);
            }
            return new TunDevice(ifreq.getString(0), tunQueues, vnetHeader, controlSocket);
        }
        catch (final RuntimeException ex)
        {
            for (final int fd : fds)
            {
                Libc.close(fd);
            }
            Libc.close(controlSocket);
            throw ex;
        }
    }

    /** Whether packets carry the virtio-net header. */
    public boolean vnetHeader()
    {
        return vnetHeader;
    }

    /**
     * Tells the kernel which offloads the reader of this device handles (TUNSETOFFLOAD): with {@link #TUN_F_CSUM}
     * and {@link #TUN_F_TSO4} it sends TCP super-packets up to 64 KiB with partial checksums, and accepts them.
     * Needs a device opened with the virtio-net header.
     */
    public void setOffload(final int flags)
    {
        if (!vnetHeader)
        {
            throw new IllegalStateException("offloads need the virtio-net header");
        }
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment capture = Libc.allocateCapture(arena);
            // the argument is the flags value itself, passed where a pointer would go
            Libc.check(Libc.ioctl(capture, queues[0].fd(), TUNSETOFFLOAD, MemorySegment.ofAddress(flags)), capture,
                "ioctl(TUNSETOFFLOAD 0x" + Integer.toHexString(flags) + ", " + name + ")");
        }
    }

    /**
     * @return the interface name the kernel assigned (the template resolved).
     */
    public String name()
    {
        return name;
    }

    /**
     * @return number of queues.
     */
    public int queueCount()
    {
        return queues.length;
    }

    /**
     * @param index from 0 to {@link #queueCount()} - 1.
     * @return that queue.
     */
    public TunQueue queue(final int index)
    {
        return queues[index];
    }

    /**
     * Set the interface MTU (SIOCSIFMTU). IPv6 needs at least 1280.
     *
     * @param mtu bytes.
     * @throws NativeCallException if the kernel refuses it.
     */
    public void setMtu(final int mtu)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment capture = Libc.allocateCapture(arena);
            final MemorySegment ifreq = Libc.allocateIfreq(arena, name);
            ifreq.set(JAVA_INT, Libc.IFREQ_UNION_OFFSET, mtu);
            Libc.check(
                Libc.ioctl(capture, controlSocket, SIOCSIFMTU, ifreq),
                capture,
                "ioctl(SIOCSIFMTU " + mtu + ", " + name + ")");
        }
    }

    /**
     * Bring the interface administratively up (SIOCGIFFLAGS, then SIOCSIFFLAGS with IFF_UP added).
     *
     * @throws NativeCallException if the kernel refuses it.
     */
    public void setUp()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment capture = Libc.allocateCapture(arena);
            final MemorySegment ifreq = Libc.allocateIfreq(arena, name);
            Libc.check(
                Libc.ioctl(capture, controlSocket, SIOCGIFFLAGS, ifreq), capture, "ioctl(SIOCGIFFLAGS, " + name + ")");
            final short flags = ifreq.get(JAVA_SHORT, Libc.IFREQ_UNION_OFFSET);
            ifreq.set(JAVA_SHORT, Libc.IFREQ_UNION_OFFSET, (short)(flags | Libc.IFF_UP));
            Libc.check(
                Libc.ioctl(capture, controlSocket, SIOCSIFFLAGS, ifreq), capture, "ioctl(SIOCSIFFLAGS, " + name + ")");
        }
    }

    /**
     * Close every queue fd, which removes the device, and the control socket. Idempotent.
     */
    public void close()
    {
        for (final TunQueue queue : queues)
        {
            queue.close();
        }
        Libc.close(controlSocket);
        controlSocket = -1;
    }
}
