package org.headend.dataplane.dtls;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Native buffers, each large enough for one UDP GSO send, that the endpoints of a DTLS port seal a batch's records
 * into and hand to sendmsg(2). A slab is taken when an endpoint's batch starts and given back right after the send
 * (the kernel has copied it), so a loop needs about as many as endpoints get data in one batch.
 *
 * <p>Thread: the port's event loop.
 */
public final class SendSlabs
{
    /** Largest UDP payload of one GSO send. */
    public static final int SLAB_BYTES = 65507;
    private static final int MAX_KEPT = 64;

    private UnsafeBuffer[] free = new UnsafeBuffer[8];
    private int freeCount;

    public UnsafeBuffer take()
    {
        return freeCount > 0 ? free[--freeCount] : new UnsafeBuffer(ByteBuffer.allocateDirect(SLAB_BYTES));
    }

    public void give(final UnsafeBuffer slab)
    {
        if (freeCount == free.length)
        {
            if (free.length >= MAX_KEPT)
            {
                return;
            }
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = slab;
    }
}
