package org.headend.dataplane.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import java.util.function.BooleanSupplier;

/**
 * Receive buffers for one UDP socket read through io_uring, where a buffer of n datagram slots becomes n RECVMSGs
 * (the first waits for data, the others take what is already queued or fail at once): n doubles, up to
 * {@code most}, for each receive that starts with datagrams already waiting, and is 1 for one that starts on an
 * empty socket. A quiet socket is read one datagram per receive, as with no batching (no extra RECVMSG, no added
 * latency), and a flooded one up to {@code most} at a time, so its buffer does not overflow and drop the live
 * tunnels' records with the flood's.
 *
 * <p>Thread: the socket's event loop.
 */
final class AdaptiveDatagramBatch extends DefaultMaxMessagesRecvByteBufAllocator
{
    private final int slot;
    private final int most;
    private final BooleanSupplier datagramsWaiting;

    /**
     * @param slot             bytes per datagram (the largest one read)
     * @param most             the most datagrams one receive takes
     * @param datagramsWaiting whether the socket's queue holds a datagram now (asked once per receive)
     */
    AdaptiveDatagramBatch(final int slot, final int most, final BooleanSupplier datagramsWaiting)
    {
        if (slot < 1 || most < 1)
        {
            throw new IllegalArgumentException("slot " + slot + ", most " + most);
        }
        this.slot = slot;
        this.most = most;
        this.datagramsWaiting = datagramsWaiting;
    }

    @Override
    public Handle newHandle()
    {
        return new BatchHandle();
    }

    /** The batch size of one socket. */
    private final class BatchHandle extends MaxMessageHandle
    {
        /** Datagram slots in the buffer being filled. */
        private int batch = 1;

        @Override
        public ByteBuf allocate(final ByteBufAllocator alloc)
        {
            batch = datagramsWaiting.getAsBoolean() ? Math.min(batch * 2, most) : 1;
            return super.allocate(alloc);
        }

        @Override
        public int guess()
        {
            return batch * slot;
        }
    }
}
