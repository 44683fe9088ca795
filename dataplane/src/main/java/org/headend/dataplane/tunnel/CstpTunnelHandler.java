package org.headend.dataplane.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.wire.CstpHeader;
import org.headend.dataplane.api.TunnelListener;

/**
 * The TLS adapter of a tunnel, after the CONNECT answer: it cuts the decrypted byte stream into CSTP frames and
 * hands each to the tunnel's {@link TunnelCore} (inbound stage 1), then does what the core answers: echo a DPD,
 * send a probe, close. Outbound (stage 2): {@link EgressQueue} calls {@link #writeData} for each packet routed here;
 * each frame is one write, which the TLS handler (wrap size 0) turns into exactly one TLS record, as openconnect
 * requires. Framing, Netty's timers and the connection's writability are all it owns.
 *
 * <p>Thread: the channel's event loop, except {@link #disconnect}, {@link #drop}, {@link #gatewayDpd} and the
 * counters' readers.
 */
public final class CstpTunnelHandler extends ByteToMessageDecoder implements EgressTarget
{
    /** See {@link TunnelCore#MAX_UNREAD_ANSWERS}. */
    static final int MAX_UNREAD_ANSWERS = TunnelCore.MAX_UNREAD_ANSWERS;
    /** See {@link TunnelCore#DPD_TRIES}. */
    static final int DPD_TRIES = TunnelCore.DPD_TRIES;
    /** See {@link TunnelCore#SEND_TIMEOUT_NANOS}. */
    static final long SEND_TIMEOUT_NANOS = TunnelCore.SEND_TIMEOUT_NANOS;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** How often the send timeout is checked while the connection is over its high-water mark, and only then. */
    private static final long SEND_CHECK_MILLIS = 5_000;

    private final int tunnelId;
    private final TunnelCore core;
    /** What the DPD interval is or is about to be, in seconds: read by control to see whether a change is due. */
    private volatile int dpdSeconds;
    private final EgressQueue egress;
    private final TunnelListener listener;
    private final PacketCompression compression;
    /**
     * Where a frame's payload is copied when its buffer is neither an array nor direct memory: rare, so made on
     * first use rather than 2 KiB held by every tunnel.
     */
    private byte[] scratch;
    private final int scratchLength;
    private final UnsafeBuffer payloadView = new UnsafeBuffer(0, 0);

    private final AtomicCounter backlogDrops;
    private final AtomicCounter malformed;
    private final AtomicCounter oversized;

    private ChannelHandlerContext ctx;
    /** The event loop's clock, so that tests can drive time. */
    private Ticker ticker;
    private ScheduledFuture<?> dpdTimer;
    /** Runs while the connection is over its high-water mark: the send timeout's check. */
    private ScheduledFuture<?> sendTimer;
    private boolean flushPending;
    private boolean closing;

    /**
     * @param path          the tunnel's id, egress queue (that of this channel's event loop), DTLS route and the
     *                      checks every client packet passes
     * @param mtu           the tunnel MTU sent to the client; longer data frames end the tunnel
     * @param dpdSeconds    the gateway DPD interval; 0 turns gateway DPD off
     * @param inbound       where client packets go (the TUN agent's ring, or the TUN itself)
     * @param compression   what the CONNECT answer negotiated for CSTP; closed with the tunnel
     * @param counters      the data plane's counters
     * @param listener      control's end of the tunnel
     */
    public CstpTunnelHandler(final TunnelPath path, final int mtu, final int dpdSeconds,
        final InboundSink inbound, final PacketCompression compression, final DataplaneCounters counters,
        final TunnelListener listener)
    {
        if (path.tunnelId() <= 0)
        {
            throw new IllegalArgumentException("tunnelId must be positive: " + path.tunnelId());
        }
        this.tunnelId = path.tunnelId();
        this.core = new TunnelCore(TunnelCore.Transport.TLS, path, null, mtu, dpdSeconds, inbound, compression,
            counters, listener);
        this.dpdSeconds = dpdSeconds;
        this.egress = path.cstp();
        this.listener = listener;
        this.compression = compression;
        this.scratchLength = Math.max(Math.max(mtu, compression.maxCompressedLength()), TunnelCore.MAX_CONTROL_PAYLOAD);
        backlogDrops = counters.counter(DataplaneCounter.EGRESS_BACKLOG_DROPS);
        malformed = counters.counter(DataplaneCounter.CSTP_MALFORMED_FRAMES);
        oversized = counters.counter(DataplaneCounter.CSTP_OVERSIZED_FRAMES);
    }

    /** The tunnel's id. */
    public int tunnelId()
    {
        return tunnelId;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        this.ticker = ctx.executor().ticker();
        core.onStart(ticker.nanoTime());
        egress.register(tunnelId, this);
        startDpdTimer();
    }

    private void startDpdTimer()
    {
        final long dpdNanos = core.dpdNanos();
        if (dpdNanos > 0)
        {
            final long periodMillis = Math.max(1000L, dpdNanos / NANOS_PER_SECOND * 1000L / 5);
            dpdTimer = ctx.executor().scheduleAtFixedRate(this::onDpdTimer, periodMillis, periodMillis,
                TimeUnit.MILLISECONDS);
        }
    }

    /** The gateway DPD interval in force (or just asked for), seconds; 0 when off. Any thread. */
    public int gatewayDpdSeconds()
    {
        return dpdSeconds;
    }

    /**
     * Changes the gateway DPD interval of this live tunnel, as a configuration change asks; 0 turns it off. The
     * silence already counted stays counted. Any thread.
     */
    public void gatewayDpd(final int seconds)
    {
        dpdSeconds = seconds;
        egress.loop().execute(() ->
        {
            if (ctx == null || closing || !ctx.channel().isActive())
            {
                return;
            }
            cancelDpdTimer();
            core.dpd(seconds);
            startDpdTimer();
        });
    }

    @Override
    protected void handlerRemoved0(final ChannelHandlerContext ctx)
    {
        stopTimers();
        // last, after channelInactive has decoded what was left: nothing uses the deflate streams any more
        compression.close();
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) throws Exception
    {
        // the frames of this read are in: the TUN gets them now, not after the loop's next turn
        core.endOfReadBatch();
        super.channelReadComplete(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        stopTimers();
        super.channelInactive(ctx);
        listener.onClosed(core.closeCause(), core.closeDetail());
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        close(TunnelListener.CloseCause.PROTOCOL_ERROR, "connection error: " + cause.getMessage());
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        final long now = ticker.nanoTime();
        core.onHeard(now);
        while (!closing && in.readableBytes() >= CstpHeader.HEADER_LENGTH)
        {
            final int index = in.readerIndex();
            final int length = CstpHeader.check(in, index);
            if (length < 0)
            {
                malformed.increment();
                close(TunnelListener.CloseCause.PROTOCOL_ERROR, "malformed CSTP header (code " + length + ")");
                break;
            }
            final int type = CstpHeader.type(in, index);
            if (length > core.maxPayload(type))
            {
                oversized.increment();
                close(TunnelListener.CloseCause.PROTOCOL_ERROR, "CSTP frame of " + length + " bytes exceeds the limit");
                break;
            }
            if (in.readableBytes() < CstpHeader.HEADER_LENGTH + length)
            {
                return;
            }
            wrapPayload(in, index + CstpHeader.HEADER_LENGTH, length);
            final int result = core.onMessage(type, payloadView, 0, length, now, ctx.channel().isWritable());
            if (result == TunnelCore.ANSWER_DPD)
            {
                writeControl(CstpHeader.TYPE_DPD_RESP, payloadView, length);
                ctx.flush();
            }
            else if (result == TunnelCore.CLOSE)
            {
                closeConnection();
            }
            in.skipBytes(CstpHeader.HEADER_LENGTH + length);
        }
        if (closing)
        {
            in.skipBytes(in.readableBytes());
        }
    }

    /** Points {@link #payloadView} at a frame's payload: in place for array and direct (io_uring) buffers. */
    private void wrapPayload(final ByteBuf in, final int payload, final int length)
    {
        if (in.hasArray())
        {
            payloadView.wrap(in.array(), in.arrayOffset() + payload, length);
        }
        else if (in.hasMemoryAddress())
        {
            // in place; getBytes would slice a ByteBuffer per packet
            payloadView.wrap(in.memoryAddress() + payload, length);
        }
        else
        {
            if (scratch == null)
            {
                scratch = new byte[scratchLength];
            }
            in.getBytes(payload, scratch, 0, length);
            payloadView.wrap(scratch, 0, length);
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) throws Exception
    {
        if (ctx.channel().isWritable())
        {
            core.onWritable();
            cancelSendTimer();
        }
        else if (!closing && sendTimer == null)
        {
            core.onUnwritable(ticker.nanoTime(), ctx.channel().bytesBeforeWritable());
            sendTimer = ctx.executor().scheduleAtFixedRate(this::onSendTimer, SEND_CHECK_MILLIS, SEND_CHECK_MILLIS,
                TimeUnit.MILLISECONDS);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public boolean writeData(final DirectBuffer src, final int index, final int length)
    {
        if (closing || !ctx.channel().isWritable())
        {
            backlogDrops.increment();
            core.onDataDropped();
            return false;
        }
        final int compressedLength = core.compress(src, index, length);
        final boolean compressed = compressedLength > 0;
        final int payloadLength = compressed ? compressedLength : length;
        final ByteBuf frame = ctx.alloc().heapBuffer(CstpHeader.HEADER_LENGTH + payloadLength);
        CstpHeader.write(frame, compressed ? CstpHeader.TYPE_COMPRESSED : CstpHeader.TYPE_DATA, payloadLength);
        final int at = frame.writerIndex();
        if (compressed)
        {
            core.compressed().getBytes(0, frame.array(), frame.arrayOffset() + at, payloadLength);
        }
        else
        {
            src.getBytes(index, frame.array(), frame.arrayOffset() + at, length);
        }
        frame.writerIndex(at + payloadLength);
        ctx.write(frame, ctx.voidPromise());
        core.onDataSent(length, compressed);
        if (flushPending)
        {
            return false;
        }
        flushPending = true;
        return true;
    }

    @Override
    public void flushBatch()
    {
        flushPending = false;
        ctx.flush();
    }

    private void writeControl(final int type, final DirectBuffer payload, final int length)
    {
        final ByteBuf frame = ctx.alloc().heapBuffer(CstpHeader.HEADER_LENGTH + length);
        CstpHeader.write(frame, type, length);
        if (length > 0)
        {
            payload.getBytes(0, frame.array(), frame.arrayOffset() + frame.writerIndex(), length);
            frame.writerIndex(frame.writerIndex() + length);
        }
        ctx.write(frame, ctx.voidPromise());
    }

    private void onSendTimer()
    {
        if (closing)
        {
            return;
        }
        if (core.onSendCheck(ticker.nanoTime(), ctx.channel().bytesBeforeWritable()) == TunnelCore.CLOSE)
        {
            closeConnection();
        }
    }

    private void onDpdTimer()
    {
        if (closing)
        {
            // a DISCONNECT is on its way out: its reason stays the one reported
            return;
        }
        final int result = core.onDpdCheck(ticker.nanoTime());
        if (result == TunnelCore.CLOSE)
        {
            closeConnection();
        }
        else if (result == TunnelCore.PROBE)
        {
            writeControl(CstpHeader.TYPE_DPD_REQ, payloadView, 0);
            ctx.flush();
        }
    }

    /**
     * Sends a CSTP DISCONNECT (reason {@code 0xb0} plus {@code text}), which tells the client not to reconnect, then
     * closes the connection. Any thread.
     */
    public void disconnect(final String text)
    {
        egress.loop().execute(() ->
        {
            // ctx is null only if the connection closed before the CONNECT answer was sent: nothing to tell
            if (ctx == null || closing || !ctx.channel().isActive())
            {
                return;
            }
            final byte[] ascii = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            final ByteBuf frame = ctx.alloc().heapBuffer(CstpHeader.HEADER_LENGTH + 1 + ascii.length);
            CstpHeader.write(frame, CstpHeader.TYPE_DISCONNECT, 1 + ascii.length);
            frame.writeByte(CstpHeader.REASON_USER);
            frame.writeBytes(ascii);
            core.closing(TunnelListener.CloseCause.LOCAL, "disconnected by the headend: " + text);
            closing = true;
            ctx.writeAndFlush(frame).addListener(f -> ctx.close());
        });
    }

    /** Closes the connection without DISCONNECT, so the client reconnects with its cookie. Any thread. */
    public void drop(final String why)
    {
        egress.loop().execute(() ->
        {
            if (ctx != null)
            {
                close(TunnelListener.CloseCause.LOCAL, why);
            }
        });
    }

    private void close(final TunnelListener.CloseCause cause, final String detail)
    {
        if (closing)
        {
            return;
        }
        core.closing(cause, detail);
        closeConnection();
    }

    /** Closes the connection for the reason the core holds. */
    private void closeConnection()
    {
        if (closing)
        {
            return;
        }
        closing = true;
        stopTimers();
        ctx.close();
    }

    private void stopTimers()
    {
        egress.unregister(tunnelId, this);
        cancelDpdTimer();
        cancelSendTimer();
    }

    private void cancelSendTimer()
    {
        if (sendTimer != null)
        {
            sendTimer.cancel(false);
            sendTimer = null;
        }
    }

    private void cancelDpdTimer()
    {
        if (dpdTimer != null)
        {
            dpdTimer.cancel(false);
            dpdTimer = null;
        }
    }
}
