package org.headend.dataplane.api;

import java.net.InetSocketAddress;

/**
 * Where the ESP port hands the IKE messages it receives on UDP 4500 (RFC 3948: those that start with the 4-byte
 * non-ESP marker). Called on one delivery thread of the port, never on the data plane's event loop; datagrams
 * wait for it in a bounded queue (what does not fit is dropped and counted, IKE retransmits). Implementations hand
 * the message to the control thread and return.
 */
@FunctionalInterface
public interface IkeDatagramListener
{
    /**
     * One IKE message.
     *
     * @param peer    the sender's address and port (after any NAT)
     * @param local   the headend's address and port it came to (the socket's bound address)
     * @param message the IKE message without the non-ESP marker; a copy the listener may keep
     */
    void onIkeDatagram(InetSocketAddress peer, InetSocketAddress local, byte[] message);
}
