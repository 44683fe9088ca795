package org.headend.dataplane.uring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A provided-buffer ring (IORING_REGISTER_PBUF_RING): off-heap slots the kernel picks from when a receive completes,
 * so a multishot receive needs no buffer per submission and the buffer id comes back in the completion. Slots are
 * handed back with {@link #recycle} and become visible to the kernel at {@link #publish} (one release-store of the
 * ring's tail for a whole batch).
 */
final class ProvidedBuffers
{
    private static final int REGISTER_PBUF_RING = 22;
    private static final int BUF_REG_SIZE = 40;
    private static final int ENTRY_SIZE = 16;
    /** The ring's tail shares the first entry's reserved field (struct io_uring_buf_ring). */
    private static final int TAIL_OFFSET = 14;
    private static final long PAGE = 4096;
    private static final VarHandle SHORT = JAVA_SHORT.varHandle();

    private final MemorySegment ring;
    private final MemorySegment slots;
    private final int slotSize;
    private final int mask;
    private final short group;
    private short tail;
    private int unpublished;

    /**
     * Allocates {@code count} slots of {@code slotSize} bytes in the ring's arena and registers them as buffer group
     * {@code group}, all of them available.
     */
    ProvidedBuffers(final IoUring uring, final short group, final int count, final int slotSize)
    {
        if (Integer.bitCount(count) != 1 || count > 32768)
        {
            throw new IllegalArgumentException("buffer ring size must be a power of two up to 32768: " + count);
        }
        this.group = group;
        this.slotSize = slotSize;
        mask = count - 1;
        ring = uring.arena().allocate((long)ENTRY_SIZE * count, PAGE);
        slots = uring.arena().allocate((long)slotSize * count, 64);
        final MemorySegment reg = uring.arena().allocate(BUF_REG_SIZE, 8);
        reg.set(JAVA_LONG, 0, ring.address());
        reg.set(JAVA_INT, 8, count);
        reg.set(JAVA_SHORT, 12, group);
        final long rc = Sys.ioUringRegister(uring.capture(), uring.fd(), REGISTER_PBUF_RING, reg, 1);
        if (rc < 0)
        {
            throw Sys.failure("io_uring_register(PBUF_RING)", (int)-rc);
        }
        for (int id = 0; id < count; id++)
        {
            recycle(id);
        }
        publish();
    }

    short group()
    {
        return group;
    }

    /** All slots, one after the other; slot {@code id} starts at {@link #offset}. */
    MemorySegment slots()
    {
        return slots;
    }

    long offset(final int id)
    {
        return (long)id * slotSize;
    }

    int slotSize()
    {
        return slotSize;
    }

    /** Queues slot {@code id} for the kernel again; it sees it after {@link #publish}. */
    void recycle(final int id)
    {
        final long entry = (long)((tail + unpublished) & mask) * ENTRY_SIZE;
        ring.set(JAVA_LONG, entry, slots.address() + offset(id));
        ring.set(JAVA_INT, entry + 8, slotSize);
        ring.set(JAVA_SHORT, entry + 12, (short)id);
        unpublished++;
    }

    /** Makes every recycled slot available: the entries are written before the tail moves (release). */
    void publish()
    {
        if (unpublished > 0)
        {
            tail += (short)unpublished;
            unpublished = 0;
            SHORT.setRelease(ring, (long)TAIL_OFFSET, tail);
        }
    }
}
