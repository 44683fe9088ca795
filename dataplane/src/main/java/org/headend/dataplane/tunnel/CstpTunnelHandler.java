package org.headend.dataplane.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.headend.dataplane.compress.CodecStatus;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.LatencyHistogram;
import org.headend.dataplane.wire.CstpHeader;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelListener;

/**
 * One CSTP tunnel on its TLS connection, after the CONNECT answer. Inbound (stage 1): cuts the decrypted byte stream
 * into frames, checks each data packet against the session's {@link TunnelAccess}, and copies it into the
 * TUN agent's ring; answers DPD; reports DISCONNECT. Outbound (stage 2): {@link EgressQueue} calls
 * {@link #writeData} for each packet routed here; each frame is one write, which the TLS handler (wrap size 0)
 * turns into exactly one TLS record, as openconnect requires.
 *
 * <p>Thread: the channel's event loop, except {@link #disconnect} and the counters' readers.
 */
public final class CstpTunnelHandler extends ByteToMessageDecoder implements EgressTarget
{
    /** Control frames have no reason to be longer than this; anything longer is hostile. */
    private static final int MAX_CONTROL_PAYLOAD = 2048;
    private static final int MAX_REASON_TEXT = 64;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /**
     * DPD answers dropped in a row because the client does not read (its connection is over the write buffer's high
     * water mark) after which the tunnel is closed: an honest client sends one DPD every few seconds, so it never
     * gets near this while its link is merely slow.
     */
    static final int MAX_UNREAD_ANSWERS = 32;
    /**
     * Probes the gateway sends, one per DPD interval, once an interval of silence has passed; an interval after the
     * last one unanswered, the tunnel is dropped (the seed: "ASA tries DPD 3 times at the same interval").
     */
    static final int DPD_TRIES = 3;
    /**
     * How long a client may read nothing of what it is sent while its connection stays over the write buffer's
     * high-water mark (1 MiB beyond the kernel's buffers: a zero TCP window) before its tunnel is closed, as a dead
     * peer's is. Until then its data is dropped and counted. A client on a slow link that still reads restarts the
     * clock with every record it takes; one that stopped reading but keeps sending (keepalives, data) is never
     * caught by DPD, which hears it, so this is what ends it. The session stays for the client to come back.
     */
    static final long SEND_TIMEOUT_NANOS = 30 * NANOS_PER_SECOND;
    /** How often the send timeout is checked while the connection is over its high-water mark, and only then. */
    private static final long SEND_CHECK_MILLIS = 5_000;

    private final int tunnelId;
    private final TunnelPath path;
    private final int mtu;
    /** Event loop only; {@link #gatewayDpd} changes it for a live tunnel. */
    private long dpdNanos;
    /** What {@link #dpdNanos} is or is about to be, in seconds: read by control to see whether a change is due. */
    private volatile int dpdSeconds;
    private final InboundSink inbound;
    private final EgressQueue egress;
    private final TunnelListener listener;
    private final TunnelCounters trafficCounters;
    /**
     * Where a frame's packet is copied when its buffer is neither an array nor direct memory: rare, so made on first
     * use rather than 2 KiB held by every tunnel.
     */
    private byte[] scratch;
    private final int scratchLength;
    private final UnsafeBuffer packetView = new UnsafeBuffer(0, 0);
    private final PacketCompression compression;
    /** The decompressed packet, as a Netty buffer for the same data path as plain frames. */
    private final ByteBuf decompressed;

    private final AtomicCounter rxData;
    private final AtomicCounter txData;
    private final AtomicCounter rxControl;
    private final AtomicCounter dpdSent;
    private final AccessDrops drops;
    private final AtomicCounter ringFull;
    private final AtomicCounter backlogDrops;
    private final AtomicCounter malformed;
    private final AtomicCounter oversized;
    private final AtomicCounter unexpected;
    private final AtomicCounter rxCompressed;
    private final AtomicCounter txCompressed;
    private final AtomicCounter decompressFailures;
    private final AtomicCounter controlOverRate;
    private final AtomicCounter unreadAnswerDrops;
    private final AtomicCounter abusiveCloses;
    private final AtomicCounter sendTimeouts;
    private ControlFrameBudget controlBudget;
    /** DPD answers dropped since the connection was last writable. */
    private int unreadAnswers;
    private final AtomicCounter dtlsFallbacks;
    private final LatencyHistogram roundTrips;

    private ChannelHandlerContext ctx;
    /** The event loop's clock, so that tests can drive time. */
    private Ticker ticker;
    private ScheduledFuture<?> dpdTimer;
    /** Runs while the connection is over its high-water mark: the send timeout's check. */
    private ScheduledFuture<?> sendTimer;
    /** When the client last took anything we sent, as seen by the send timer. */
    private long lastSendProgressNanos;
    /** Bytes to drain before the connection is writable again, at the send timer's last check. */
    private long unsentAtLastCheck;
    private long lastRxNanos;
    /** The {@link #lastRxNanos} the probes in {@link #dpdProbes} were sent after: new traffic starts a new count. */
    private long dpdSilenceStart;
    private int dpdProbes;
    private boolean flushPending;
    private boolean closing;
    private TunnelListener.CloseCause closeCause = TunnelListener.CloseCause.PEER_CLOSED;
    private String closeDetail = "connection closed by the client";

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
        this.path = path;
        this.trafficCounters = path.cstpCounters();
        this.mtu = mtu;
        this.dpdNanos = dpdSeconds * NANOS_PER_SECOND;
        this.dpdSeconds = dpdSeconds;
        this.inbound = inbound;
        this.egress = path.cstp();
        this.listener = listener;
        this.scratchLength = Math.max(mtu, MAX_CONTROL_PAYLOAD);
        this.compression = compression;
        this.decompressed = Unpooled.wrappedBuffer(compression.packetArray());
        rxData = counters.counter(DataplaneCounter.CSTP_RX_DATA_PACKETS);
        txData = counters.counter(DataplaneCounter.CSTP_TX_DATA_PACKETS);
        rxControl = counters.counter(DataplaneCounter.CSTP_RX_CONTROL_FRAMES);
        dpdSent = counters.counter(DataplaneCounter.CSTP_DPD_REQUESTS_SENT);
        drops = new AccessDrops(counters);
        ringFull = counters.counter(DataplaneCounter.INBOUND_RING_FULL_DROPS);
        backlogDrops = counters.counter(DataplaneCounter.EGRESS_BACKLOG_DROPS);
        malformed = counters.counter(DataplaneCounter.CSTP_MALFORMED_FRAMES);
        oversized = counters.counter(DataplaneCounter.CSTP_OVERSIZED_FRAMES);
        unexpected = counters.counter(DataplaneCounter.CSTP_UNEXPECTED_FRAMES);
        rxCompressed = counters.counter(DataplaneCounter.CSTP_RX_COMPRESSED_FRAMES);
        txCompressed = counters.counter(DataplaneCounter.CSTP_TX_COMPRESSED_FRAMES);
        decompressFailures = counters.counter(DataplaneCounter.CSTP_DECOMPRESSION_FAILURES);
        controlOverRate = counters.counter(DataplaneCounter.CSTP_CONTROL_OVER_RATE);
        unreadAnswerDrops = counters.counter(DataplaneCounter.CSTP_UNREAD_ANSWER_DROPS);
        abusiveCloses = counters.counter(DataplaneCounter.CSTP_ABUSIVE_CLOSES);
        sendTimeouts = counters.counter(DataplaneCounter.CSTP_SEND_TIMEOUTS);
        dtlsFallbacks = counters.counter(DataplaneCounter.DTLS_FALLBACKS);
        roundTrips = counters.dpdRoundTrips();
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
        lastRxNanos = ticker.nanoTime();
        controlBudget = new ControlFrameBudget(lastRxNanos);
        egress.register(tunnelId, this);
        startDpdTimer();
    }

    private void startDpdTimer()
    {
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
            dpdNanos = seconds * NANOS_PER_SECOND;
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
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        stopTimers();
        super.channelInactive(ctx);
        listener.onClosed(closeCause, closeDetail);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        close(TunnelListener.CloseCause.PROTOCOL_ERROR, "connection error: " + cause.getMessage());
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        lastRxNanos = ticker.nanoTime();
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
            if (length > maxPayload(type))
            {
                oversized.increment();
                close(TunnelListener.CloseCause.PROTOCOL_ERROR, "CSTP frame of " + length + " bytes exceeds the limit");
                break;
            }
            if (in.readableBytes() < CstpHeader.HEADER_LENGTH + length)
            {
                return;
            }
            onFrame(in, type, index + CstpHeader.HEADER_LENGTH, length);
            in.skipBytes(CstpHeader.HEADER_LENGTH + length);
        }
        if (closing)
        {
            in.skipBytes(in.readableBytes());
        }
    }

    private void onFrame(final ByteBuf in, final int type, final int payload, final int length)
    {
        switch (type)
        {
            case CstpHeader.TYPE_DATA -> onData(in, payload, length);
            case CstpHeader.TYPE_COMPRESSED -> onCompressed(in, payload, length);
            case CstpHeader.TYPE_DPD_REQ ->
            {
                rxControl.increment();
                if (withinControlBudget())
                {
                    answerDpd(in, payload, length);
                }
            }
            case CstpHeader.TYPE_DPD_RESP, CstpHeader.TYPE_KEEPALIVE ->
            {
                rxControl.increment();
                if (withinControlBudget() && type == CstpHeader.TYPE_DPD_RESP)
                {
                    path.cstpRoundTrips().answered(ticker.nanoTime(), roundTrips);
                }
            }
            case CstpHeader.TYPE_DISCONNECT -> onDisconnect(in, payload, length);
            default ->
            {
                unexpected.increment();
                close(TunnelListener.CloseCause.PROTOCOL_ERROR, "unexpected CSTP frame type " + type);
            }
        }
    }

    /** Charges one control frame to the tunnel's budget; a flood past it ends the tunnel. */
    private boolean withinControlBudget()
    {
        if (controlBudget.take(ticker.nanoTime()))
        {
            return true;
        }
        controlOverRate.increment();
        if (controlBudget.abused())
        {
            abusiveCloses.increment();
            close(TunnelListener.CloseCause.PROTOCOL_ERROR, "control-frame flood: more than "
                + ControlFrameBudget.ABUSE_LIMIT + " DPD/keepalive frames over " + ControlFrameBudget.PER_SECOND + "/s");
        }
        return false;
    }

    /**
     * Echoes a DPD request, unless the client is not reading what it is sent: then the answer is dropped (never
     * queued without bound), and after {@link #MAX_UNREAD_ANSWERS} in a row the tunnel is closed.
     */
    private void answerDpd(final ByteBuf in, final int payload, final int length)
    {
        if (!ctx.channel().isWritable())
        {
            unreadAnswerDrops.increment();
            if (++unreadAnswers >= MAX_UNREAD_ANSWERS)
            {
                abusiveCloses.increment();
                close(TunnelListener.CloseCause.PROTOCOL_ERROR, "client does not read its DPD answers ("
                    + unreadAnswers + " dropped)");
            }
            return;
        }
        writeControl(CstpHeader.TYPE_DPD_RESP, in, payload, length);
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) throws Exception
    {
        if (ctx.channel().isWritable())
        {
            unreadAnswers = 0;
            cancelSendTimer();
        }
        else if (!closing && sendTimer == null)
        {
            lastSendProgressNanos = ticker.nanoTime();
            unsentAtLastCheck = ctx.channel().bytesBeforeWritable();
            sendTimer = ctx.executor().scheduleAtFixedRate(this::onSendTimer, SEND_CHECK_MILLIS, SEND_CHECK_MILLIS,
                TimeUnit.MILLISECONDS);
        }
        super.channelWritabilityChanged(ctx);
    }

    private int maxPayload(final int type)
    {
        return switch (type)
        {
            case CstpHeader.TYPE_DATA -> mtu;
            case CstpHeader.TYPE_COMPRESSED -> compression.negotiated() ? compression.maxCompressedLength()
                : MAX_CONTROL_PAYLOAD;
            default -> MAX_CONTROL_PAYLOAD;
        };
    }

    /** Type 8: decompressed, then the same path and checks as a plain packet. */
    private void onCompressed(final ByteBuf in, final int payload, final int length)
    {
        if (!compression.negotiated())
        {
            // as openconnect does: a peer that ignores the negotiation cannot be understood
            unexpected.increment();
            close(TunnelListener.CloseCause.PROTOCOL_ERROR, "compressed CSTP frame without negotiated compression");
            return;
        }
        final int packetLength = compression.decompress(in, payload, length);
        if (packetLength < 0)
        {
            decompressFailures.increment();
            trafficCounters.addRxDrop();
            if (compression.failureEndsTunnel())
            {
                close(TunnelListener.CloseCause.PROTOCOL_ERROR, "CSTP " + compression.method().token()
                    + " decompression failed: " + CodecStatus.describe(packetLength));
            }
            return;
        }
        rxCompressed.increment();
        onData(decompressed, 0, packetLength);
    }

    private void onData(final ByteBuf in, final int payload, final int length)
    {
        if (in.hasArray())
        {
            packetView.wrap(in.array(), in.arrayOffset() + payload, length);
        }
        else if (in.hasMemoryAddress())
        {
            // direct (io_uring reads): in place; getBytes would slice a ByteBuffer per packet
            packetView.wrap(in.memoryAddress() + payload, length);
        }
        else
        {
            if (scratch == null)
            {
                scratch = new byte[scratchLength];
            }
            in.getBytes(payload, scratch, 0, length);
            packetView.wrap(scratch, 0, length);
        }
        final int verdict = path.access().check(packetView, 0, length);
        if (verdict != TunnelAccess.ADMIT)
        {
            drops.count(verdict);
            trafficCounters.addRxDrop();
            return;
        }
        if (path.dtls() != null)
        {
            // the client only sends data over TLS when its DTLS channel died: answer on TLS too until DTLS is back
            path.dtls(null);
            dtlsFallbacks.increment();
        }
        if (!inbound.offer(packetView, 0, length))
        {
            ringFull.increment();
            trafficCounters.addRxDrop();
            return;
        }
        rxData.increment();
        trafficCounters.addRx(length);
    }

    private void onDisconnect(final ByteBuf in, final int payload, final int length)
    {
        rxControl.increment();
        final int reason = length > 0 ? in.getUnsignedByte(payload) : -1;
        final StringBuilder text = new StringBuilder();
        for (int i = 1; i < length && text.length() < MAX_REASON_TEXT; i++)
        {
            final int c = in.getUnsignedByte(payload + i);
            text.append(c >= 0x20 && c < 0x7f ? (char)c : '.');
        }
        listener.onDisconnectRequest(reason, text.toString());
        close(TunnelListener.CloseCause.CLIENT_DISCONNECT, "client disconnect: " + text);
    }

    @Override
    public boolean writeData(final DirectBuffer src, final int index, final int length)
    {
        if (closing || !ctx.channel().isWritable())
        {
            backlogDrops.increment();
            trafficCounters.addTxDrop();
            return false;
        }
        final int compressedLength = compression.compress(src, index, length);
        final boolean compressed = compressedLength > 0;
        final int payloadLength = compressed ? compressedLength : length;
        final ByteBuf frame = ctx.alloc().heapBuffer(CstpHeader.HEADER_LENGTH + payloadLength);
        CstpHeader.write(frame, compressed ? CstpHeader.TYPE_COMPRESSED : CstpHeader.TYPE_DATA, payloadLength);
        final int at = frame.writerIndex();
        if (compressed)
        {
            compression.compressed().getBytes(0, frame.array(), frame.arrayOffset() + at, payloadLength);
            txCompressed.increment();
        }
        else
        {
            src.getBytes(index, frame.array(), frame.arrayOffset() + at, length);
        }
        frame.writerIndex(at + payloadLength);
        ctx.write(frame, ctx.voidPromise());
        txData.increment();
        trafficCounters.addTx(length);
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

    private void writeControl(final int type, final ByteBuf payloadSrc, final int payload, final int length)
    {
        final ByteBuf frame = ctx.alloc().heapBuffer(CstpHeader.HEADER_LENGTH + length);
        CstpHeader.write(frame, type, length);
        if (length > 0)
        {
            frame.writeBytes(payloadSrc, payload, length);
        }
        ctx.write(frame, ctx.voidPromise());
    }

    /**
     * The send timeout: while over the high-water mark, whatever the client takes (the bytes left to drain go down;
     * only small control frames are added meanwhile) restarts the clock; a client that took nothing for
     * {@link #SEND_TIMEOUT_NANOS} loses its tunnel.
     */
    private void onSendTimer()
    {
        final long now = ticker.nanoTime();
        final long unsent = ctx.channel().bytesBeforeWritable();
        if (unsent < unsentAtLastCheck)
        {
            lastSendProgressNanos = now;
        }
        unsentAtLastCheck = unsent;
        final long stalled = now - lastSendProgressNanos;
        if (stalled >= SEND_TIMEOUT_NANOS)
        {
            sendTimeouts.increment();
            close(TunnelListener.CloseCause.SEND_TIMEOUT, "the client read nothing it was sent for "
                + stalled / NANOS_PER_SECOND + " s (send buffer full, " + trafficCounters.txDrops()
                + " packets to it dropped)");
        }
    }

    private void onDpdTimer()
    {
        final long now = ticker.nanoTime();
        final long silent = now - lastRxNanos;
        if (dpdSilenceStart != lastRxNanos)
        {
            dpdSilenceStart = lastRxNanos;
            dpdProbes = 0;
        }
        if (silent >= (DPD_TRIES + 1) * dpdNanos)
        {
            close(TunnelListener.CloseCause.DPD_TIMEOUT, "no answer to " + dpdProbes
                + " dead-peer detection probes, silent for " + silent / NANOS_PER_SECOND + " s");
        }
        else if (dpdProbes < DPD_TRIES && silent >= (dpdProbes + 1) * dpdNanos)
        {
            dpdProbes++;
            path.cstpRoundTrips().probeSent(now);
            dpdSent.increment();
            writeControl(CstpHeader.TYPE_DPD_REQ, null, 0, 0);
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
            closeCause = TunnelListener.CloseCause.LOCAL;
            closeDetail = "disconnected by the headend: " + text;
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
        closing = true;
        closeCause = cause;
        closeDetail = detail;
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
