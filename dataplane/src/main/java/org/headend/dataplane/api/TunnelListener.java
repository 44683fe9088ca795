package org.headend.dataplane.api;

/**
 * What a CSTP tunnel reports to control. Called on the tunnel's event loop; implementations hand the event to the
 * control thread and return at once.
 */
public interface TunnelListener
{
    /** Why a tunnel's TLS connection ended. */
    enum CloseCause
    {
        /** The client closed the connection (network change, pause, crash): the session may come back. */
        PEER_CLOSED,
        /** Nothing arrived for twice the gateway DPD interval. */
        DPD_TIMEOUT,
        /**
         * The client read nothing of what it was sent for the send timeout while its connection stayed over the
         * write buffer's high-water mark (a zero TCP window): the session may come back.
         */
        SEND_TIMEOUT,
        /** The client sent a frame the protocol forbids; the connection was closed. */
        PROTOCOL_ERROR,
        /** The client sent DISCONNECT (see {@link #onDisconnectRequest}). */
        CLIENT_DISCONNECT,
        /** The headend closed it (logoff, take-over by a reconnect, shutdown). */
        LOCAL
    }

    /**
     * The client sent a CSTP DISCONNECT.
     *
     * @param reason the reason byte (0xb0 = the user disconnected), or -1 when the frame had no payload
     * @param text   the printable part of the client's reason text, at most 64 characters
     */
    void onDisconnectRequest(int reason, String text);

    /** The tunnel's connection is gone; called exactly once. */
    void onClosed(CloseCause cause, String detail);
}
