package org.headend.dataplane.alloc;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.tunnel.CstpTunnelHandler;
import org.headend.dataplane.tunnel.TunnelPath;
import org.headend.dataplane.wire.CstpHeader;

/**
 * A CSTP client on loopback, over TLS or over plain TCP, through the real socket: the headend's side is an io_uring connection on the
 * harness's event loop with the appliance's pipeline after CONNECT ({@code SslHandler} with one record per write, as
 * {@code HttpsListener} sets it, then {@link CstpTunnelHandler}). The client is a JDK socket with a writer thread that
 * sends data frames on demand, one write (so one TLS record) per frame as openconnect does, and a reader thread that
 * cuts the headend's stream into frames and counts them. The client's threads are not data-plane threads.
 */
final class CstpSocketClient implements MeasuredClient
{
    private static final int MTU = 1400;
    private static final int READ_BUFFER = 64 * 1024;

    private final Channel server;
    private final Channel accepted;
    private final Socket socket;
    private final Thread writer;
    private final Thread reader;
    private final AtomicLong toSend = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final byte[] frame;
    private final byte[] expected;
    private volatile boolean closing;

    /**
     * @param tls the server's TLS context (JDK provider, as the appliance's), or null for CSTP over plain TCP
     * @param clientTls the client's, or null
     */
    CstpSocketClient(final ThreadingHarness harness, final TunnelPath path, final DataplaneCounters counters,
        final byte[] clientPacket, final byte[] insidePacket, final SslContext tls, final SSLContext clientTls)
        throws Exception
    {
        final CompletableFuture<Channel> child = new CompletableFuture<>();
        server = new ServerBootstrap().group(harness.group()).channel(IoUringServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
            .childHandler(new ChannelInitializer<>()
            {
                @Override
                protected void initChannel(final Channel channel)
                {
                    if (tls != null)
                    {
                        final SslHandler ssl = tls.newHandler(channel.alloc());
                        ssl.setWrapDataSize(0);
                        channel.pipeline().addLast("tls", ssl);
                    }
                    channel.pipeline().addLast("cstp", new CstpTunnelHandler(path, MTU, 0, harness.inbound(),
                        PacketCompression.none(), counters, new QuietListener()));
                    child.complete(channel);
                }
            })
            .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        final InetSocketAddress at = (InetSocketAddress)server.localAddress();
        if (clientTls == null)
        {
            socket = new Socket(at.getAddress(), at.getPort());
        }
        else
        {
            final SSLSocket ssl = (SSLSocket)clientTls.getSocketFactory().createSocket(at.getAddress(), at.getPort());
            ssl.startHandshake();
            socket = ssl;
        }
        socket.setTcpNoDelay(true);
        accepted = child.get(10, TimeUnit.SECONDS);
        frame = new byte[CstpHeader.HEADER_LENGTH + clientPacket.length];
        final io.netty.buffer.ByteBuf header = io.netty.buffer.Unpooled.wrappedBuffer(frame);
        header.writerIndex(0);
        CstpHeader.write(header, CstpHeader.TYPE_DATA, clientPacket.length);
        System.arraycopy(clientPacket, 0, frame, CstpHeader.HEADER_LENGTH, clientPacket.length);
        expected = insidePacket;
        writer = Thread.ofPlatform().name("cstp-client-writer").start(this::write);
        reader = Thread.ofPlatform().name("cstp-client-reader").start(this::read);
    }

    @Override
    public void sendFromClient(final int packets)
    {
        toSend.addAndGet(packets);
        LockSupport.unpark(writer);
    }

    @Override
    public long toClient()
    {
        return received.get();
    }

    @Override
    public long malformed()
    {
        return malformed.get();
    }

    @Override
    public boolean flushed()
    {
        final io.netty.channel.ChannelOutboundBuffer pending = accepted.unsafe().outboundBuffer();
        return pending == null || pending.totalPendingWriteBytes() == 0;
    }

    @Override
    public Throwable failure()
    {
        return failure.get();
    }

    private void write()
    {
        try
        {
            final OutputStream out = socket.getOutputStream();
            while (!closing)
            {
                if (toSend.get() == 0)
                {
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                toSend.decrementAndGet();
                // one write, one TLS record: what openconnect sends
                out.write(frame);
            }
        }
        catch (final IOException e)
        {
            if (!closing)
            {
                failure.compareAndSet(null, e);
            }
        }
    }

    private void read()
    {
        final byte[] buffer = new byte[READ_BUFFER];
        int filled = 0;
        try
        {
            final InputStream in = socket.getInputStream();
            while (!closing)
            {
                final int n = in.read(buffer, filled, buffer.length - filled);
                if (n < 0)
                {
                    return;
                }
                filled += n;
                int at = 0;
                while (filled - at >= CstpHeader.HEADER_LENGTH)
                {
                    final int length = ((buffer[at + 4] & 0xFF) << 8) | (buffer[at + 5] & 0xFF);
                    if (filled - at < CstpHeader.HEADER_LENGTH + length)
                    {
                        break;
                    }
                    if (buffer[at + 6] == CstpHeader.TYPE_DATA && java.util.Arrays.equals(buffer,
                        at + CstpHeader.HEADER_LENGTH, at + CstpHeader.HEADER_LENGTH + length, expected, 0,
                        expected.length))
                    {
                        received.incrementAndGet();
                    }
                    else
                    {
                        malformed.incrementAndGet();
                    }
                    at += CstpHeader.HEADER_LENGTH + length;
                }
                System.arraycopy(buffer, at, buffer, 0, filled - at);
                filled -= at;
            }
        }
        catch (final IOException e)
        {
            if (!closing)
            {
                failure.compareAndSet(null, e);
            }
        }
    }

    @Override
    public void close() throws Exception
    {
        closing = true;
        socket.close();
        writer.join(5000);
        reader.join(5000);
        accepted.close().sync();
        server.close().sync();
    }
}
