package org.headend.dataplane.tunnel;

import io.netty.buffer.ByteBuf;
import org.agrona.DirectBuffer;

/**
 * Where tunnels put the packets their clients send: a ring to a TUN agent thread (threading mode {@code dedicated})
 * or the TUN queue itself, written on the event loop that owns it (mode {@code shared}). Called on a tunnel's event
 * loop; allocation-free.
 */
public interface InboundSink
{
    /**
     * Takes one packet from a Netty buffer; {@code scratch} (at least {@code length} bytes, the caller's) is used when
     * {@code src} has no accessible array.
     *
     * @return false when the packet had to be dropped (the sink counts why)
     */
    boolean offer(ByteBuf src, int index, int length, byte[] scratch);

    /**
     * Takes one packet from an Agrona buffer.
     *
     * @return false when the packet had to be dropped
     */
    boolean offer(DirectBuffer src, int index, int length);
}
