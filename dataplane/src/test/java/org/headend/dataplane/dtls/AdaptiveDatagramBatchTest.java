package org.headend.dataplane.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.uring.IoUringChannelOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slots of each receive buffer, as the socket's queue fills and empties. */
class AdaptiveDatagramBatchTest
{
    private static final int SLOT = 2048;
    private static final int LARGEST = 15_000;
    private boolean waiting;
    private int first;
    /** The channel's datagram payload size, as the handle sets it (0: the whole buffer is one datagram). */
    private int payloadSize = SLOT;
    private final RecvByteBufAllocator.Handle handle =
        new AdaptiveDatagramBatch(SLOT, 16, () -> waiting ? 100 : 0).newHandle();

    private int receive()
    {
        final ByteBuf buffer = handle.allocate(UnpooledByteBufAllocator.DEFAULT);
        final int slots = buffer.writableBytes() / SLOT;
        buffer.release();
        return slots;
    }

    private List<Integer> receives(final int count)
    {
        final List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            slots.add(receive());
        }
        return slots;
    }

    @Test
    void shouldReadOneDatagramWholeWhenTheSocketIsEmptyOrItsFirstDatagramIsLongerThanASlot()
    {
        final RecvByteBufAllocator.Handle whole = new AdaptiveDatagramBatch(SLOT, 16, () -> first, LARGEST).newHandle();
        whole.reset(new DefaultChannelConfig(new EmbeddedChannel())
        {
            @Override
            public <T> boolean setOption(final ChannelOption<T> option, final T value)
            {
                if (option == IoUringChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE)
                {
                    payloadSize = (Integer)value;
                }
                return true;
            }
        });
        final List<String> receives = new ArrayList<>();
        for (final int head : new int[] {0, 0, 1400, 1400, 9000, 1400, 0})
        {
            first = head;
            final ByteBuf buffer = whole.allocate(UnpooledByteBufAllocator.DEFAULT);
            receives.add(buffer.writableBytes() + "/" + payloadSize);
            buffer.release();
        }
        assertEquals(List.of("15000/0", "15000/0", "4096/2048", "8192/2048", "15000/0", "32768/2048", "15000/0"),
            receives, "bytes of each receive / datagram payload size of its RECVMSGs");
    }

    @Test
    void shouldReadAQuietSocketOneDatagramAtATime()
    {
        assertEquals(List.of(1, 1, 1, 1), receives(4), "nothing queued when a receive starts: one slot, one RECVMSG");
    }

    @Test
    void shouldDoubleWhileDatagramsWaitUpToTheMostAndFallBackAtOnce()
    {
        waiting = true;
        assertEquals(List.of(2, 4, 8, 16, 16, 16), receives(6));
        waiting = false;
        assertEquals(List.of(1, 1), receives(2), "the flood is over: back to one at a time");
        waiting = true;
        assertEquals(List.of(2, 4), receives(2));
    }
}
