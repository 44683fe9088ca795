package org.headend.nativecfg.udp;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import org.headend.nativecfg.libc.Libc;

/**
 * Sends datagrams on one bound UDP socket with sendmsg(2): a single datagram, or a run of equal-sized datagrams in one
 * UDP GSO send (the {@code UDP_SEGMENT} control message, Linux 4.18+). The message header, its iovec and control
 * message are allocated once; a send fills them in and makes one non-blocking syscall, so it allocates nothing.
 *
 * <p>Single-threaded: one owner thread (the event loop of the socket) calls {@link #send}.
 */
public final class UdpSender
{
    /** {@link #send} result: the socket's send buffer is full (EAGAIN); the datagram was not sent. */
    public static final int WOULD_BLOCK = -Libc.EAGAIN;

    private static final int MSGHDR_SIZE = 56;
    private static final int MSG_NAME = 0;
    private static final int MSG_NAMELEN = 8;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_CONTROL = 32;
    private static final int MSG_CONTROLLEN = 40;
    private static final int IOVEC_SIZE = 16;
    /** CMSG_LEN(sizeof(uint16_t)) and CMSG_SPACE of it on LP64. */
    private static final int CMSG_LEN = 18;
    private static final int CMSG_SPACE = 24;
    private static final int SOCKADDR_IN_SIZE = 16;
    private static final int SOCKADDR_IN6_SIZE = 28;

    private final int fd;
    private final boolean ipv6Socket;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment capture = Libc.allocateCapture(arena);
    private final MemorySegment message = arena.allocate(MSGHDR_SIZE + IOVEC_SIZE + CMSG_SPACE, 8);
    private final long messageAddress = message.address();

    /**
     * @param fd a bound UDP socket; it stays its owner's (this never closes it)
     */
    public UdpSender(final int fd)
    {
        this.fd = fd;
        this.ipv6Socket = Libc.getsockoptInt(capture, fd, Libc.SOL_SOCKET, Libc.SO_DOMAIN) == Libc.AF_INET6;
        message.set(JAVA_LONG, MSG_IOV, messageAddress + MSGHDR_SIZE);
        message.set(JAVA_LONG, MSG_IOVLEN, 1);
        final long cmsg = MSGHDR_SIZE + IOVEC_SIZE;
        message.set(JAVA_LONG, cmsg, CMSG_LEN);
        message.set(JAVA_INT, cmsg + 8, Libc.SOL_UDP);
        message.set(JAVA_INT, cmsg + 12, Libc.UDP_SEGMENT);
    }

    /**
     * The socket address of {@code peer} in the form this socket takes (IPv4-mapped on an IPv6 socket). Control
     * path: allocates; keep it for every send to that peer.
     */
    public Destination destination(final InetSocketAddress peer)
    {
        final byte[] ip = peer.getAddress().getAddress();
        final MemorySegment address = Arena.ofAuto().allocate(SOCKADDR_IN6_SIZE, 8);
        if (!ipv6Socket)
        {
            if (ip.length != 4)
            {
                throw new IllegalArgumentException("an IPv6 peer on an IPv4 socket: " + peer);
            }
            address.set(JAVA_SHORT, 0, (short)Libc.AF_INET);
            address.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short)peer.getPort());
            MemorySegment.copy(ip, 0, address, JAVA_BYTE, 4, 4);
            return new Destination(address, SOCKADDR_IN_SIZE);
        }
        address.set(JAVA_SHORT, 0, (short)Libc.AF_INET6);
        address.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short)peer.getPort());
        if (ip.length == 4)
        {
            address.set(JAVA_BYTE, 18, (byte)0xFF);
            address.set(JAVA_BYTE, 19, (byte)0xFF);
            MemorySegment.copy(ip, 0, address, JAVA_BYTE, 20, 4);
        }
        else
        {
            MemorySegment.copy(ip, 0, address, JAVA_BYTE, 8, 16);
            address.set(JAVA_INT, 24, ((Inet6Address)peer.getAddress()).getScopeId());
        }
        return new Destination(address, SOCKADDR_IN6_SIZE);
    }

    /**
     * Sends {@code length} bytes at native address {@code address} to {@code to}: one datagram, or, with a
     * {@code segmentSize} below {@code length}, datagrams of that size (the last may be shorter). Allocation-free;
     * never blocks.
     *
     * @return the bytes sent, {@link #WOULD_BLOCK}, or another negated errno
     */
    public int send(final Destination to, final long address, final int length, final int segmentSize)
    {
        message.set(JAVA_LONG, MSG_NAME, to.address);
        message.set(JAVA_INT, MSG_NAMELEN, to.length);
        message.set(JAVA_LONG, MSGHDR_SIZE, address);
        message.set(JAVA_LONG, MSGHDR_SIZE + 8, length);
        if (segmentSize > 0 && segmentSize < length)
        {
            message.set(JAVA_SHORT, MSGHDR_SIZE + IOVEC_SIZE + 16, (short)segmentSize);
            message.set(JAVA_LONG, MSG_CONTROL, messageAddress + MSGHDR_SIZE + IOVEC_SIZE);
            message.set(JAVA_LONG, MSG_CONTROLLEN, CMSG_SPACE);
        }
        else
        {
            message.set(JAVA_LONG, MSG_CONTROL, 0L);
            message.set(JAVA_LONG, MSG_CONTROLLEN, 0L);
        }
        final long sent = Libc.sendmsg(capture, fd, messageAddress, Libc.MSG_DONTWAIT);
        return sent >= 0 ? (int)sent : -Libc.errno(capture);
    }

    /** A peer's socket address, encoded once for {@link #send}. Immutable. */
    public static final class Destination
    {
        /** Keeps the native memory reachable while the address is in use. */
        private final MemorySegment segment;
        private final long address;
        private final int length;

        private Destination(final MemorySegment segment, final int length)
        {
            this.segment = segment;
            this.address = segment.address();
            this.length = length;
        }
    }
}
