package org.headend.dataplane.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slots of each receive buffer, as the socket's queue fills and empties. */
class AdaptiveDatagramBatchTest
{
    private static final int SLOT = 2048;
    private boolean waiting;
    private final RecvByteBufAllocator.Handle handle = new AdaptiveDatagramBatch(SLOT, 16, () -> waiting).newHandle();

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
