package org.headend.dataplane.api;

import java.util.concurrent.Future;

/**
 * What control holds of a live tunnel: an id and the commands and readings it may use. The data plane owns the
 * connection behind it (its Netty channel and handlers never leave the data plane), so a session that keeps a handle
 * is plain data. Commands may be called from any thread; they run on the tunnel's event loop.
 */
public interface TunnelHandle
{
    /** The tunnel's id, unique while the process lives. */
    int id();

    /** Sends a DISCONNECT (the client does not come back), then closes the tunnel. */
    void disconnect(String why);

    /** Closes the tunnel without DISCONNECT, so the client reconnects with its cookie. */
    void drop(String why);

    /**
     * Puts the session's new {@code vpn-filter} (null: none) in force from the tunnel's next packet, without a
     * reconnect.
     *
     * @return false when this kind of tunnel cannot change its filter while it runs
     */
    default boolean vpnFilter(final AccessFilter filter)
    {
        return false;
    }

    /** The headend's own DPD interval in seconds, 0 when it does not probe. */
    int gatewayDpdSeconds();

    /** Changes the headend's own DPD interval (0: no probes). */
    void gatewayDpd(int seconds);

    /** Done when the tunnel's connection has closed. */
    Future<?> closed();

    /** Bytes from the client, over TLS and DTLS. */
    long rxBytes();

    /** Bytes to the client, over TLS and DTLS. */
    long txBytes();

    /** Packets from the client, over TLS and DTLS. */
    long rxPackets();

    /** Packets to the client, over TLS and DTLS. */
    long txPackets();

    /** Packets from the client the tunnel dropped (access checks, undecodable, no room inside). */
    long rxDrops();

    /** Packets for the client the tunnel dropped (client not reading, sealing failed). */
    long txDrops();

    /** The DPD round trips measured over TLS. */
    RoundTripTimes tlsRoundTrips();

    /** The DPD round trips measured over DTLS. */
    RoundTripTimes dtlsRoundTrips();
}
