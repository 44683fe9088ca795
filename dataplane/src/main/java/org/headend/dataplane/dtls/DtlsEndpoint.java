package org.headend.dataplane.dtls;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.DtlsLink;
import org.headend.dataplane.trace.StageTrace;
import org.headend.dataplane.tunnel.EgressQueue;
import org.headend.dataplane.tunnel.EgressTarget;
import org.headend.dataplane.tunnel.TunnelCore;
import org.headend.dataplane.tunnel.InboundSink;
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.tunnel.TunnelPath;
import org.headend.dataplane.wire.CstpHeader;

/**
 * The DTLS adapter of a tunnel, after its handshake: opens the client's records (inbound stage 1 for UDP) and hands
 * each message to the tunnel's {@link TunnelCore}, which decides; seals the inside packets routed to it (outbound
 * stage 2). Payload framing: one CSTP type byte, then the packet (docs/protocol/tunnel-and-dtls.md §5.7). While
 * records keep arriving the tunnel's inside traffic goes over DTLS; after silence (unanswered DPD probes, or 25 s
 * without DPD: {@link TunnelCore#onDtlsCheck}), or when the client sends data over TLS, it goes back to TLS.
 * Records, the socket, the timer and the handshake's last flight are all it owns.
 *
 * <p>Thread: the UDP port's event loop, for everything but construction.
 */
public final class DtlsEndpoint implements EgressTarget, DtlsLink
{
    /** How often a client that keeps repeating its last handshake flight gets ours again. */
    private static final int MAX_FLIGHT_RESENDS = 8;
    private final int targetId;
    private final TunnelPath path;
    private final TunnelPath.Route route;
    private final TunnelCore core;
    private final InboundSink inbound;
    private final DtlsRecordCodec codec;
    private final UnsafeBuffer sealView = new UnsafeBuffer(0, 0);

    private final AtomicCounter replays;
    private final AtomicCounter authFailures;
    private final AtomicCounter malformed;
    private final AtomicCounter unexpected;
    private final AtomicCounter sendErrors;
    private final AtomicCounter flightsResent;

    private Channel channel;
    /** Records sealed in this batch, waiting to go out as one datagram or UDP GSO send. */
    private RecordBatch batch;
    /** Written on the UDP loop (NAT rebinding), read by the CLI: volatile. */
    private volatile InetSocketAddress peer;
    private ScheduledFuture<?> timer;
    private final Runnable onTimer = this::onTimer;
    private boolean flushPending;
    private boolean closed;
    /**
     * The handshake's last flight, while the client may still be waiting for it: BouncyCastle is gone, so a client
     * whose copy was lost repeats its own flight here. Null after the client's first valid record (it has ours).
     */
    private byte[][] lastFlight;
    private int flightResends;
    /** The clock of the datagram being opened. */
    private long nowNanos;

    /**
     * @param targetId      this endpoint's id in the UDP loop's egress queue (unique, positive)
     * @param path          the tunnel's path; this endpoint moves its traffic to DTLS and back
     * @param egress        the egress queue of the UDP port's event loop
     * @param mtu           the largest inner packet accepted
     * @param dpdSeconds    the DTLS DPD interval announced to the client; the headend probes after that silence
     * @param codec         the record layer with the handshake's keys
     * @param peer          the client's UDP address
     * @param inbound       where client packets go (the TUN agent's ring, or the TUN itself)
     * @param compression   what the CONNECT answer negotiated for DTLS: LZS or none (deflate is CSTP only)
     * @param counters      the data plane's counters
     * @param listener      told when the client sends DISCONNECT over DTLS
     */
    public DtlsEndpoint(final int targetId, final TunnelPath path, final EgressQueue egress, final int mtu,
        final int dpdSeconds, final DtlsRecordCodec codec, final InetSocketAddress peer, final InboundSink inbound,
        final PacketCompression compression, final DataplaneCounters counters, final TunnelListener listener)
    {
        this.targetId = targetId;
        this.path = path;
        this.route = new TunnelPath.Route(targetId, egress);
        this.core = new TunnelCore(TunnelCore.Transport.DTLS, path, route, mtu, dpdSeconds, inbound, compression,
            counters, listener);
        this.inbound = inbound;
        this.codec = codec;
        this.peer = peer;
        replays = counters.counter(DataplaneCounter.DTLS_REPLAY_DROPS);
        authFailures = counters.counter(DataplaneCounter.DTLS_AUTH_FAILURES);
        malformed = counters.counter(DataplaneCounter.DTLS_MALFORMED_DROPS);
        unexpected = counters.counter(DataplaneCounter.DTLS_UNEXPECTED_RECORDS);
        sendErrors = counters.counter(DataplaneCounter.DTLS_SEND_ERRORS);
        flightsResent = counters.counter(DataplaneCounter.DTLS_FLIGHTS_RESENT);
    }

    /** Keeps the handshake's last flight (see {@link #resendLastFlight}); before the endpoint is installed. */
    public void keepLastFlight(final List<byte[]> datagrams)
    {
        lastFlight = datagrams.isEmpty() ? null : datagrams.toArray(byte[][]::new);
    }

    /**
     * A handshake record came from this endpoint's client: it repeats its last flight because ours was lost. Sends
     * ours again, a bounded number of times, until the client's first record shows it has it.
     *
     * @return whether the flight went out again
     */
    boolean resendLastFlight()
    {
        if (lastFlight == null || channel == null || flightResends >= MAX_FLIGHT_RESENDS)
        {
            return false;
        }
        flightResends++;
        flightsResent.increment();
        for (final byte[] datagram : lastFlight)
        {
            channel.write(new DatagramPacket(Unpooled.wrappedBuffer(datagram), peer));
        }
        channel.flush();
        return true;
    }

    /** Where this endpoint's client packets go; see {@link InboundSink#endOfBatch}. */
    InboundSink inbound()
    {
        return inbound;
    }

    public int targetId()
    {
        return targetId;
    }

    @Override
    public InetSocketAddress peer()
    {
        return peer;
    }

    public TunnelPath path()
    {
        return path;
    }

    /** The suite's encryption in ASA words, for the CLI. */
    @Override
    public String cipherName()
    {
        return codec.cipherName();
    }

    /** The suite's hash in ASA words, for the CLI. */
    @Override
    public String hashName()
    {
        return codec.hashName();
    }

    /** Whether the tunnel's inside traffic goes over this endpoint now (false while fallen back to TLS). */
    public boolean carriesTraffic()
    {
        return core.carriesTraffic();
    }

    /** The socket this endpoint sends from, or null before {@link #start}. Event loop. */
    Channel channel()
    {
        return channel;
    }

    /** Starts carrying the tunnel: registers in the egress queue, takes over the path, starts the timer. */
    void start(final Channel channel, final long nowNanos, final RecordBatch batch)
    {
        this.channel = channel;
        this.batch = batch;
        batch.peer(peer);
        route.queue().register(targetId, this);
        core.onStart(nowNanos);
        scheduleTimer(nowNanos);
    }

    /**
     * Wakes the endpoint when the core's next deadline falls due. A timer that finds the deadline moved on by traffic
     * sleeps again until the new one: an endpoint that hears from its client is visited once per DPD interval or
     * inactivity limit, not every second (10,000 tunnels were 10,000 timer runs a second on the UDP loop).
     */
    private void scheduleTimer(final long now)
    {
        final long due = core.nextDtlsCheck(now);
        timer = channel.eventLoop().schedule(onTimer, Math.max(due - now, 1_000_000L), TimeUnit.NANOSECONDS);
    }

    /** Stops for good: traffic returns to TLS, keys are wiped. */
    void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (batch != null)
        {
            batch.discard();
        }
        route.queue().unregister(targetId, this);
        core.onStop();
        if (timer != null)
        {
            timer.cancel(false);
        }
        codec.close();
    }

    void rebind(final InetSocketAddress newPeer)
    {
        this.peer = newPeer;
        batch.peer(newPeer);
    }

    /**
     * Opens every record of one datagram (already copied into {@code view}) and acts on it.
     *
     * @return the number of records that authenticated
     */
    int onDatagram(final MutableDirectBuffer view, final int length, final long nowNanos)
    {
        this.nowNanos = nowNanos;
        int valid = 0;
        int offset = 0;
        while (offset < length)
        {
            final int recordLength = DtlsRecordCodec.recordLength(view, offset, length - offset);
            if (recordLength < 0)
            {
                malformed.increment();
                break;
            }
            final int plaintext = codec.open(view, offset, recordLength, view, offset + DtlsRecordCodec.PLAINTEXT_OFFSET);
            if (plaintext >= 0)
            {
                StageTrace.mark(StageTrace.OPENED);
                valid++;
                onPlaintext(view, offset + DtlsRecordCodec.PLAINTEXT_OFFSET, plaintext);
            }
            else
            {
                countRefused(plaintext);
            }
            offset += recordLength;
        }
        if (valid > 0)
        {
            lastFlight = null;
            core.onHeard(nowNanos);
        }
        return valid;
    }

    /**
     * Whether a datagram from an unknown address holds a record of this session (NAT rebinding check). Changes
     * nothing: the record is opened for real afterwards.
     */
    boolean authenticates(final DirectBuffer datagram, final int length, final MutableDirectBuffer scratch)
    {
        final int recordLength = DtlsRecordCodec.recordLength(datagram, 0, length);
        return recordLength > 0 && codec.verify(datagram, 0, recordLength, scratch);
    }

    private void countRefused(final int code)
    {
        switch (code)
        {
            case DtlsRecordCodec.REPLAYED -> replays.increment();
            case DtlsRecordCodec.AUTH_FAILED -> authFailures.increment();
            case DtlsRecordCodec.NOT_CURRENT_DATA -> unexpected.increment();
            default -> malformed.increment();
        }
    }

    private void onPlaintext(final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (length < 1)
        {
            malformed.increment();
            return;
        }
        final int type = buffer.getByte(index) & 0xFF;
        final int result = core.onMessage(type, buffer, index + 1, length - 1, nowNanos, channel.isWritable());
        if (result == TunnelCore.ANSWER_DPD)
        {
            sendMessage(CstpHeader.TYPE_DPD_RESP, buffer, index + 1, length - 1);
            batch.emit();
            batch.flush();
        }
    }

    @Override
    public boolean writeData(final DirectBuffer src, final int index, final int length)
    {
        if (closed)
        {
            return false;
        }
        final int compressedLength = core.compress(src, index, length);
        final boolean sent = compressedLength > 0
            ? sendMessage(CstpHeader.TYPE_COMPRESSED, core.compressed(), 0, compressedLength)
            : sendMessage(CstpHeader.TYPE_DATA, src, index, length);
        if (!sent)
        {
            core.onDataDropped();
            return false;
        }
        core.onDataSent(length, compressedLength > 0);
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
        batch.emit();
        batch.flush();
    }

    /** Seals one message into the batch (see {@link RecordBatch}). */
    private boolean sendMessage(final int type, final DirectBuffer src, final int index, final int length)
    {
        final int recordLength = DtlsRecordCodec.OVERHEAD + 1 + length;
        batch.open(recordLength, sealView);
        sealView.putByte(DtlsRecordCodec.PLAINTEXT_OFFSET, (byte)type);
        if (length > 0)
        {
            sealView.putBytes(DtlsRecordCodec.PLAINTEXT_OFFSET + 1, src, index, length);
        }
        final int sealed = codec.sealInPlace(sealView, 0, 1 + length);
        if (sealed < 0)
        {
            sendErrors.increment();
            return false;
        }
        batch.commit(sealed);
        return true;
    }

    private void onTimer()
    {
        if (closed)
        {
            return;
        }
        final long now = channel.eventLoop().ticker().nanoTime();
        if (core.onDtlsCheck(now) == TunnelCore.PROBE)
        {
            sendMessage(CstpHeader.TYPE_DPD_REQ, sealView, 0, 0);
            batch.emit();
            batch.flush();
        }
        scheduleTimer(now);
    }
}
