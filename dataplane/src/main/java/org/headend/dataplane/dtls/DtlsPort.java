package org.headend.dataplane.dtls;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.headend.dataplane.counters.DataplaneCounters;

/**
 * The DTLS UDP port as control sees it: control binds the channel with {@link #handler}, then routes handshakes and
 * installs endpoints through these methods, which run on the port's event loop. Control-path methods; any thread.
 */
public final class DtlsPort
{
    private final DtlsPortHandler handler;
    private Channel channel;

    /**
     * @param gsoSupported whether the UDP channel can send segmented datagrams (UDP GSO); then each client's records
     *                     of a batch leave in one send
     */
    public DtlsPort(final DtlsPortListener listener, final DataplaneCounters counters, final boolean gsoSupported)
    {
        this.handler = new DtlsPortHandler(listener, counters, gsoSupported);
    }

    /** The handler to put last in the UDP channel's pipeline. */
    public io.netty.channel.ChannelHandler handler()
    {
        return handler;
    }

    /** The bound channel; set once after binding. */
    public void channel(final Channel channel)
    {
        this.channel = channel;
    }

    public Channel channel()
    {
        return channel;
    }

    /** Datagrams from {@code peer} stop going to {@code sink} (the handshake failed or was never started). */
    public void endHandshake(final InetSocketAddress peer, final HandshakeSink sink)
    {
        channel.eventLoop().execute(() -> handler.removeHandshake(peer, sink));
    }

    /** Sends one handshake datagram (BouncyCastle's flights). */
    public void send(final InetSocketAddress peer, final byte[] datagram, final int offset, final int length)
    {
        channel.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer(datagram, offset, length), peer));
    }

    /**
     * Ends a successful handshake by handing the session's DTLS channel to the data plane (it replaces that
     * session's or that peer's older one); datagrams queued since the handshake finished go to the endpoint.
     */
    public void install(final HandshakeSink finished, final DtlsEndpoint endpoint)
    {
        channel.eventLoop().execute(() -> handler.installAfter(finished, endpoint));
    }

    /** Takes an endpoint out (the tunnel or session ended); traffic falls back to TLS and the keys are wiped. */
    public void remove(final DtlsEndpoint endpoint)
    {
        channel.eventLoop().execute(() -> handler.remove(endpoint));
    }
}
