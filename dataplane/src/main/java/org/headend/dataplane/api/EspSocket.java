package org.headend.dataplane.api;

import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The UDP-encapsulated ESP port (RFC 3948, normally UDP 4500), owned by the data plane: it binds the sockets, hands
 * IKE messages (non-ESP marker) to control through its {@link IkeDatagramListener}, drops NAT keepalives, and carries
 * the ESP packets of the child SAs control installs. Control-path methods; any thread.
 */
public interface EspSocket extends AutoCloseable
{
    /**
     * How the port's sockets are made.
     *
     * @param loop         the one event loop of all the port's sockets and ESP tunnels; a data plane event loop
     * @param ioUring      whether {@code loop} runs the io_uring transport (else NIO)
     * @param receiveBatch the most datagrams one receive takes (recvmmsg through io_uring), more only while they
     *                     keep coming; 1 for one at a time
     * @param udpGso       whether a batch of equal-sized ESP packets to one client may leave in one send (UDP GSO)
     */
    record Options(EventLoop loop, boolean ioUring, int receiveBatch, boolean udpGso)
    {
        /** Without UDP GSO: one sendmsg(2) per ESP packet. */
        public Options(final EventLoop loop, final boolean ioUring, final int receiveBatch)
        {
            this(loop, ioUring, receiveBatch, false);
        }
    }

    /** Binds a socket on {@code address}, port {@code port} (0: any); IPv4 and IPv6 sockets share the loop. */
    void bind(InetAddress address, int port) throws InterruptedException;

    /** The UDP port of the first socket. */
    int localPort();

    /** Sends one IKE message to {@code peer} with the 4-byte non-ESP marker in front (RFC 3948 §2.2). */
    void sendIke(InetSocketAddress peer, byte[] message, int offset, int length);

    /**
     * A fresh random inbound SPI no installed or reserved SA of this port uses, to put in the IKE answer before the
     * keys exist. Give it to {@link #install} or {@link EspTunnel#rekey}, or back with {@link #releaseSpi}.
     */
    int reserveSpi();

    /** Returns a reserved SPI that was never installed (the negotiation failed). */
    void releaseSpi(int spi);

    /**
     * Starts a tunnel over a child SA pair: ESP with {@code inbound.spi()} from anyone is opened with
     * {@code inbound}, checked against {@code access} and written to the TUN; inside packets routed to the tunnel
     * (after {@link Dataplane#addRoutes}) are sealed with {@code outbound} and sent to {@code peer}. The peer address
     * follows the client only after an authenticated packet from a new address with the highest sequence number yet
     * (RFC 3948 §2.3 NAT rebinding). The SA takes effect on the port's event loop before anything {@link #sendIke}
     * sends after this call, so send the IKE answer that completes the child SA after installing it.
     *
     * @param tunnelId unique among all tunnels of the process (the same space as {@link Dataplane#openTunnel})
     * @param access   the session's addresses and split-tunnel filter
     * @param mtu      the largest inner packet accepted from the client
     * @param peer     the client's UDP address (as the IKE SA last saw it)
     * @param inbound  the SA the client seals with; its SPI was {@link #reserveSpi reserved} here
     * @param outbound the SA the headend seals with
     * @param listener told {@code onClosed} once when the tunnel ends (never {@code onDisconnectRequest}: IKE's
     *                 DELETE is control's)
     */
    EspTunnel install(int tunnelId, TunnelAccess access, int mtu, InetSocketAddress peer, EspSa inbound,
        EspSa outbound, TunnelListener listener);

    /** Closes the sockets and every tunnel on them. */
    @Override
    void close();
}
