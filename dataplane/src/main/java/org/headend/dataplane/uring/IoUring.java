package org.headend.dataplane.uring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * One io_uring instance: its submission and completion rings mapped into this process, read and written through
 * {@link MemorySegment}s. The kernel is the other party on the shared indices, so the tails we publish are
 * release-stores and the indices the kernel publishes are acquire-loads ({@link VarHandle} access modes), the
 * same ordering liburing gets from its {@code io_uring_smp_*} macros.
 * <p>
 * Set up with {@code SINGLE_ISSUER | DEFER_TASKRUN}: completions are produced only while the owner thread is inside
 * {@link #submitAndWait}, so the kernel never interrupts the loop to post them, and a burst arrives as one batch.
 * That also means the ring must be created, used and closed by one thread (the kernel refuses others with EEXIST).
 * Needs Linux 6.1 or later.
 */
final class IoUring implements AutoCloseable
{
    static final int SQE_SIZE = 64;
    static final int CQE_SIZE = 16;

    // submission queue entry fields (struct io_uring_sqe)
    static final int SQE_OPCODE = 0;
    static final int SQE_FLAGS = 1;
    static final int SQE_IOPRIO = 2;
    static final int SQE_FD = 4;
    static final int SQE_OFF = 8;
    static final int SQE_ADDR = 16;
    static final int SQE_LEN = 24;
    static final int SQE_OP_FLAGS = 28;
    static final int SQE_USER_DATA = 32;
    static final int SQE_BUF_GROUP = 40;

    static final byte OP_SENDMSG = 9;
    static final byte OP_RECVMSG = 10;
    static final byte OP_ASYNC_CANCEL = 14;
    static final byte IOSQE_BUFFER_SELECT = 1 << 5;
    static final short IORING_RECV_MULTISHOT = 1 << 1;

    static final int CQE_F_BUFFER = 1;
    static final int CQE_F_MORE = 1 << 1;
    static final int CQE_BUFFER_SHIFT = 16;

    private static final int SETUP_CQSIZE = 1 << 3;
    private static final int SETUP_SUBMIT_ALL = 1 << 7;
    private static final int SETUP_SINGLE_ISSUER = 1 << 12;
    private static final int SETUP_DEFER_TASKRUN = 1 << 13;
    private static final int FEAT_SINGLE_MMAP = 1;
    private static final int FEAT_NODROP = 1 << 1;
    private static final int FEAT_EXT_ARG = 1 << 8;
    private static final int ENTER_GETEVENTS = 1;
    private static final int ENTER_EXT_ARG = 1 << 3;
    private static final long OFF_SQES = 0x10000000L;

    // struct io_uring_params and its io_sqring_offsets / io_cqring_offsets
    private static final int PARAMS_SIZE = 120;
    private static final int P_SQ_ENTRIES = 0;
    private static final int P_CQ_ENTRIES = 4;
    private static final int P_FLAGS = 8;
    private static final int P_FEATURES = 20;
    private static final int P_SQ_OFF = 40;
    private static final int P_CQ_OFF = 80;
    private static final int OFF_HEAD = 0;
    private static final int OFF_TAIL = 4;
    private static final int OFF_RING_MASK = 8;
    private static final int SQ_OFF_ARRAY = 24;
    private static final int CQ_OFF_CQES = 20;

    // struct io_uring_getevents_arg { u64 sigmask; u32 sigmask_sz; u32 min_wait_usec; u64 ts; } and a timespec
    private static final int GETEVENTS_ARG_SIZE = 24;

    private static final VarHandle INT = JAVA_INT.varHandle();

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment capture = Sys.allocateCapture(arena);
    private final MemorySegment waitArg = arena.allocate(GETEVENTS_ARG_SIZE, 8);
    private final MemorySegment timespec = arena.allocate(16, 8);
    private final int fd;
    private final MemorySegment rings;
    private final MemorySegment sqes;
    private final long sqHead;
    private final long sqTail;
    private final int sqMask;
    private final int sqEntries;
    private final long cqHead;
    private final long cqTail;
    private final long cqes;
    private final int cqMask;
    private int localSqTail;
    private int pending;
    private boolean closed;

    /**
     * @param entries submission queue size (a power of two); the completion queue gets four times as many, since a
     *                multishot receive posts many completions per submission.
     */
    IoUring(final int entries)
    {
        final MemorySegment params = arena.allocate(PARAMS_SIZE, 8);
        params.set(JAVA_INT, P_FLAGS, SETUP_SINGLE_ISSUER | SETUP_DEFER_TASKRUN | SETUP_SUBMIT_ALL | SETUP_CQSIZE);
        params.set(JAVA_INT, P_CQ_ENTRIES, entries * 4);
        final long rc = Sys.ioUringSetup(capture, entries, params);
        if (rc < 0)
        {
            arena.close();
            throw Sys.failure("io_uring_setup(SINGLE_ISSUER|DEFER_TASKRUN, needs Linux 6.1+)", (int)-rc);
        }
        fd = (int)rc;
        final int features = params.get(JAVA_INT, P_FEATURES);
        final int required = FEAT_SINGLE_MMAP | FEAT_NODROP | FEAT_EXT_ARG;
        if ((features & required) != required)
        {
            Sys.close(capture, fd);
            arena.close();
            throw new UringException("io_uring lacks features 0x" + Integer.toHexString(required & ~features), 0);
        }
        sqEntries = params.get(JAVA_INT, P_SQ_ENTRIES);
        final int cqEntries = params.get(JAVA_INT, P_CQ_ENTRIES);
        final int sqArray = params.get(JAVA_INT, P_SQ_OFF + SQ_OFF_ARRAY);
        cqes = params.get(JAVA_INT, P_CQ_OFF + CQ_OFF_CQES);
        // one mapping holds both rings (FEAT_SINGLE_MMAP): as large as the larger of them
        final long ringBytes = Math.max(sqArray + 4L * sqEntries, cqes + (long)CQE_SIZE * cqEntries);
        rings = Sys.mmap(capture, ringBytes, fd, 0);
        sqes = Sys.mmap(capture, (long)SQE_SIZE * sqEntries, fd, OFF_SQES);
        sqHead = params.get(JAVA_INT, P_SQ_OFF + OFF_HEAD);
        sqTail = params.get(JAVA_INT, P_SQ_OFF + OFF_TAIL);
        sqMask = rings.get(JAVA_INT, params.get(JAVA_INT, P_SQ_OFF + OFF_RING_MASK));
        cqHead = params.get(JAVA_INT, P_CQ_OFF + OFF_HEAD);
        cqTail = params.get(JAVA_INT, P_CQ_OFF + OFF_TAIL);
        cqMask = rings.get(JAVA_INT, params.get(JAVA_INT, P_CQ_OFF + OFF_RING_MASK));
        // the indirection array maps slot i to entry i once and for all: entries are written in ring order
        for (int i = 0; i < sqEntries; i++)
        {
            rings.set(JAVA_INT, sqArray + 4L * i, i);
        }
        localSqTail = (int)INT.getAcquire(rings, sqTail);
    }

    int fd()
    {
        return fd;
    }

    Arena arena()
    {
        return arena;
    }

    MemorySegment capture()
    {
        return capture;
    }

    /**
     * The next free submission entry, zeroed, as a byte offset into {@link #sqes()}; submits what is queued first
     * when the ring is full.
     */
    long nextSqe()
    {
        if (localSqTail - (int)INT.getAcquire(rings, sqHead) >= sqEntries)
        {
            final int rc = submitAndWait(0, 0);
            if (localSqTail - (int)INT.getAcquire(rings, sqHead) >= sqEntries)
            {
                // never write over an entry the kernel has not read
                throw new IllegalStateException("submission queue full; io_uring_enter returned " + rc);
            }
        }
        final long offset = (long)(localSqTail & sqMask) * SQE_SIZE;
        // zeroed field by field: a slice to fill() would be an object per submission
        for (int i = 0; i < SQE_SIZE; i += 8)
        {
            sqes.set(JAVA_LONG, offset + i, 0L);
        }
        return offset;
    }

    MemorySegment sqes()
    {
        return sqes;
    }

    /** Makes the entry returned by the last {@link #nextSqe()} visible to the kernel at the next enter. */
    void commitSqe()
    {
        localSqTail++;
        pending++;
        INT.setRelease(rings, sqTail, localSqTail);
    }

    /**
     * Submits the queued entries and runs the deferred completion work, waiting up to {@code timeoutNanos} for at
     * least {@code minComplete} completions ({@link Long#MAX_VALUE}: without limit). Allocates nothing.
     *
     * @return the entries the kernel consumed, or -errno (ETIME when the wait ran out is not an error: returns 0).
     */
    int submitAndWait(final int minComplete, final long timeoutNanos)
    {
        final int toSubmit = pending;
        long rc;
        if (minComplete > 0 && timeoutNanos == Long.MAX_VALUE)
        {
            rc = Sys.ioUringEnter(capture, fd, toSubmit, minComplete, ENTER_GETEVENTS, 0, 0);
        }
        else if (minComplete > 0)
        {
            timespec.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
            timespec.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            waitArg.set(JAVA_LONG, 16, timespec.address());
            rc = Sys.ioUringEnter(capture, fd, toSubmit, minComplete, ENTER_GETEVENTS | ENTER_EXT_ARG,
                waitArg.address(), GETEVENTS_ARG_SIZE);
        }
        else
        {
            rc = Sys.ioUringEnter(capture, fd, toSubmit, 0, ENTER_GETEVENTS, 0, 0);
        }
        if (rc >= 0)
        {
            pending -= (int)rc;
            return (int)rc;
        }
        if (rc == -Sys.ETIME || rc == -Sys.EINTR)
        {
            // the timed wait submits before it waits, so whatever was queued has gone
            pending = 0;
            return 0;
        }
        return (int)rc;
    }

    /** Completions ready to read: acquire-load of the kernel's tail. */
    int cqTail()
    {
        return (int)INT.getAcquire(rings, cqTail);
    }

    int cqHead()
    {
        return rings.get(JAVA_INT, cqHead);
    }

    /** Returns completion entries up to {@code head} to the kernel. */
    void cqAdvance(final int head)
    {
        INT.setRelease(rings, cqHead, head);
    }

    long cqeUserData(final int index)
    {
        return rings.get(JAVA_LONG, cqes + (long)(index & cqMask) * CQE_SIZE);
    }

    int cqeResult(final int index)
    {
        return rings.get(JAVA_INT, cqes + (long)(index & cqMask) * CQE_SIZE + 8);
    }

    int cqeFlags(final int index)
    {
        return rings.get(JAVA_INT, cqes + (long)(index & cqMask) * CQE_SIZE + 12);
    }

    static void putByte(final MemorySegment sqes, final long sqe, final int field, final byte value)
    {
        sqes.set(JAVA_BYTE, sqe + field, value);
    }

    static void putShort(final MemorySegment sqes, final long sqe, final int field, final short value)
    {
        sqes.set(JAVA_SHORT, sqe + field, value);
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        Sys.munmap(capture, sqes);
        Sys.munmap(capture, rings);
        Sys.close(capture, fd);
        arena.close();
    }
}
