package org.headend.perf.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.headend.crypto.Aead;
import org.headend.dataplane.api.DtlsKeys;
import org.headend.dataplane.dtls.DtlsRecordCodec;

/**
 * One session's DTLS channel: a connected UDP socket on the session's event loop, a BouncyCastle PSK handshake run on
 * a virtual thread (BC's DTLS API blocks) and fed from that socket through a queue, then the headend's own
 * {@link DtlsRecordCodec} for the records, on the event loop. Everything after the handshake happens on the event
 * loop, so the codec sees one thread.
 */
final class DtlsLink
{
    /** What the link reports to its session, always on the session's event loop. */
    interface Listener
    {
        void dtlsUp(DtlsLink link);

        /** @param detail what the handshake sent and heard, for the failure's log line */
        void dtlsFailed(String reason, String detail);

        /** One DTLS payload: {@code type} then the bytes in {@code payload} [offset, offset + length). */
        void dtlsPayload(int type, UnsafeBuffer payload, int offset, int length);
    }

    static final int MAX_DATAGRAM = 2048;
    /**
     * Where a datagram of an established link is copied to be opened: one per event loop, not one per datagram (at
     * thousands of pings a second those copies were the generator's largest garbage, and its GC pauses count in
     * every round trip it measures).
     */
    private static final ThreadLocal<UnsafeBuffer> RECEIVED =
        ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[MAX_DATAGRAM]));

    private final EventLoop loop;
    private final Listener listener;
    private final Function<byte[], Aead> aead;
    private final LinkedBlockingQueue<byte[]> handshakeQueue = new LinkedBlockingQueue<>(64);
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[MAX_DATAGRAM + DtlsRecordCodec.OVERHEAD]);
    private Channel udp;
    private volatile HandshakeTrace trace;
    private volatile DtlsRecordCodec codec;
    private volatile boolean closed;

    DtlsLink(final EventLoop loop, final Listener listener, final Function<byte[], Aead> aead)
    {
        this.loop = loop;
        this.listener = listener;
        this.aead = aead;
    }

    /**
     * Opens the socket from {@code local} (the TCP side's address) to {@code server} and starts the handshake; the
     * outcome comes to the listener.
     */
    void start(final java.net.InetAddress local, final InetSocketAddress server, final byte[] psk, final byte[] appId)
    {
        new Bootstrap().group(loop).channel(NioDatagramChannel.class)
            .option(ChannelOption.SO_RCVBUF, 64 * 1024)
            .handler(new Inbound())
            .connect(server, new InetSocketAddress(local, 0))
            .addListener(f ->
            {
                if (!f.isSuccess())
                {
                    listener.dtlsFailed("dtls_socket", String.valueOf(f.cause()));
                    return;
                }
                udp = ((io.netty.channel.ChannelFuture)f).channel();
                if (closed)
                {
                    udp.close();
                    return;
                }
                trace = new HandshakeTrace(System.nanoTime());
                Thread.ofVirtual().name("dtls-handshake").start(() -> handshake(psk, appId));
            });
    }

    private void handshake(final byte[] psk, final byte[] appId)
    {
        final PskDtlsClient client = new PskDtlsClient(psk, appId);
        final DatagramTransport transport = new QueueTransport();
        try
        {
            new DTLSClientProtocol().connect(client, transport);
            final DtlsKeys keys = client.keys();
            loop.execute(() -> install(keys));
        }
        catch (final IOException | RuntimeException ex)
        {
            loop.execute(() ->
            {
                if (!closed)
                {
                    listener.dtlsFailed(ex instanceof java.io.InterruptedIOException || String.valueOf(
                        ex.getMessage()).contains("timed out") ? "dtls_timeout" : "dtls_handshake",
                        "from " + udp.localAddress() + " to " + udp.remoteAddress() + " " + ex + ", "
                            + trace.describe(System.nanoTime()));
                }
            });
        }
    }

    private void install(final DtlsKeys keys)
    {
        if (closed)
        {
            return;
        }
        codec = new DtlsRecordCodec(keys, aead);
        listener.dtlsUp(this);
        // records that arrived between the server's Finished and the hand-over
        for (byte[] d = handshakeQueue.poll(); d != null; d = handshakeQueue.poll())
        {
            openDatagram(new UnsafeBuffer(d), d.length);
        }
    }

    /** Seals {@code type ‖ payload} as one record and sends it; false when the link is not up. */
    boolean send(final int type, final ByteBuf payload)
    {
        final DtlsRecordCodec c = codec;
        if (c == null || closed)
        {
            return false;
        }
        final int length = 1 + payload.readableBytes();
        scratch.putByte(DtlsRecordCodec.PLAINTEXT_OFFSET, (byte)type);
        payload.getBytes(payload.readerIndex(), scratch.byteArray(), DtlsRecordCodec.PLAINTEXT_OFFSET + 1,
            payload.readableBytes());
        final int record = c.sealInPlace(scratch, 0, length);
        if (record < 0)
        {
            return false;
        }
        final ByteBuf out = udp.alloc().directBuffer(record);
        out.writeBytes(scratch.byteArray(), 0, record);
        udp.writeAndFlush(out, udp.voidPromise());
        return true;
    }

    boolean isUp()
    {
        return codec != null && !closed;
    }

    void close()
    {
        closed = true;
        if (udp != null)
        {
            udp.close();
        }
        final DtlsRecordCodec c = codec;
        codec = null;
        if (c != null)
        {
            c.close();
        }
    }

    private void openDatagram(final UnsafeBuffer in, final int length)
    {
        int offset = 0;
        while (offset < length && codec != null)
        {
            final int recordLength = DtlsRecordCodec.recordLength(in, offset, length - offset);
            if (recordLength < 0)
            {
                return;
            }
            final int opened = codec.open(in, offset, recordLength, scratch, 0);
            if (opened >= 1)
            {
                listener.dtlsPayload(scratch.getByte(0) & 0xFF, scratch, 1, opened - 1);
            }
            offset += recordLength;
        }
    }

    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket>
    {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final DatagramPacket packet)
        {
            final ByteBuf content = packet.content();
            final int length = content.readableBytes();
            if (length > MAX_DATAGRAM)
            {
                return;
            }
            if (codec != null)
            {
                final UnsafeBuffer received = RECEIVED.get();
                content.getBytes(content.readerIndex(), received.byteArray(), 0, length);
                openDatagram(received, length);
                return;
            }
            // the handshake's datagrams wait in its queue: each its own copy
            final byte[] datagram = new byte[length];
            content.getBytes(content.readerIndex(), datagram);
            final HandshakeTrace t = trace;
            if (t != null)
            {
                t.received(datagram, 0, length, System.nanoTime());
            }
            if (!handshakeQueue.offer(datagram) && t != null)
            {
                t.droppedIncoming();
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            // ICMP port unreachable and the like: DTLS DPD or the handshake timeout decide, as in openconnect
        }
    }

    /** BC's blocking view of the socket: sends go straight out, receives wait on the queue the socket fills. */
    private final class QueueTransport implements DatagramTransport
    {
        @Override
        public int getReceiveLimit()
        {
            return MAX_DATAGRAM;
        }

        @Override
        public int getSendLimit()
        {
            return 1400;
        }

        @Override
        public int receive(final byte[] buf, final int off, final int len, final int waitMillis) throws IOException
        {
            if (closed)
            {
                throw new IOException("DTLS link closed");
            }
            try
            {
                final byte[] d = handshakeQueue.poll(waitMillis, TimeUnit.MILLISECONDS);
                if (d == null)
                {
                    return -1;
                }
                final int n = Math.min(len, d.length);
                System.arraycopy(d, 0, buf, off, n);
                return n;
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
        }

        @Override
        public void send(final byte[] buf, final int off, final int len) throws IOException
        {
            if (closed)
            {
                throw new IOException("DTLS link closed");
            }
            final Channel c = udp;
            trace.sent(buf, off, len, System.nanoTime());
            c.writeAndFlush(c.alloc().buffer(len).writeBytes(buf, off, len));
        }

        @Override
        public void close()
        {
            // the socket belongs to the link; it outlives the handshake
        }
    }
}
