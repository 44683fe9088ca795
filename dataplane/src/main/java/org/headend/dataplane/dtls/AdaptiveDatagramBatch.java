package org.headend.dataplane.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.channel.uring.IoUringChannelOption;
import java.util.function.IntSupplier;

/**
 * Receive buffers for one UDP socket read through io_uring, where a buffer of n datagram slots becomes n RECVMSGs
 * (the first waits for data, the others take what is already queued or fail at once): n doubles, up to
 * {@code most}, for each receive that starts with datagrams already waiting, and is 1 for one that starts on an
 * empty socket. A quiet socket is read one datagram per receive, as with no batching (no extra RECVMSG, no added
 * latency), and a flooded one up to {@code most} at a time, so its buffer does not overflow and drop the live
 * tunnels' records with the flood's.
 *
 * <p>A port whose datagrams are mostly small but now and then large (ESP beside IKE on UDP 4500) gives a
 * {@code largest} above the slot: a receive of one datagram (an empty socket, or a first queued datagram longer than
 * a slot) then reads it whole into one buffer of {@code largest} bytes, through the channel's
 * {@link IoUringChannelOption#MAX_DATAGRAM_PAYLOAD_SIZE} (0: the whole buffer is one datagram), so slots stay
 * sized for the common datagram. Only a large datagram behind others in a batch is cut at its slot.
 *
 * <p>Thread: the socket's event loop.
 */
public final class AdaptiveDatagramBatch extends DefaultMaxMessagesRecvByteBufAllocator
{
    /** Boxed once: the channel option takes an Integer, and a receive allocates nothing. */
    private static final Integer WHOLE_BUFFER = 0;

    private final int slot;
    private final Integer boxedSlot;
    private final int most;
    private final int largest;
    private final IntSupplier firstDatagramLength;

    /**
     * @param slot                bytes per datagram (the largest one read)
     * @param most                the most datagrams one receive takes
     * @param firstDatagramLength the length of the datagram at the head of the socket's queue, 0 when it is empty
     *                            (asked once per receive)
     */
    public AdaptiveDatagramBatch(final int slot, final int most, final IntSupplier firstDatagramLength)
    {
        this(slot, most, firstDatagramLength, slot);
    }

    /**
     * @param largest bytes a receive of one datagram reads; above {@code slot}, the channel's datagram payload size
     *                must start at {@code slot}
     */
    public AdaptiveDatagramBatch(final int slot, final int most, final IntSupplier firstDatagramLength,
        final int largest)
    {
        if (slot < 1 || most < 1 || largest < slot)
        {
            throw new IllegalArgumentException("slot " + slot + ", most " + most + ", largest " + largest);
        }
        this.slot = slot;
        this.boxedSlot = slot;
        this.most = most;
        this.largest = largest;
        this.firstDatagramLength = firstDatagramLength;
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
        /** Whether the buffer being filled is one datagram of {@link #largest} bytes. */
        private boolean whole;
        private ChannelConfig config;

        @Override
        public void reset(final ChannelConfig channelConfig)
        {
            this.config = channelConfig;
            super.reset(channelConfig);
        }

        @Override
        public ByteBuf allocate(final ByteBufAllocator alloc)
        {
            final int first = firstDatagramLength.getAsInt();
            batch = first > 0 ? Math.min(batch * 2, most) : 1;
            if (largest > slot)
            {
                readWhole(batch == 1 || first > slot);
            }
            return super.allocate(alloc);
        }

        /** Switches the channel between one datagram per buffer and one per slot, when it changes. */
        private void readWhole(final boolean one)
        {
            if (one != whole && config != null)
            {
                config.setOption(IoUringChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, one ? WHOLE_BUFFER : boxedSlot);
                whole = one;
            }
        }

        @Override
        public int guess()
        {
            return whole ? largest : batch * slot;
        }
    }
}
