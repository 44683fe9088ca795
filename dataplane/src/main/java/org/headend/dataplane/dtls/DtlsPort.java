package org.headend.dataplane.dtls;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.function.Predicate;
import org.headend.dataplane.counters.DataplaneCounters;

/**
 * The DTLS UDP port as control sees it: control binds the channel with {@link #handler}, then routes handshakes and
 * installs endpoints through these methods, which run on the port's event loop. Control-path methods; any thread.
 */
public final class DtlsPort
{
    private final DtlsPortHandler handler;
    private Channel channel;

    public DtlsPort(final DtlsPortListener listener, final DataplaneCounters counters)
    {
        this.handler = new DtlsPortHandler(listener, counters);
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

    /** Datagrams from {@code peer} go to {@code sink} (a handshake's queue) until {@link #endHandshake}. */
    public void beginHandshake(final InetSocketAddress peer, final Predicate<byte[]> sink)
    {
        channel.eventLoop().execute(() -> handler.addHandshake(peer, sink));
    }

    public void endHandshake(final InetSocketAddress peer, final Predicate<byte[]> sink)
    {
        channel.eventLoop().execute(() -> handler.removeHandshake(peer, sink));
    }

    /** Sends one handshake datagram (BouncyCastle's flights). */
    public void send(final InetSocketAddress peer, final byte[] datagram, final int offset, final int length)
    {
        channel.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer(datagram, offset, length), peer));
    }

    /** Hands a session's DTLS channel to the data plane; it replaces that session's or that peer's older one. */
    public void install(final DtlsEndpoint endpoint)
    {
        channel.eventLoop().execute(() -> handler.install(endpoint));
    }

    /** Takes an endpoint out (the tunnel or session ended); traffic falls back to TLS and the keys are wiped. */
    public void remove(final DtlsEndpoint endpoint)
    {
        channel.eventLoop().execute(() -> handler.remove(endpoint));
    }
}
