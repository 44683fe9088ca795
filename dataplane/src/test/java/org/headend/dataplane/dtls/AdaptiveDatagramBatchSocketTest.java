package org.headend.dataplane.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.unix.UnixChannel;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.headend.nativecfg.udp.UdpBacklog;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The adaptive batch on a real io_uring UDP socket: datagrams that queued up while the loop was busy are read many
 * per receive, and a lone datagram on a quiet socket one per receive (the slots of the buffer it arrived in).
 */
class AdaptiveDatagramBatchSocketTest
{
    private static final int SLOT = 2048;
    private static final int BURST = 400;

    @Test
    void shouldReadABacklogManyPerReceiveAndAQuietSocketOnePerReceive() throws Exception
    {
        Assumptions.assumeTrue(IoUring.isAvailable(), "io_uring");
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        final AtomicInteger received = new AtomicInteger();
        final AtomicInteger mostSlots = new AtomicInteger();
        final AtomicInteger lastSlots = new AtomicInteger();
        final UdpBacklog backlog = new UdpBacklog();
        try (DatagramSocket sender = new DatagramSocket())
        {
            final Channel socket = new Bootstrap().group(group).channel(IoUringDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                .option(ChannelOption.RCVBUF_ALLOCATOR,
                    new AdaptiveDatagramBatch(SLOT, 16, backlog::firstDatagramLength))
                .option(IoUringChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, SLOT)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>()
                {
                    @Override
                    protected void channelRead0(final ChannelHandlerContext ctx, final DatagramPacket packet)
                    {
                        // a datagram's bytes are a slice of the receive's buffer: its size is the batch
                        final int slots = packet.content().unwrap().capacity() / SLOT;
                        mostSlots.accumulateAndGet(slots, Math::max);
                        lastSlots.set(slots);
                        received.incrementAndGet();
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            backlog.socket(((UnixChannel)socket).fd().intValue());
            final InetSocketAddress to = (InetSocketAddress)socket.localAddress();
            final byte[] datagram = new byte[1200];

            // the loop is busy while the burst arrives: the socket holds a backlog
            final CountDownLatch busy = new CountDownLatch(1);
            socket.eventLoop().execute(() ->
            {
                try
                {
                    busy.await(10, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < BURST; i++)
            {
                sender.send(new java.net.DatagramPacket(datagram, datagram.length, to));
            }
            busy.countDown();
            awaitReceived(received, BURST);
            assertEquals(16, mostSlots.get(), "the backlog was read 16 datagrams per receive");

            for (int i = 1; i <= 5; i++)
            {
                Thread.sleep(20);
                sender.send(new java.net.DatagramPacket(datagram, datagram.length, to));
                awaitReceived(received, BURST + i);
            }
            assertEquals(1, lastSlots.get(), "a lone datagram on a quiet socket: one slot, one RECVMSG");
            socket.close().sync();
        }
        finally
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static void awaitReceived(final AtomicInteger received, final int count) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (received.get() < count && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
        assertTrue(received.get() >= count, received.get() + " of " + count + " datagrams");
    }
}
