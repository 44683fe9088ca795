package org.headend.dataplane.tun;

import java.nio.ByteBuffer;
import org.headend.dataplane.api.TunPort;
import org.headend.nativecfg.tun.TunQueue;

/** A real TUN queue as a {@link TunPort}. */
public final class NativeTunPort implements TunPort
{
    private final TunQueue queue;

    public NativeTunPort(final TunQueue queue)
    {
        this.queue = queue;
    }

    @Override
    public int read(final ByteBuffer buffer, final int offset, final int maxLength)
    {
        final int n = queue.read(buffer, offset, maxLength);
        return n == TunQueue.WOULD_BLOCK ? WOULD_BLOCK : n < 0 ? -2 : n;
    }

    @Override
    public int write(final ByteBuffer buffer, final int offset, final int length)
    {
        return queue.write(buffer, offset, length);
    }

    @Override
    public void close()
    {
        // the TunDevice owns the queue fds and closes them all at once
    }
}
