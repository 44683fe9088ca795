package org.headend.dataplane.api;

import java.net.InetSocketAddress;

/**
 * What the DTLS port reports to control. Called on the UDP event loop; implementations decide at once and hand any
 * lasting work to other threads.
 */
public interface DtlsPortListener
{
    /** A ClientHello that may start a handshake: its session_id names a tunnel and its cookie proves its address. */
    interface Admission
    {
    }

    /**
     * Decides, without keeping any state, whether a ClientHello may start a handshake: its session_id must name a
     * live tunnel (else no answer at all, so no amplification) and it must carry the cookie of its source address
     * (else the listener answers with a HelloVerifyRequest).
     *
     * @param peer      the client's UDP address
     * @param sessionId the ClientHello's session_id (the App-ID or Session-ID of a CONNECT answer)
     * @param datagram  the whole datagram from offset 0; only valid during the call
     * @param length    its length
     * @param nowNanos  the event loop's clock
     * @return what {@link #onClientHello} starts the handshake from, or null
     */
    Admission admit(InetSocketAddress peer, byte[] sessionId, byte[] datagram, int length, long nowNanos);

    /**
     * Starts an admitted handshake.
     *
     * @param peer      the client's UDP address
     * @param admission what {@link #admit} returned
     * @param queue     the peer's datagrams after the admitted ClientHello; control runs the handshake from it, and
     *                  calls {@link DtlsSocket#endHandshake} or {@link DtlsSocket#install} when it is over
     */
    void onClientHello(InetSocketAddress peer, Admission admission, HandshakeQueue queue);
}
