package org.headend.dataplane.tun;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.headend.dataplane.api.TunPort;

/** A TUN queue in memory: tests queue packets "from the inside" and inspect what the agent wrote. */
public final class InMemoryTunPort implements TunPort
{
    private final ArrayDeque<byte[]> toRead = new ArrayDeque<>();
    private final List<byte[]> written = new ArrayList<>();
    private boolean closed;

    public synchronized void inject(final byte[] packet)
    {
        toRead.add(packet);
    }

    public synchronized List<byte[]> written()
    {
        return new ArrayList<>(written);
    }

    public synchronized boolean closed()
    {
        return closed;
    }

    @Override
    public synchronized int read(final ByteBuffer buffer, final int offset, final int maxLength)
    {
        final byte[] packet = toRead.poll();
        if (packet == null)
        {
            return WOULD_BLOCK;
        }
        buffer.put(offset, packet, 0, Math.min(packet.length, maxLength));
        return Math.min(packet.length, maxLength);
    }

    @Override
    public synchronized int write(final ByteBuffer buffer, final int offset, final int length)
    {
        final byte[] packet = new byte[length];
        buffer.get(offset, packet);
        written.add(packet);
        return length;
    }

    @Override
    public synchronized void close()
    {
        closed = true;
    }
}
