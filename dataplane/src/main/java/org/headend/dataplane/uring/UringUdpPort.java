package org.headend.dataplane.uring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * A UDP socket (IPv4) served by its own io_uring, driven from Java through FFM: one multishot RECVMSG keeps
 * receiving into a provided-buffer ring, and sends are SENDMSGs from pre-built slots that go to the kernel together
 * at the next {@link #poll} (one {@code io_uring_enter} submits a whole batch of replies and waits for the next
 * datagrams).
 * <p>
 * Threading: everything, construction and {@link #close()} included, on one thread (the ring is
 * {@code SINGLE_ISSUER}). Nothing on {@link #poll}, {@link #claimSend} or {@link #send} allocates.
 */
public final class UringUdpPort implements AutoCloseable
{
    /** Payload bytes a receive slot holds by default: a full Ethernet-MTU datagram and more. */
    public static final int DEFAULT_DATAGRAM_CAPACITY = 2048;

    private static final long KIND_RECEIVE = 1L << 32;
    private static final long KIND_SEND = 2L << 32;
    private static final long KIND_CANCEL = 3L << 32;
    private static final long KIND_MASK = 0xffffffffL << 32;
    private static final short BUFFER_GROUP = 0;
    private static final int SOCKET_BUFFER = 4 << 20;
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    // struct msghdr (x86-64), struct iovec, struct sockaddr_in
    private static final int MSGHDR_SIZE = 56;
    private static final int MSG_NAME = 0;
    private static final int MSG_NAMELEN = 8;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int IOVEC_SIZE = 16;
    private static final int SOCKADDR_SIZE = 16;
    private static final int MSG_CONTROL = 32;
    private static final int MSG_CONTROLLEN = 40;
    /** CMSG_SPACE(sizeof(u16)): a cmsghdr (len, level, type) and the segment size, padded to 8. */
    private static final int GSO_CMSG_SIZE = 24;
    private static final int GSO_CMSG_LEN = 18;
    private static final int SOL_UDP = 17;
    private static final int UDP_SEGMENT = 103;
    /** The most a UDP datagram (so a GSO send) carries. */
    public static final int MAX_SEND_CAPACITY = 65_507;
    private static final int SEND_HEADER = MSGHDR_SIZE + IOVEC_SIZE + SOCKADDR_SIZE + GSO_CMSG_SIZE;

    private final IoUring uring;
    private final ProvidedBuffers buffers;
    private final ReceivedDatagram datagram = new ReceivedDatagram();
    private final MemorySegment receiveHeader;
    private final int socket;
    private final int localPort;
    private final int payloadOffset;
    private final MemorySegment sendSlots;
    private final MemorySegment[] sendPayloads;
    private final int sendSlotSize;
    private final int[] freeSends;
    private int freeSendCount;
    private boolean receiveArmed;
    private boolean closed;

    private long received;
    private long sent;
    private long sendErrors;
    private long receiveErrors;
    private long bufferRingEmptied;
    private long receiveRearms;

    /**
     * Opens and binds the socket, sets up the ring and arms the receive.
     *
     * @param ipv4        address to bind, host order (0 for any, 0x7f000001 for loopback).
     * @param port        UDP port, 0 for an ephemeral one (see {@link #localPort()}).
     * @param buffers     receive slots, a power of two: how many datagrams the kernel can hand over before the
     *                    loop returns slots (more arrive meanwhile stay in the socket buffer).
     * @param sends       send slots: replies queued between two polls.
     * @param datagramCapacity payload bytes per receive and send slot.
     */
    public UringUdpPort(final int ipv4, final int port, final int buffers, final int sends, final int datagramCapacity)
    {
        this(ipv4, port, buffers, sends, datagramCapacity, datagramCapacity, false);
    }

    /**
     * As {@link #UringUdpPort(int, int, int, int, int)} with send slots of {@code sendCapacity} bytes, up to
     * {@link #MAX_SEND_CAPACITY}: room for {@link #sendSegmented} to pass many datagrams to the kernel in one; and,
     * with {@code gro}, UDP GRO on receive: the kernel may join datagrams of one flow into one receive
     * ({@link ReceivedDatagram#segmentSize()}), so {@code datagramCapacity} should then be
     * {@link #MAX_SEND_CAPACITY} or a joined receive is truncated.
     */
    public UringUdpPort(final int ipv4, final int port, final int buffers, final int sends, final int datagramCapacity,
        final int sendCapacity, final boolean gro)
    {
        if (sendCapacity < 1 || sendCapacity > MAX_SEND_CAPACITY)
        {
            throw new IllegalArgumentException("send capacity " + sendCapacity);
        }
        uring = new IoUring(Math.max(64, Integer.highestOneBit(Math.max(1, sends + 2) * 2 - 1)));
        int fd = -1;
        try
        {
            payloadOffset = ReceivedDatagram.PAYLOAD_OFFSET + (gro ? ReceivedDatagram.GRO_CONTROL_SIZE : 0);
            this.buffers = new ProvidedBuffers(uring, BUFFER_GROUP, buffers, payloadOffset + datagramCapacity);
            final MemorySegment capture = uring.capture();
            fd = Sys.socket(capture, Sys.AF_INET, Sys.SOCK_DGRAM | Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC);
            final MemorySegment value = uring.arena().allocate(JAVA_INT);
            value.set(JAVA_INT, 0, SOCKET_BUFFER);
            Sys.setsockopt(capture, fd, Sys.SOL_SOCKET, Sys.SO_RCVBUF, value);
            Sys.setsockopt(capture, fd, Sys.SOL_SOCKET, Sys.SO_SNDBUF, value);
            if (gro)
            {
                value.set(JAVA_INT, 0, 1);
                Sys.check(Sys.setsockopt(capture, fd, SOL_UDP, ReceivedDatagram.UDP_GRO, value), capture,
                    "setsockopt(UDP_GRO)");
            }
            final MemorySegment address = uring.arena().allocate(SOCKADDR_SIZE, 4);
            writeSockaddr(address, 0, ipv4, port);
            Sys.check(Sys.bind(capture, fd, address), capture, "bind(udp " + (port & 0xffff) + ")");
            final MemorySegment length = uring.arena().allocate(JAVA_INT);
            length.set(JAVA_INT, 0, SOCKADDR_SIZE);
            Sys.check(Sys.getsockname(capture, fd, address, length), capture, "getsockname");
            localPort = Short.toUnsignedInt(address.get(ReceivedDatagram.NET_SHORT, 2));
            socket = fd;

            // the multishot receive reads only the name and control lengths from its msghdr: no iovec
            receiveHeader = uring.arena().allocate(MSGHDR_SIZE, 8);
            receiveHeader.set(JAVA_INT, MSG_NAMELEN, ReceivedDatagram.NAME_SIZE);
            receiveHeader.set(JAVA_LONG, MSG_CONTROLLEN, gro ? ReceivedDatagram.GRO_CONTROL_SIZE : 0);

            sendSlotSize = (SEND_HEADER + sendCapacity + 7) & ~7;
            sendSlots = uring.arena().allocate((long)sendSlotSize * sends, 64);
            sendPayloads = new MemorySegment[sends];
            freeSends = new int[sends];
            for (int i = 0; i < sends; i++)
            {
                final long slot = (long)i * sendSlotSize;
                sendSlots.set(JAVA_LONG, slot + MSG_NAME, sendSlots.address() + slot + MSGHDR_SIZE + IOVEC_SIZE);
                sendSlots.set(JAVA_INT, slot + MSG_NAMELEN, SOCKADDR_SIZE);
                sendSlots.set(JAVA_LONG, slot + MSG_IOV, sendSlots.address() + slot + MSGHDR_SIZE);
                sendSlots.set(JAVA_LONG, slot + MSG_IOVLEN, 1);
                sendSlots.set(JAVA_LONG, slot + MSGHDR_SIZE, sendSlots.address() + slot + SEND_HEADER);
                final long cmsg = slot + MSGHDR_SIZE + IOVEC_SIZE + SOCKADDR_SIZE;
                sendSlots.set(JAVA_LONG, cmsg, GSO_CMSG_LEN);
                sendSlots.set(JAVA_INT, cmsg + 8, SOL_UDP);
                sendSlots.set(JAVA_INT, cmsg + 12, UDP_SEGMENT);
                sendPayloads[i] = sendSlots.asSlice(slot + SEND_HEADER, sendCapacity);
                freeSends[i] = sends - 1 - i;
            }
            freeSendCount = sends;
            armReceive();
            uring.submitAndWait(0, 0);
        }
        catch (final RuntimeException ex)
        {
            if (fd >= 0)
            {
                Sys.close(uring.capture(), fd);
            }
            uring.close();
            throw ex;
        }
    }

    /** A loopback-or-any port with 256 receive slots of {@link #DEFAULT_DATAGRAM_CAPACITY} and 256 send slots. */
    public UringUdpPort(final int ipv4, final int port)
    {
        this(ipv4, port, 256, 256, DEFAULT_DATAGRAM_CAPACITY);
    }

    public int localPort()
    {
        return localPort;
    }

    private void armReceive()
    {
        final long sqe = uring.nextSqe();
        final MemorySegment sqes = uring.sqes();
        IoUring.putByte(sqes, sqe, IoUring.SQE_OPCODE, IoUring.OP_RECVMSG);
        IoUring.putByte(sqes, sqe, IoUring.SQE_FLAGS, IoUring.IOSQE_BUFFER_SELECT);
        IoUring.putShort(sqes, sqe, IoUring.SQE_IOPRIO, IoUring.IORING_RECV_MULTISHOT);
        sqes.set(JAVA_INT, sqe + IoUring.SQE_FD, socket);
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_ADDR, receiveHeader.address());
        sqes.set(JAVA_INT, sqe + IoUring.SQE_LEN, 1);
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_USER_DATA, KIND_RECEIVE);
        sqes.set(JAVA_SHORT, sqe + IoUring.SQE_BUF_GROUP, buffers.group());
        uring.commitSqe();
        receiveArmed = true;
    }

    /**
     * Submits queued sends, waits up to {@code timeoutNanos} for completions (0: only what is ready,
     * {@link Long#MAX_VALUE}: until one comes), and hands every received datagram to {@code handler}.
     *
     * @return datagrams received.
     */
    public int poll(final DatagramHandler handler, final long timeoutNanos)
    {
        ensureOpen();
        final int rc = uring.submitAndWait(timeoutNanos > 0 ? 1 : 0, timeoutNanos);
        if (rc < 0 && rc != -Sys.EAGAIN && rc != -Sys.EBUSY)
        {
            throw Sys.failure("io_uring_enter", -rc);
        }
        final int datagrams = reap(handler);
        if (!receiveArmed)
        {
            // the multishot ended (no slot was free, or an error): the slots are back, so receive again
            receiveRearms++;
            armReceive();
        }
        return datagrams;
    }

    private int reap(final DatagramHandler handler)
    {
        int datagrams = 0;
        int head = uring.cqHead();
        final int tail = uring.cqTail();
        while (head != tail)
        {
            final long userData = uring.cqeUserData(head);
            final int result = uring.cqeResult(head);
            final int flags = uring.cqeFlags(head);
            head++;
            final long kind = userData & KIND_MASK;
            if (kind == KIND_RECEIVE)
            {
                if ((flags & IoUring.CQE_F_MORE) == 0)
                {
                    receiveArmed = false;
                }
                if ((flags & IoUring.CQE_F_BUFFER) != 0)
                {
                    final int id = flags >>> IoUring.CQE_BUFFER_SHIFT;
                    if (result >= 0)
                    {
                        received++;
                        datagrams++;
                        if (handler != null)
                        {
                            datagram.wrap(buffers.slots(), buffers.offset(id), buffers.slotSize(), id, payloadOffset);
                            handler.onDatagram(datagram);
                        }
                    }
                    buffers.recycle(id);
                }
                else if (result == -Sys.ENOBUFS)
                {
                    bufferRingEmptied++;
                }
                else if (result < 0 && result != -Sys.ECANCELED)
                {
                    receiveErrors++;
                }
            }
            else if (kind == KIND_SEND)
            {
                freeSends[freeSendCount++] = (int)userData;
                if (result >= 0)
                {
                    sent++;
                }
                else
                {
                    sendErrors++;
                }
            }
        }
        uring.cqAdvance(head);
        buffers.publish();
        return datagrams;
    }

    /**
     * A free send slot, or -1 when every one is queued or in flight (a {@link #poll} frees those completed). Write
     * the payload into {@link #sendPayload}, then {@link #send}.
     */
    public int claimSend()
    {
        return freeSendCount == 0 ? -1 : freeSends[--freeSendCount];
    }

    /** The payload area of a claimed slot (the same segment every time for a slot). */
    public MemorySegment sendPayload(final int slot)
    {
        return sendPayloads[slot];
    }

    /** Queues a claimed slot's first {@code length} bytes to {@code ipv4}:{@code port}; leaves at the next poll. */
    public void send(final int slot, final int length, final int ipv4, final int port)
    {
        writeSockaddr(sendSlots, (long)slot * sendSlotSize + MSGHDR_SIZE + IOVEC_SIZE, ipv4, port);
        queueSend(slot, length, 0);
    }

    /** Queues a claimed slot's first {@code length} bytes back to where {@code to} came from. */
    public void send(final int slot, final int length, final ReceivedDatagram to)
    {
        MemorySegment.copy(to.segment(), to.sockaddrOffset(), sendSlots,
            (long)slot * sendSlotSize + MSGHDR_SIZE + IOVEC_SIZE, SOCKADDR_SIZE);
        queueSend(slot, length, 0);
    }

    /**
     * Queues a claimed slot holding datagrams of {@code segmentSize} bytes back to back (the last may be shorter) to
     * {@code ipv4}:{@code port} as one SENDMSG with UDP_SEGMENT: the kernel cuts it into datagrams (UDP GSO), one
     * trip down the stack for them all.
     */
    public void sendSegmented(final int slot, final int length, final int segmentSize, final int ipv4, final int port)
    {
        if (segmentSize < 1 || segmentSize > length)
        {
            throw new IllegalArgumentException("segment size " + segmentSize + " for " + length + " bytes");
        }
        writeSockaddr(sendSlots, (long)slot * sendSlotSize + MSGHDR_SIZE + IOVEC_SIZE, ipv4, port);
        queueSend(slot, length, segmentSize);
    }

    private void queueSend(final int slot, final int length, final int segmentSize)
    {
        if (length < 0 || length > sendPayloads[slot].byteSize())
        {
            throw new IllegalArgumentException("send length " + length);
        }
        final long base = (long)slot * sendSlotSize;
        sendSlots.set(JAVA_LONG, base + MSGHDR_SIZE + 8, length);
        if (segmentSize > 0)
        {
            final long cmsg = base + MSGHDR_SIZE + IOVEC_SIZE + SOCKADDR_SIZE;
            sendSlots.set(JAVA_SHORT, cmsg + 16, (short)segmentSize);
            sendSlots.set(JAVA_LONG, base + MSG_CONTROL, sendSlots.address() + cmsg);
            sendSlots.set(JAVA_LONG, base + MSG_CONTROLLEN, GSO_CMSG_SIZE);
        }
        else
        {
            sendSlots.set(JAVA_LONG, base + MSG_CONTROL, 0L);
            sendSlots.set(JAVA_LONG, base + MSG_CONTROLLEN, 0L);
        }
        final long sqe = uring.nextSqe();
        final MemorySegment sqes = uring.sqes();
        IoUring.putByte(sqes, sqe, IoUring.SQE_OPCODE, IoUring.OP_SENDMSG);
        sqes.set(JAVA_INT, sqe + IoUring.SQE_FD, socket);
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_ADDR, sendSlots.address() + base);
        sqes.set(JAVA_INT, sqe + IoUring.SQE_LEN, 1);
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_USER_DATA, KIND_SEND | slot);
        uring.commitSqe();
    }

    private static void writeSockaddr(final MemorySegment segment, final long offset, final int ipv4, final int port)
    {
        segment.set(JAVA_SHORT, offset, (short)Sys.AF_INET);
        segment.set(ReceivedDatagram.NET_SHORT, offset + 2, (short)port);
        segment.set(ReceivedDatagram.NET_INT, offset + 4, ipv4);
        segment.set(JAVA_LONG, offset + 8, 0L);
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("port closed");
        }
    }

    /** Datagrams received. */
    public long received()
    {
        return received;
    }

    /** Datagrams the kernel accepted for sending. */
    public long sent()
    {
        return sent;
    }

    /** Sends the kernel refused (e.g. no route). */
    public long sendErrors()
    {
        return sendErrors;
    }

    /** Receive completions with an error other than no-buffer or cancel. */
    public long receiveErrors()
    {
        return receiveErrors;
    }

    /** Times the multishot receive stopped because every slot was in use (ENOBUFS). */
    public long bufferRingEmptied()
    {
        return bufferRingEmptied;
    }

    /** Times the receive was armed again after it stopped. */
    public long receiveRearms()
    {
        return receiveRearms;
    }

    /**
     * Cancels the receive, waits (bounded) for it and for sends in flight to complete, so the kernel writes no
     * slot after its memory is freed, then closes the socket and the ring.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (receiveArmed)
        {
            final long sqe = uring.nextSqe();
            final MemorySegment sqes = uring.sqes();
            IoUring.putByte(sqes, sqe, IoUring.SQE_OPCODE, IoUring.OP_ASYNC_CANCEL);
            sqes.set(JAVA_LONG, sqe + IoUring.SQE_ADDR, KIND_RECEIVE);
            sqes.set(JAVA_LONG, sqe + IoUring.SQE_USER_DATA, KIND_CANCEL);
            uring.commitSqe();
        }
        final long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        while ((receiveArmed || freeSendCount < freeSends.length) && System.nanoTime() < deadline)
        {
            uring.submitAndWait(1, TimeUnit.MILLISECONDS.toNanos(10));
            reap(null);
        }
        Sys.close(uring.capture(), socket);
        uring.close();
    }
}
