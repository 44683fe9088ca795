package org.headend.perf.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.headend.control.http.HttpsListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The failure reason a TLS handshake that does not finish is counted under, from what a real Netty client sees:
 * the server closing first (as the headend does past its handshake bound) is told apart from the generator's timer.
 */
class TlsFailureTest
{
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void stop()
    {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void shouldGiveTheServerItsWholeHandshakeBoundBeforeTheGeneratorsOwnTimer()
    {
        assertEquals(HttpsListener.TLS_HANDSHAKE_TIMEOUT_MILLIS + 5_000, ClientSession.TLS_TIMEOUT_MILLIS);
    }

    @Test
    void shouldCountAServerThatClosesDuringTheHandshakeAsClosedByServer() throws Exception
    {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final CompletableFuture<Throwable> cause = handshake(server.getLocalPort(), 10_000);
            try (Socket accepted = server.accept())
            {
                // the whole ClientHello record, then the server gives up (a clean close, as the headend's)
                final byte[] header = accepted.getInputStream().readNBytes(5);
                accepted.getInputStream().readNBytes((header[3] & 0xff) << 8 | header[4] & 0xff);
            }
            assertEquals("tls_closed_by_server", ClientSession.tlsFailure(cause.get(10, TimeUnit.SECONDS)));
        }
    }

    @Test
    void shouldCountTheGeneratorsOwnTimerAsTimeout() throws Exception
    {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final CompletableFuture<Throwable> cause = handshake(server.getLocalPort(), 300);
            try (Socket accepted = server.accept())
            {
                // a server that reads the ClientHello and never answers
                assertEquals("tls_timeout", ClientSession.tlsFailure(cause.get(10, TimeUnit.SECONDS)));
            }
        }
    }

    /** A client TLS handshake to {@code port} as the generator opens it; completes with why it failed. */
    private CompletableFuture<Throwable> handshake(final int port, final int timeoutMillis) throws Exception
    {
        final CompletableFuture<Throwable> cause = new CompletableFuture<>();
        final var context = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>()
        {
            @Override
            protected void initChannel(final SocketChannel ch)
            {
                final SslHandler ssl = context.newHandler(ch.alloc(), "localhost", port);
                ssl.setHandshakeTimeoutMillis(timeoutMillis);
                ch.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter()
                {
                    @Override
                    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
                    {
                        if (evt instanceof SslHandshakeCompletionEvent e)
                        {
                            cause.complete(e.isSuccess() ? null : e.cause());
                        }
                    }

                    @Override
                    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable error)
                    {
                        ctx.close();
                    }
                });
            }
        }).connect(InetAddress.getLoopbackAddress(), port).sync();
        return cause;
    }
}
