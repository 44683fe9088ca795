package org.headend.dataplane.alloc;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.tunnel.CstpTunnelHandler;
import org.headend.dataplane.tunnel.TunnelPath;
import org.headend.dataplane.wire.CstpHeader;

/**
 * A CSTP client at the edge of the tunnel's pipeline: the headend's side is a real io_uring TCP connection on the
 * harness's event loop with {@link CstpTunnelHandler} in its pipeline, but the client's frames enter the pipeline as
 * the (decrypted) stream the connection reads, and the headend's frames are taken at the pipeline's head, where the
 * TLS handler and the socket would get them. So what is measured is the data plane's own path: framing, the tunnel
 * core, the egress queue and the TUN loop. The socket and TLS below it are Netty's and the JDK's (their figures are in
 * {@link CstpSocketAllocationTest}).
 */
final class CstpPipelineClient implements MeasuredClient
{
    private static final int MTU = 1400;
    /** Frames handed to the pipeline per read, as one read of the connection would carry several. */
    private static final int PER_READ = 64;

    private final Channel server;
    private final Channel accepted;
    private final Socket socket;
    private final Injector injector;
    private final LoopDoorbell doorbell;
    private final Sink sink;

    CstpPipelineClient(final ThreadingHarness harness, final TunnelPath path, final DataplaneCounters counters,
        final byte[] clientPacket, final byte[] insidePacket) throws Exception
    {
        sink = new Sink(insidePacket);
        final CompletableFuture<Channel> child = new CompletableFuture<>();
        server = new ServerBootstrap().group(harness.group()).channel(IoUringServerSocketChannel.class)
            // the client's socket never sends: everything the tunnel reads is handed in by the injector
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(new ChannelInitializer<>()
            {
                @Override
                protected void initChannel(final Channel channel)
                {
                    channel.pipeline().addLast("client-side", sink);
                    channel.pipeline().addLast("cstp", new CstpTunnelHandler(path, MTU, 0, harness.inbound(),
                        PacketCompression.none(), counters, new QuietListener()));
                    child.complete(channel);
                }
            })
            .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        final InetSocketAddress at = (InetSocketAddress)server.localAddress();
        socket = new Socket(at.getAddress(), at.getPort());
        accepted = child.get(10, TimeUnit.SECONDS);
        injector = new Injector(clientPacket);
        doorbell = new LoopDoorbell(harness.loop(), injector::inject);
    }

    @Override
    public void sendFromClient(final int packets)
    {
        injector.waiting.addAndGet(packets);
        doorbell.ring();
    }

    @Override
    public long toClient()
    {
        return sink.received.get();
    }

    @Override
    public long malformed()
    {
        return sink.malformed.get();
    }

    @Override
    public void close() throws Exception
    {
        doorbell.close();
        accepted.close().sync();
        server.close().sync();
        socket.close();
        injector.release();
    }

    /**
     * Takes what the tunnel writes where TLS would: checks each frame and releases it, as the socket would once written.
     * Runs on the event loop; allocates nothing.
     */
    private static final class Sink extends ChannelOutboundHandlerAdapter
    {
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong malformed = new AtomicLong();
        private final byte[] expected;

        Sink(final byte[] expected)
        {
            this.expected = expected;
        }

        @Override
        public boolean isSharable()
        {
            return true;
        }

        @Override
        public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
        {
            final ByteBuf frame = (ByteBuf)msg;
            if (isInsidePacket(frame))
            {
                received.incrementAndGet();
            }
            else
            {
                malformed.incrementAndGet();
            }
            frame.release();
            promise.trySuccess();
        }

        @Override
        public void flush(final ChannelHandlerContext ctx)
        {
        }

        @Override
        public void read(final ChannelHandlerContext ctx)
        {
            // the decoder asks for more after each read: the client's stream comes from the injector, not the socket
        }

        private boolean isInsidePacket(final ByteBuf frame)
        {
            final int at = frame.readerIndex();
            if (frame.readableBytes() != CstpHeader.HEADER_LENGTH + expected.length
                || frame.getByte(at + 6) != CstpHeader.TYPE_DATA)
            {
                return false;
            }
            for (int i = 0; i < expected.length; i++)
            {
                if (frame.getByte(at + CstpHeader.HEADER_LENGTH + i) != expected[i])
                {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Hands the client's frames to the pipeline, {@link #PER_READ} per read, from one buffer retained for each
     * hand-over. Runs on the event loop; allocates nothing.
     */
    private final class Injector
    {
        private final AtomicLong waiting = new AtomicLong();
        private final ByteBuf frames;
        private final int frameLength;

        Injector(final byte[] packet)
        {
            frameLength = CstpHeader.HEADER_LENGTH + packet.length;
            frames = Unpooled.directBuffer(PER_READ * frameLength);
            for (int i = 0; i < PER_READ; i++)
            {
                CstpHeader.write(frames, CstpHeader.TYPE_DATA, packet.length);
                frames.writeBytes(packet);
            }
        }

        /** Hands up to {@link #PER_READ} frames over as one read; returns whether more wait. */
        boolean inject()
        {
            final int count = (int)Math.min(PER_READ, waiting.get());
            if (count > 0)
            {
                waiting.addAndGet(-count);
                frames.setIndex(0, count * frameLength);
                accepted.pipeline().fireChannelRead(frames.retain());
                accepted.pipeline().fireChannelReadComplete();
            }
            return waiting.get() > 0;
        }

        void release()
        {
            frames.release();
        }
    }
}
