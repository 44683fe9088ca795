package org.headend.dataplane.alloc;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import java.util.function.BooleanSupplier;
import org.headend.nativecfg.event.EventFd;

/**
 * Runs a piece of work on an io_uring event loop whenever another thread rings, without the loop's task queue (whose
 * chunks would be garbage on the loop thread and spoil the measurement): an eventfd polled through the ring, the way
 * the data plane polls its TUN queue. While the work says there is more, it runs again after the loop's other
 * completions.
 */
final class LoopDoorbell implements IoUringIoHandle, AutoCloseable
{
    private static final byte IORING_OP_POLL_ADD = 6;
    private static final int IORING_POLL_ADD_MULTI = 1;
    private static final int POLLIN = 1;
    private static final short AGAIN = 1;

    private final EventFd bell = EventFd.create();
    private final BooleanSupplier work;
    private final IoUringIoOps ring;
    private final IoUringIoOps again;
    private final IoRegistration registration;

    /** @param work runs on the loop; returns whether it has more to do */
    LoopDoorbell(final IoEventLoop loop, final BooleanSupplier work) throws InterruptedException
    {
        this.work = work;
        ring = new IoUringIoOps(IORING_OP_POLL_ADD, (byte)0, (short)0, bell.fd(), 0L, 0L, IORING_POLL_ADD_MULTI,
            POLLIN, (short)0, (short)0, (short)0, 0, 0L);
        again = new IoUringIoOps(IORING_OP_POLL_ADD, (byte)0, (short)0, bell.fd(), 0L, 0L, 0, POLLIN, AGAIN,
            (short)0, (short)0, 0, 0L);
        registration = loop.register(this).sync().getNow();
        loop.submit(() -> registration.submit(ring)).sync();
    }

    /** Makes the work run soon. Any thread. */
    void ring()
    {
        bell.signal();
    }

    @Override
    public void handle(final IoRegistration registration, final IoEvent event)
    {
        final IoUringIoEvent completion = (IoUringIoEvent)event;
        // the eventfd is never drained: it stays readable, so a one-shot poll completes at once
        if (completion.res() >= 0 && work.getAsBoolean())
        {
            registration.submit(again);
        }
        if (completion.data() != AGAIN && (completion.flags() & 2) == 0 && registration.isValid())
        {
            registration.submit(ring);
        }
    }

    @Override
    public void close()
    {
        registration.cancel();
        bell.close();
    }
}
