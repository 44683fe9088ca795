package org.headend.control.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
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
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The front door's bound on TLS handshakes in flight, over real sockets with both transports the appliance uses:
 * while it is full, a new connection is left in the kernel's accept queue (not refused, not closed) and is taken as
 * soon as a handshake ends; connections that send nothing do not count; a handshake that stalls past its hold time
 * gives its place back. A handshake's end is a promise the test completes, as the TLS handler's would be.
 */
class HandshakeGateTest
{
    /** Long enough for an accept that should not happen to happen, on any machine, many times over. */
    private static final long NOT_ACCEPTED_MILLIS = 400;

    @ParameterizedTest(name = "io_uring {0}")
    @ValueSource(booleans = {false, true})
    void shouldLeaveNewConnectionsInTheBacklogWhileFullAndTakeThemWhenAHandshakeEnds(final boolean uring)
        throws Exception
    {
        try (Door door = new Door(uring, new HandshakeGate(2, TimeUnit.SECONDS.toNanos(60)));
             Socket a = door.connect(); Socket b = door.connect())
        {
            a.getOutputStream().write(1);
            b.getOutputStream().write(1);
            door.await(() -> door.call(door.gate::closed), "two handshakes in flight close the gate");
            assertEquals(2, door.accepted.size());
            try (Socket c = door.connect())
            {
                // the kernel completed c's TCP handshake; the appliance must not take it yet
                c.getOutputStream().write(1);
                Thread.sleep(NOT_ACCEPTED_MILLIS);
                assertEquals(2, door.accepted.size(), "a connection was accepted while the gate was full");
                assertEquals(2, door.call(door.gate::inFlight));

                door.handshakeEnds(0);
                door.await(() -> door.accepted.size() == 3, "the waiting connection is taken once a handshake ends");
                door.await(() -> door.call(door.gate::inFlight) == 2, "its ClientHello counts");
                assertTrue(door.call(door.gate::closed));
                assertEquals(2L, door.call(door.gate::pauses), "closed, opened, closed again");
                assertTrue(door.accepted.get(2).isActive(), "the waiting connection was not closed");
            }
        }
    }

    @ParameterizedTest(name = "io_uring {0}")
    @ValueSource(booleans = {false, true})
    void shouldNotCountConnectionsThatSendNothing(final boolean uring) throws Exception
    {
        try (Door door = new Door(uring, new HandshakeGate(1, TimeUnit.SECONDS.toNanos(60)));
             Socket idle1 = door.connect(); Socket idle2 = door.connect(); Socket idle3 = door.connect())
        {
            door.await(() -> door.accepted.size() == 3, "idle connections are accepted");
            assertEquals(0, door.call(door.gate::inFlight));
            assertFalse(door.call(door.gate::closed));
            idle2.getOutputStream().write(1);
            door.await(() -> door.call(door.gate::closed), "the first bytes start the handshake");
            idle2.close();
            door.await(() -> !door.call(door.gate::closed), "a connection that closes mid-handshake gives its place back");
            assertEquals(0, door.call(door.gate::inFlight));
        }
    }

    @ParameterizedTest(name = "io_uring {0}")
    @ValueSource(booleans = {false, true})
    void shouldGiveBackThePlaceOfAHandshakeStalledPastItsHoldTime(final boolean uring) throws Exception
    {
        try (Door door = new Door(uring, new HandshakeGate(1, TimeUnit.MILLISECONDS.toNanos(300)));
             Socket stalled = door.connect())
        {
            stalled.getOutputStream().write(1);
            door.await(() -> door.call(door.gate::closed), "the stalled handshake took the only place");
            try (Socket next = door.connect())
            {
                door.await(() -> door.accepted.size() == 2, "the next connection is taken after the hold time");
                assertEquals(1L, door.call(door.gate::overHold));
                assertTrue(door.accepted.getFirst().isActive(), "the stalled connection is not closed by the gate");
                // more bytes of the stalled handshake do not count it again
                stalled.getOutputStream().write(2);
                next.getOutputStream().write(1);
                door.await(() -> door.call(door.gate::inFlight) == 1, "only the new handshake counts");
            }
        }
    }

    /** A listener whose connections go through the gate, with a handshake promise the test completes. */
    private static final class Door implements AutoCloseable
    {
        final HandshakeGate gate;
        final List<Channel> accepted = new CopyOnWriteArrayList<>();
        private final List<Promise<Void>> handshakes = new CopyOnWriteArrayList<>();
        private final EventLoopGroup loop;
        private final Channel server;

        Door(final boolean uring, final HandshakeGate gate) throws InterruptedException
        {
            assumeTrue(!uring || IoUring.isAvailable(), "io_uring is not available here");
            this.gate = gate;
            final IoHandlerFactory io = uring ? IoUringIoHandler.newFactory() : NioIoHandler.newFactory();
            final Class<? extends ServerChannel> type = uring ? IoUringServerSocketChannel.class
                : NioServerSocketChannel.class;
            loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gate-test"), io);
            server = new ServerBootstrap().group(loop).channel(type)
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        final Promise<Void> handshake = ch.eventLoop().newPromise();
                        ch.closeFuture().addListener(f -> handshake.tryFailure(new Exception("closed")));
                        gate.watch(ch, handshake);
                        ch.pipeline().addLast(new Swallow());
                        handshakes.add(handshake);
                        accepted.add(ch);
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        }

        Socket connect() throws java.io.IOException
        {
            final Socket socket = new Socket(InetAddress.getLoopbackAddress(),
                ((InetSocketAddress)server.localAddress()).getPort());
            socket.setTcpNoDelay(true);
            return socket;
        }

        void handshakeEnds(final int index)
        {
            handshakes.get(index).trySuccess(null);
        }

        <T> T call(final Callable<T> onLoop) throws Exception
        {
            return loop.submit(onLoop).get(10, TimeUnit.SECONDS);
        }

        void await(final Check condition, final String what) throws Exception
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!condition.holds())
            {
                assertTrue(System.nanoTime() < deadline, what);
                Thread.sleep(10);
            }
        }

        @Override
        public void close() throws InterruptedException
        {
            server.close().sync();
            for (final Channel ch : accepted)
            {
                ch.close().sync();
            }
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @FunctionalInterface
    private interface Check
    {
        boolean holds() throws Exception;
    }

    /** Stands for the TLS handler: takes the bytes. */
    private static final class Swallow extends ChannelInboundHandlerAdapter
    {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            ReferenceCountUtil.release(msg);
        }
    }
}
