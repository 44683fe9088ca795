package org.headend.dataplane.uring;

/** Receives datagrams on the port's loop thread. */
@FunctionalInterface
public interface DatagramHandler
{
    /**
     * @param datagram valid only during this call; its buffer goes back to the kernel when the call returns.
     */
    void onDatagram(ReceivedDatagram datagram);
}
