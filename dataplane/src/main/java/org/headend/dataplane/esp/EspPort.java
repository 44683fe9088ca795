package org.headend.dataplane.esp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.headend.crypto.Aead;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.EspSa;
import org.headend.dataplane.api.EspSocket;
import org.headend.dataplane.api.EspTunnel;
import org.headend.dataplane.api.IkeDatagramListener;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.dtls.AdaptiveDatagramBatch;
import org.headend.dataplane.tunnel.TunnelPath;
import org.headend.dataplane.tunnel.TunnelWiring;
import org.headend.nativecfg.udp.UdpBacklog;

/**
 * The UDP-encapsulated ESP port: binds its sockets (all on one event loop), hands IKE messages to control, and builds
 * the {@link EspSession} of each child SA pair control installs. Control-path methods; any thread; the port's own
 * work runs on its event loop.
 */
public final class EspPort implements EspSocket
{
    /** Socket buffers: a burst of a few thousand full-size datagrams fits without loss. */
    private static final int SOCKET_BUFFER = 8 * 1024 * 1024;
    /**
     * Bytes per datagram in a batched receive: a full-size ESP packet for a 1500-byte link, and a client's
     * unfragmented IKE_AUTH with EAP (no certificate) with room to spare, should one arrive behind ESP packets.
     */
    private static final int SLOT = 4096;
    /**
     * Largest datagram read alone (a receive on an empty socket, or one whose first queued datagram is longer than a
     * slot): IKE messages before fragmentation is negotiated, or with it off.
     */
    private static final int MAX_SINGLE_DATAGRAM = 16 * 1024;

    private final Options options;
    private final TunnelWiring wiring;
    private final Function<byte[], Aead> aead;
    private final SpiRegistry spis = new SpiRegistry();
    private final IkeInbox inbox;
    private final EspPortHandler handler;
    private final List<Channel> channels = new CopyOnWriteArrayList<>();

    /**
     * @param listener  gets the IKE messages that arrive on the port
     * @param wiring    where sessions get their inbound sink and egress queue, and the counters
     * @param aead      the AEAD implementation the appliance chose at start
     */
    public EspPort(final IkeDatagramListener listener, final Options options, final TunnelWiring wiring,
        final Function<byte[], Aead> aead)
    {
        this.options = options;
        this.wiring = wiring;
        this.aead = aead;
        this.inbox = new IkeInbox(listener, wiring.counters().counter(DataplaneCounter.ESP_IKE_MESSAGES),
            wiring.counters().counter(DataplaneCounter.ESP_IKE_QUEUE_FULL_DROPS));
        this.handler = new EspPortHandler(inbox, spis, wiring.counters(), options.udpGso());
    }

    @Override
    public void bind(final InetAddress address, final int port) throws InterruptedException
    {
        final boolean batched = options.ioUring() && options.receiveBatch() > 1;
        final UdpBacklog backlog = new UdpBacklog();
        // batched as the DTLS port: while datagrams keep coming, one submission carries up to a batch of RECVMSGs
        // into one pooled buffer, not an io_uring round trip per client packet; a quiet socket one datagram per receive
        final Bootstrap bootstrap = new Bootstrap()
            .group(options.loop())
            .channel(options.ioUring() ? IoUringDatagramChannel.class : NioDatagramChannel.class)
            .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
            .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
            .option(ChannelOption.RCVBUF_ALLOCATOR, batched
                ? new AdaptiveDatagramBatch(SLOT, options.receiveBatch(), backlog::firstDatagramLength,
                    MAX_SINGLE_DATAGRAM)
                : new FixedRecvByteBufAllocator(MAX_SINGLE_DATAGRAM))
            .handler(handler);
        if (batched)
        {
            bootstrap.option(IoUringChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, SLOT);
        }
        final Channel bound = bootstrap.bind(address, port).sync().channel();
        if (batched && bound instanceof UnixChannel unix)
        {
            backlog.socket(unix.fd().intValue());
        }
        channels.add(bound);
    }

    @Override
    public int localPort()
    {
        return ((InetSocketAddress)channels.getFirst().localAddress()).getPort();
    }

    @Override
    public void sendIke(final InetSocketAddress peer, final byte[] message, final int offset, final int length)
    {
        final Channel channel = channelFor(peer);
        final ByteBuf datagram = channel.alloc().buffer(EspFormat.NON_ESP_MARKER_LENGTH + length);
        datagram.writeInt(0).writeBytes(message, offset, length);
        channel.writeAndFlush(new DatagramPacket(datagram, peer));
    }

    @Override
    public int reserveSpi()
    {
        return spis.reserve();
    }

    @Override
    public void releaseSpi(final int spi)
    {
        spis.release(spi);
    }

    @Override
    public EspTunnel install(final int tunnelId, final TunnelAccess access, final int mtu,
        final InetSocketAddress peer, final EspSa inbound, final EspSa outbound, final TunnelListener listener)
    {
        final EventLoop loop = options.loop();
        // an SPI control chose itself is claimed here; one reserved through this port is already taken
        spis.claim(inbound.spi());
        final TunnelPath path = new TunnelPath(tunnelId, wiring.egress(loop), access);
        final EspSession session = new EspSession(path, mtu, peer, inbound, outbound,
            wiring.inboundFor(tunnelId), listener, aead, handler, loop, wiring.counters());
        loop.execute(() -> handler.install(session));
        return session;
    }

    @Override
    public void close()
    {
        if (!options.loop().isShuttingDown())
        {
            options.loop().submit(handler::closeAll).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        for (final Channel socket : channels)
        {
            socket.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        inbox.close();
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
