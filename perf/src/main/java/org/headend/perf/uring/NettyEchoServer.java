package org.headend.perf.uring;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Echo on Netty's {@link IoUringDatagramChannel}, set up as the DTLS port sets it up (4 MiB socket buffers, 2 KiB
 * datagrams, {@code batch} RECVMSGs per receive buffer), replying with the received buffer and flushing once per
 * read batch. The DTLS port's adaptive batch reads 1 datagram at a time when quiet and up to 16 in a flood: the
 * batch-1 and batch-16 servers bracket it.
 */
final class NettyEchoServer implements EchoServer
{
    private static final int MAX_DATAGRAM = 2048;
    private static final int SOCKET_BUFFER = 4 << 20;

    private final int batch;
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
    private final Channel channel;
    private final Thread thread;

    NettyEchoServer(final int batch) throws Exception
    {
        this.batch = batch;
        final Bootstrap bootstrap = new Bootstrap()
            .group(group)
            .channel(IoUringDatagramChannel.class)
            .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
            .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM * batch))
            .handler(new SimpleChannelInboundHandler<DatagramPacket>(false)
            {
                @Override
                protected void channelRead0(final ChannelHandlerContext ctx, final DatagramPacket packet)
                {
                    ctx.write(new DatagramPacket(packet.content(), packet.sender()));
                }

                @Override
                public void channelReadComplete(final ChannelHandlerContext ctx)
                {
                    ctx.flush();
                }
            });
        if (batch > 1)
        {
            bootstrap.option(IoUringChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM);
        }
        channel = bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        thread = channel.eventLoop().submit(Thread::currentThread).get();
    }

    @Override
    public String name()
    {
        return "netty io_uring batch " + batch;
    }

    @Override
    public int port()
    {
        return ((InetSocketAddress)channel.localAddress()).getPort();
    }

    @Override
    public Thread thread()
    {
        return thread;
    }

    @Override
    public void close() throws Exception
    {
        channel.close().sync();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
}
