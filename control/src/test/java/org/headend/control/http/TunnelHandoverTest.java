package org.headend.control.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A connection accepted on the front door's loop continues on the tunnel loop: the bytes the client sends after the
 * move are read and answered there, none lost, none read twice, with the transport the appliance uses (io_uring
 * where the kernel has it).
 */
class TunnelHandoverTest
{
    @Test
    void shouldKeepTheConnectionWorkingOnTheTunnelLoop() throws Exception
    {
        final boolean uring = IoUring.isAvailable();
        final IoHandlerFactory io = uring ? IoUringIoHandler.newFactory() : NioIoHandler.newFactory();
        final Class<? extends ServerChannel> serverType = uring ? IoUringServerSocketChannel.class
            : NioServerSocketChannel.class;
        final EventLoopGroup frontDoor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("fd-test"), io);
        final EventLoopGroup tunnels = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tun-test"), io);
        final EventLoop target = tunnels.next();
        final CompletableFuture<String> answeredOn = new CompletableFuture<>();
        try
        {
            final Channel server = new ServerBootstrap().group(frontDoor).channel(serverType)
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline().addLast("front", new MoveOnFirstByte(target, answeredOn));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(),
                ((InetSocketAddress)server.localAddress()).getPort()))
            {
                client.setSoTimeout(10_000);
                final OutputStream out = client.getOutputStream();
                final InputStream in = client.getInputStream();
                out.write('C');
                out.flush();
                assertEquals('M', in.read(), "the connection says when it has moved");
                out.write("hello".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("HELLO", new String(in.readNBytes(5), StandardCharsets.US_ASCII));
                assertTrue(answeredOn.get(10, TimeUnit.SECONDS).startsWith("tun-test"), answeredOn.get());
            }
            server.close().sync();
        }
        finally
        {
            frontDoor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            tunnels.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Stands for the front door: the first byte is the "CONNECT", after which the connection moves. */
    private static final class MoveOnFirstByte extends ChannelInboundHandlerAdapter
    {
        private final EventLoop target;
        private final CompletableFuture<String> answeredOn;

        MoveOnFirstByte(final EventLoop target, final CompletableFuture<String> answeredOn)
        {
            this.target = target;
            this.answeredOn = answeredOn;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            ((ByteBuf)msg).release();
            final Channel channel = ctx.channel();
            channel.config().setAutoRead(false);
            ctx.pipeline().remove(this);
            TunnelHandover.move(channel, target, moved ->
            {
                channel.pipeline().addLast(new ChannelInboundHandlerAdapter()
                {
                    @Override
                    public void channelRead(final ChannelHandlerContext c, final Object data)
                    {
                        final ByteBuf bytes = (ByteBuf)data;
                        final String text = bytes.toString(StandardCharsets.US_ASCII).toUpperCase();
                        bytes.release();
                        answeredOn.complete(Thread.currentThread().getName());
                        c.writeAndFlush(c.alloc().buffer().writeBytes(text.getBytes(StandardCharsets.US_ASCII)));
                    }
                });
                channel.writeAndFlush(channel.alloc().buffer().writeByte('M'));
                channel.config().setAutoRead(true);
            });
        }
    }
}
