package org.headend.dataplane.dtls;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.headend.dataplane.api.DataplaneCounters;

/**
 * The DTLS UDP port as control sees it: control binds the channel with {@link #handler}, then routes handshakes and
 * installs endpoints through these methods, which run on the port's event loop. Control-path methods; any thread.
 */
public final class DtlsPort
{
    private final DtlsPortHandler handler;
    /** The bound sockets: one per outside address family, all on one event loop. */
    private final List<Channel> channels = new CopyOnWriteArrayList<>();

    /**
     * @param gsoSupported whether the UDP channel can send segmented datagrams (UDP GSO); then each client's records
     *                     of a batch leave in one send
     */
    public DtlsPort(final DtlsPortListener listener, final DataplaneCounters counters, final boolean gsoSupported)
    {
        this.handler = new DtlsPortHandler(listener, counters, gsoSupported);
    }

    /** The handler to put last in the pipeline of each UDP channel of the port (they share one event loop). */
    public io.netty.channel.ChannelHandler handler()
    {
        return handler;
    }

    /** Adds a bound channel (the IPv4 socket first, then the IPv6 one, if any); once per socket after binding. */
    public void channel(final Channel channel)
    {
        channels.add(channel);
    }

    /** The first bound channel: its event loop is the port's, its port number the DTLS port. */
    public Channel channel()
    {
        return channels.getFirst();
    }

    /** Datagrams from {@code peer} stop going to {@code sink} (the handshake failed or was never started). */
    public void endHandshake(final InetSocketAddress peer, final HandshakeSink sink)
    {
        channel().eventLoop().execute(() -> handler.removeHandshake(peer, sink));
    }

    /** Sends one handshake datagram (BouncyCastle's flights). */
    public void send(final InetSocketAddress peer, final byte[] datagram, final int offset, final int length)
    {
        channelFor(peer).writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer(datagram, offset, length), peer));
    }

    /**
     * Ends a successful handshake by handing the session's DTLS channel to the data plane (it replaces that
     * session's or that peer's older one); datagrams queued since the handshake finished go to the endpoint.
     */
    public void install(final HandshakeSink finished, final DtlsEndpoint endpoint)
    {
        channel().eventLoop().execute(() -> handler.installAfter(finished, endpoint));
    }

    /** Takes an endpoint out (the tunnel or session ended); traffic falls back to TLS and the keys are wiped. */
    public void remove(final DtlsEndpoint endpoint)
    {
        channel().eventLoop().execute(() -> handler.remove(endpoint));
    }

    private Channel channelFor(final InetSocketAddress peer)
    {
        final boolean ipv6 = peer.getAddress() instanceof Inet6Address;
        for (final Channel channel : channels)
        {
            if (channel.localAddress() instanceof InetSocketAddress local
                && local.getAddress() instanceof Inet6Address == ipv6)
            {
                return channel;
            }
        }
        return channels.getFirst();
    }
}
