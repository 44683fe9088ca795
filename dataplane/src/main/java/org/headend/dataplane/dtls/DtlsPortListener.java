package org.headend.dataplane.dtls;

import java.net.InetSocketAddress;

/**
 * What the DTLS port reports to control. Called on the UDP event loop; implementations hand the event to the control
 * thread and return at once.
 */
public interface DtlsPortListener
{
    /**
     * A ClientHello whose session_id may name a session: from a new address, or a re-handshake from a known one.
     *
     * @param peer      the client's UDP address
     * @param sessionId the ClientHello's session_id (the App-ID or Session-ID of a CONNECT answer)
     * @param queue     the peer's datagrams from this ClientHello on (it is the first); control runs the handshake
     *                  from it, or calls {@link DtlsPort#endHandshake} to drop it
     */
    void onClientHello(InetSocketAddress peer, byte[] sessionId, HandshakeQueue queue);
}
