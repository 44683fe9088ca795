package org.headend.dataplane.dtls;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.headend.crypto.Aead;
import org.headend.dataplane.api.CompressionMethod;
import org.headend.dataplane.api.DtlsKeys;
import org.headend.dataplane.api.DtlsLink;
import org.headend.dataplane.api.DtlsPortListener;
import org.headend.dataplane.api.DtlsSocket;
import org.headend.dataplane.api.HandshakeQueue;
import org.headend.dataplane.api.TunnelHandle;
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.tunnel.CstpTunnel;
import org.headend.dataplane.tunnel.TunnelWiring;
import org.headend.nativecfg.udp.UdpBacklog;

/**
 * The DTLS UDP port: it binds its sockets (all on one event loop), hands ClientHellos to control through its
 * listener, and builds a tunnel's {@link DtlsEndpoint} from the keys of a finished handshake. Control-path methods;
 * any thread; the port's own work runs on its event loop.
 */
public final class DtlsPort implements DtlsSocket
{
    /** Socket buffers: a burst of a few thousand full-size datagrams fits without loss. */
    private static final int SOCKET_BUFFER = 8 * 1024 * 1024;
    /** Largest DTLS datagram read: a full-size record for a 1500-byte link fits. */
    private static final int MAX_DATAGRAM = 2048;
    /** Endpoint ids in the egress queues: apart from tunnel ids, which CSTP handlers use there. */
    private static final int ENDPOINT_ID_BIT = 0x4000_0000;

    private final DtlsPortHandler handler;
    private final Options options;
    private final TunnelWiring wiring;
    private final Function<byte[], Aead> aead;
    /** The bound sockets by the address and port asked for, all on one event loop. */
    private final Map<InetSocketAddress, Channel> channels = new ConcurrentHashMap<>();
    private int nextEndpointId = 1;

    /**
     * @param listener  decides on ClientHellos and runs the handshakes (control)
     * @param wiring    where endpoints get their inbound ring, egress queue, compression and counters
     * @param aead      the AEAD implementation the appliance chose at start
     */
    public DtlsPort(final DtlsPortListener listener, final Options options, final TunnelWiring wiring,
        final Function<byte[], Aead> aead)
    {
        this.handler = new DtlsPortHandler(listener, wiring.counters(), options.udpGso());
        this.options = options;
        this.wiring = wiring;
        this.aead = aead;
    }

    @Override
    public void bind(final InetAddress address, final int port) throws java.io.IOException, InterruptedException
    {
        final InetSocketAddress local = new InetSocketAddress(address, port);
        if (channels.containsKey(local))
        {
            throw new java.io.IOException("already bound");
        }
        final boolean adaptive = options.ioUring() && options.adaptive() && options.receiveBatch() > 1;
        final UdpBacklog backlog = new UdpBacklog();
        final Bootstrap bootstrap = new Bootstrap()
            .group(options.loop())
            .channel(options.ioUring() ? IoUringDatagramChannel.class : NioDatagramChannel.class)
            .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
            .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
            // one receive buffer holds a batch of datagrams, each read by its own RECVMSG: recvmmsg through io_uring
            .option(ChannelOption.RCVBUF_ALLOCATOR, adaptive
                ? new AdaptiveDatagramBatch(MAX_DATAGRAM, options.receiveBatch(), backlog::firstDatagramLength)
                : new FixedRecvByteBufAllocator(MAX_DATAGRAM * options.receiveBatch()))
            .handler(handler);
        if (options.ioUring() && options.receiveBatch() > 1)
        {
            bootstrap.option(IoUringChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM);
        }
        final io.netty.channel.ChannelFuture bound = bootstrap.bind(local).await();
        if (!bound.isSuccess())
        {
            throw new java.io.IOException(String.valueOf(bound.cause().getMessage()), bound.cause());
        }
        if (adaptive && bound.channel() instanceof UnixChannel unix)
        {
            backlog.socket(unix.fd().intValue());
        }
        channels.put(local, bound.channel());
    }

    @Override
    public void unbind(final InetAddress address, final int port)
    {
        final Channel socket = channels.remove(new InetSocketAddress(address, port));
        if (socket != null)
        {
            socket.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    @Override
    public void endHandshake(final InetSocketAddress peer, final HandshakeQueue queue)
    {
        options.loop().execute(() -> handler.removeHandshake(peer, queue));
    }

    @Override
    public void send(final InetSocketAddress peer, final byte[] datagram, final int offset, final int length)
    {
        final io.netty.buffer.ByteBuf copy = Unpooled.copiedBuffer(datagram, offset, length);
        if (options.loop().inEventLoop())
        {
            // a HelloVerifyRequest, while the ClientHello it answers is judged: from the socket it came to
            handler.send(peer, copy);
        }
        else
        {
            options.loop().execute(() -> handler.send(peer, copy));
        }
    }

    /**
     * Ends a successful handshake by handing the session's DTLS channel to a new endpoint (it replaces that
     * session's or that peer's older one); datagrams queued since the handshake finished go to the endpoint.
     */
    @Override
    public DtlsLink install(final TunnelHandle tunnel, final HandshakeQueue queue, final DtlsKeys keys,
        final InetSocketAddress peer, final List<byte[]> lastFlight, final int mtu, final int dpdSeconds,
        final CompressionMethod compression, final TunnelListener listener)
    {
        final io.netty.channel.EventLoop loop = options.loop();
        final DtlsEndpoint endpoint = new DtlsEndpoint(nextEndpointId() | ENDPOINT_ID_BIT,
            CstpTunnel.of(tunnel).path(), wiring.egress(loop), mtu, dpdSeconds, new DtlsRecordCodec(keys, aead),
            peer, wiring.inboundFor(tunnel.id()), wiring.compression(compression, loop, mtu),
            wiring.counters(), listener);
        endpoint.keepLastFlight(lastFlight);
        loop.execute(() -> handler.installAfter(queue, endpoint));
        return endpoint;
    }

    private synchronized int nextEndpointId()
    {
        return nextEndpointId++;
    }

    @Override
    public void remove(final DtlsLink link)
    {
        if (link instanceof DtlsEndpoint endpoint)
        {
            options.loop().execute(() -> handler.remove(endpoint));
            return;
        }
        throw new IllegalArgumentException("not an endpoint of this port: " + link);
    }

    @Override
    public void close()
    {
        for (final Channel socket : channels.values())
        {
            socket.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        channels.clear();
    }
}
