package org.headend.dataplane.uring;

import java.lang.foreign.MemorySegment;

/** Sends every datagram back where it came from, as a server on the port's thread would reply. */
final class Echo implements DatagramHandler
{
    private final UringUdpPort port;
    private long dropped;

    Echo(final UringUdpPort port)
    {
        this.port = port;
    }

    @Override
    public void onDatagram(final ReceivedDatagram datagram)
    {
        final int slot = port.claimSend();
        if (slot < 0)
        {
            dropped++;
            return;
        }
        MemorySegment.copy(datagram.segment(), datagram.offset(), port.sendPayload(slot), 0, datagram.length());
        port.send(slot, datagram.length(), datagram);
    }

    long dropped()
    {
        return dropped;
    }
}
