package org.headend.dataplane.api;

import java.nio.ByteBuffer;

/**
 * One queue of the inside interface as the data plane sees it: a TUN queue in production
 * ({@code tun.NativeTunPort}), an in-memory double in tests. Used by exactly one agent thread; non-blocking.
 */
public interface TunPort extends AutoCloseable
{
    /** {@link #read} result: no packet is waiting. */
    int WOULD_BLOCK = -1;

    /**
     * Reads one IP packet into {@code buffer} (direct) at {@code offset}.
     *
     * @return the packet length, {@link #WOULD_BLOCK}, or another negative value on error
     */
    int read(ByteBuffer buffer, int offset, int maxLength);

    /**
     * Writes one IP packet of {@code length} bytes from {@code buffer} (direct) at {@code offset}.
     *
     * @return the bytes written, or a negative value on error
     */
    int write(ByteBuffer buffer, int offset, int length);

    @Override
    void close();
}
