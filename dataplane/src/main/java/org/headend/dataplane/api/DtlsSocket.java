package org.headend.dataplane.api;

import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The DTLS port, owned by the data plane: it binds the UDP sockets, reports ClientHellos to its
 * {@link DtlsPortListener} (control, which runs the handshakes) and, once a handshake is done, carries the tunnel's
 * packets with the keys control installs. Control-path methods; any thread.
 */
public interface DtlsSocket extends AutoCloseable
{
    /**
     * How the port's sockets are made.
     *
     * @param loop         the one event loop of all the port's sockets (they share its tables)
     * @param ioUring      whether {@code loop} runs the io_uring transport (else NIO)
     * @param receiveBatch datagrams read per receive (recvmmsg through io_uring), 1 for one at a time
     * @param udpGso       whether a batch of equal-sized records to one client may leave in one send (UDP GSO)
     * @param adaptive     whether {@code receiveBatch} is the most a receive takes, each taking more only while
     *                     datagrams keep coming (else every receive takes {@code receiveBatch})
     */
    record Options(EventLoop loop, boolean ioUring, int receiveBatch, boolean udpGso, boolean adaptive)
    {
    }

    /**
     * Binds a socket on {@code address} and {@code port}; the port may have several (one per interface address, and
     * an old port kept while its tunnels drain), all on one event loop. A client's handshake and records leave from
     * the socket it sends to.
     *
     * @throws java.io.IOException when the address and port cannot be bound (in use, not a local address)
     */
    void bind(InetAddress address, int port) throws java.io.IOException, InterruptedException;

    /** Closes the socket {@link #bind} opened on {@code address} and {@code port}; the others go on. */
    void unbind(InetAddress address, int port);

    /** Sends one handshake datagram (BouncyCastle's flights) from the socket {@code peer} talks to. */
    void send(InetSocketAddress peer, byte[] datagram, int offset, int length);

    /** Datagrams from {@code peer} stop going to {@code queue} (the handshake failed or was never started). */
    void endHandshake(InetSocketAddress peer, HandshakeQueue queue);

    /**
     * Installs a finished handshake's keys: {@code tunnel} gets a DTLS channel to {@code peer} (replacing that
     * tunnel's or that peer's older one), and the datagrams queued since the handshake finished go to it.
     *
     * @param lastFlight  the handshake's last flight, sent again if the client repeats its own
     * @param mtu         the tunnel MTU
     * @param dpdSeconds  the DTLS DPD interval announced to the client
     * @param compression the method negotiated for DTLS
     * @param listener    the tunnel's events (DISCONNECT over DTLS)
     */
    DtlsLink install(TunnelHandle tunnel, HandshakeQueue queue, DtlsKeys keys, InetSocketAddress peer,
        List<byte[]> lastFlight, int mtu, int dpdSeconds, CompressionMethod compression, TunnelListener listener);

    /** Takes a DTLS channel out (the tunnel ended); traffic falls back to TLS and the keys are wiped. */
    void remove(DtlsLink link);

    /** Closes the sockets. */
    @Override
    void close();
}
