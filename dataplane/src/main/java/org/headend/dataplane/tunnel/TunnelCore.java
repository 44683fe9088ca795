package org.headend.dataplane.tunnel;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.headend.dataplane.api.CompressionMethod;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.LatencyHistogram;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.compress.CodecStatus;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.wire.CstpHeader;

/**
 * What one transport of a tunnel (its TLS connection, one DTLS endpoint, or its ESP child SAs) does with the
 * messages its client sends and the packets it sends the client, without any I/O: the adapters
 * ({@link CstpTunnelHandler}, the DTLS endpoint, the ESP session) cut bytes into messages, pass each one in with the
 * time, and act on the result code ({@link #DONE}, {@link #ANSWER_DPD}, {@link #PROBE}, {@link #CLOSE}). Here live
 * the message dispatch, the access check and the hand-off to the inside, compression, the choice of channel (a data
 * packet over TLS means DTLS died), the DPD and keepalive deadlines, the control-frame limits and the counters. No
 * Netty type and no clock: time is an argument, so the whole behaviour is tested without sockets (boringtun's
 * {@code Tunn}).
 *
 * <p>Where transports differ it is policy, named here, not framing: a reliable, ordered stream (TLS) ends the tunnel
 * on a broken or unexpected message and runs DPD on the gateway's interval with a fixed number of probes; a lossy
 * datagram channel (DTLS, ESP) counts such a message and ignores it. A datagram channel with a {@link TunnelPath.Route}
 * (DTLS) stands in for the path's own channel while it is heard, and silence gives the traffic back instead of ending
 * the tunnel. The core knows a transport only by its {@link Transport} description, never by name.
 *
 * <p>Thread: the transport's event loop (single writer of its counters and deadlines).
 */
public final class TunnelCore
{
    /** The message was consumed: delivered, answered, or dropped and counted. */
    public static final int DONE = 0;
    /** Echo the DPD request's payload back now, as a DPD response. */
    public static final int ANSWER_DPD = 1;
    /** Send a DPD request to the client now (a deadline fell due). */
    public static final int PROBE = 2;
    /** End the tunnel's connection; {@link #closeCause()} and {@link #closeDetail()} say why. */
    public static final int CLOSE = -1;

    /** Control messages have no reason to be longer than this; anything longer is hostile. */
    public static final int MAX_CONTROL_PAYLOAD = 2048;
    /**
     * Silence after which the headend stops sending over DTLS (ocserv's switch-to-tcp default) when it does no DPD;
     * with DPD on, the floor under the DPD-driven limit ({@link #dtlsInactiveAfterNanos}).
     */
    public static final long DTLS_INACTIVE_AFTER_NANOS = 25_000_000_000L;
    /**
     * DTLS probes the gateway sends before it gives the tunnel's traffic back to TLS: the first after a DPD interval
     * of silence, the others {@link #DTLS_DPD_RETRY_NANOS} apart (a datagram, unlike a TLS frame, can be lost).
     */
    public static final int DTLS_DPD_TRIES = 3;
    /** The longest wait between DTLS probes: a DPD round trip takes milliseconds, not a DPD interval. */
    public static final long DTLS_DPD_RETRY_NANOS = 5_000_000_000L;
    /**
     * DPD answers dropped in a row because the client does not read (its connection is over the write buffer's high
     * water mark) after which the tunnel is closed: an honest client sends one DPD every few seconds, so it never
     * gets near this while its link is merely slow.
     */
    public static final int MAX_UNREAD_ANSWERS = 32;
    /**
     * Probes the gateway sends over TLS, one per DPD interval, once an interval of silence has passed; an interval
     * after the last one unanswered, the tunnel is dropped (the seed: "ASA tries DPD 3 times at the same interval").
     */
    public static final int DPD_TRIES = 3;
    /**
     * How long a client may read nothing of what it is sent over TLS while its connection stays over the write
     * buffer's high-water mark before its tunnel is closed, as a dead peer's is (see {@link #onSendCheck}).
     */
    public static final long SEND_TIMEOUT_NANOS = 30 * 1_000_000_000L;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int MAX_REASON_TEXT = 64;
    /**
     * DTLS DPD requests answered at most one per this interval on average, with bursts of {@link #DTLS_DPD_BURST}:
     * openconnect sends about ten at once to find the path MTU, then one per DPD interval. A flood beyond it is
     * counted and not answered, so it costs neither the loop's time nor send-buffer memory.
     */
    private static final long DTLS_DPD_ANSWER_INTERVAL_NANOS = 100_000_000L;
    private static final int DTLS_DPD_BURST = 32;
    /** How soon a fallen-back DTLS endpoint looks again (traffic coming back is seen on the next datagram anyway). */
    private static final long DTLS_IDLE_RECHECK_NANOS = NANOS_PER_SECOND;

    /**
     * What the core needs to know of the channel it serves: whether it is a reliable stream, and the counters its
     * messages move. A new kind of adapter describes itself with one of these.
     *
     * @param name        for the texts the core writes ("over DTLS")
     * @param rxControl   counts DPD, keepalive and disconnect messages received
     * @param unexpected  counts messages of no known or negotiated type
     * @param malformed   counts data packets longer than the tunnel MTU
     * @param compression the compression counters, or null for a channel that negotiates no compression
     */
    public record Transport(String name, boolean reliable, DataplaneCounter rxData, DataplaneCounter txData,
        DataplaneCounter rxControl, DataplaneCounter unexpected, DataplaneCounter malformed,
        CompressionCounters compression)
    {
        /** CSTP over the TLS connection: reliable, ordered, the tunnel's life. */
        public static final Transport TLS = new Transport("TLS", true, DataplaneCounter.CSTP_RX_DATA_PACKETS,
            DataplaneCounter.CSTP_TX_DATA_PACKETS, DataplaneCounter.CSTP_RX_CONTROL_FRAMES,
            DataplaneCounter.CSTP_UNEXPECTED_FRAMES, DataplaneCounter.CSTP_MALFORMED_FRAMES,
            new CompressionCounters(DataplaneCounter.CSTP_RX_COMPRESSED_FRAMES,
                DataplaneCounter.CSTP_TX_COMPRESSED_FRAMES, DataplaneCounter.CSTP_DECOMPRESSION_FAILURES));
        /** CSTP messages in DTLS records: lossy, the fast path while it answers. */
        public static final Transport DTLS = new Transport("DTLS", false, DataplaneCounter.DTLS_RX_DATA_PACKETS,
            DataplaneCounter.DTLS_TX_DATA_PACKETS, DataplaneCounter.DTLS_RX_CONTROL,
            DataplaneCounter.DTLS_UNEXPECTED_RECORDS, DataplaneCounter.DTLS_MALFORMED_DROPS,
            new CompressionCounters(DataplaneCounter.DTLS_RX_COMPRESSED_MESSAGES,
                DataplaneCounter.DTLS_TX_COMPRESSED_MESSAGES, DataplaneCounter.DTLS_DECOMPRESSION_FAILURES));

        @Override
        public String toString()
        {
            return name;
        }
    }

    /** The counters of a transport's compressed messages. */
    public record CompressionCounters(DataplaneCounter rx, DataplaneCounter tx, DataplaneCounter failures)
    {
    }

    private final Transport transport;
    /** {@link Transport#reliable()}, read per message. */
    private final boolean reliable;
    private final TunnelPath path;
    /** A DTLS endpoint's place in the path; null for the path's own channel (TLS, ESP). */
    private final TunnelPath.Route route;
    private final int mtu;
    private final InboundSink inbound;
    private final PacketCompression compression;
    private final TunnelListener listener;
    private final TunnelCounters traffic;
    private final RoundTrips pathRoundTrips;
    private final LatencyHistogram roundTrips;

    private final AtomicCounter rxData;
    private final AtomicCounter txData;
    private final AtomicCounter rxControl;
    private final AtomicCounter unexpected;
    private final AtomicCounter malformed;
    private final AtomicCounter rxCompressed;
    private final AtomicCounter txCompressed;
    private final AtomicCounter decompressFailures;
    private final AtomicCounter ringFull;
    private final AtomicCounter dtlsFallbacks;
    private final AtomicCounter controlOverRate;
    private final AtomicCounter unreadAnswerDrops;
    private final AtomicCounter abusiveCloses;
    private final AtomicCounter dpdRateLimited;
    private final AtomicCounter dpdSent;
    private final AtomicCounter sendTimeouts;
    private final AccessDrops drops;

    private long dpdNanos;
    private long lastRxNanos;
    /** TLS: the {@link #lastRxNanos} the probes in {@link #dpdProbes} were sent after; new traffic starts a count. */
    private long dpdSilenceStart;
    private int dpdProbes;
    /** DTLS: when the last probe went out. */
    private long lastDpdSentNanos;
    /** TLS: the control-frame budget, from {@link #onStart}. */
    private ControlFrameBudget controlBudget;
    /** DTLS: when the next DPD answer is due if answers went out evenly (the generic cell rate algorithm). */
    private long dpdTheoreticalNanos;
    /** TLS: DPD answers dropped since the connection was last writable. */
    private int unreadAnswers;
    /** TLS: when the client last took anything we sent, and what was left to drain then (send timeout). */
    private long lastSendProgressNanos;
    private long unsentAtLastCheck;

    private boolean closeAsked;
    private TunnelListener.CloseCause closeCause = TunnelListener.CloseCause.PEER_CLOSED;
    private String closeDetail = "connection closed by the client";

    /**
     * @param route       a datagram transport's route in the path when it stands in for the path's own channel (DTLS:
     *                    it takes the tunnel's traffic while records arrive, and gives it back after
     *                    silence: {@link #dtlsInactiveAfterNanos}); null for the path's own channel (TLS, ESP)
     * @param mtu         the tunnel MTU sent to the client; longer packets are refused
     * @param dpdSeconds  the headend's DPD interval; 0 turns its probes off
     * @param inbound     where admitted client packets go (a TUN agent's ring, or the shared TUN queue)
     * @param compression what the CONNECT answer negotiated for this transport
     */
    public TunnelCore(final Transport transport, final TunnelPath path, final TunnelPath.Route route, final int mtu,
        final int dpdSeconds, final InboundSink inbound, final PacketCompression compression,
        final DataplaneCounters counters, final TunnelListener listener)
    {
        if (!transport.reliable() && compression.method() == CompressionMethod.DEFLATE)
        {
            throw new IllegalArgumentException("deflate is not a " + transport.name() + " compression");
        }
        if (compression.negotiated() && transport.compression() == null)
        {
            throw new IllegalArgumentException(transport.name() + " negotiates no compression");
        }
        if (transport.reliable() && route != null)
        {
            throw new IllegalArgumentException("a reliable transport is its path's own channel; it has no route");
        }
        this.transport = transport;
        this.reliable = transport.reliable();
        this.path = path;
        this.route = route;
        this.mtu = mtu;
        this.dpdNanos = dpdSeconds * NANOS_PER_SECOND;
        this.inbound = inbound;
        this.compression = compression;
        this.listener = listener;
        // the path's own channel keeps the path's own counters; a stand-in (DTLS) its second set
        final boolean own = route == null;
        this.traffic = own ? path.cstpCounters() : path.dtlsCounters();
        this.pathRoundTrips = own ? path.cstpRoundTrips() : path.dtlsRoundTrips();
        this.roundTrips = counters.dpdRoundTrips();
        rxData = counters.counter(transport.rxData());
        txData = counters.counter(transport.txData());
        rxControl = counters.counter(transport.rxControl());
        unexpected = counters.counter(transport.unexpected());
        malformed = counters.counter(transport.malformed());
        // only touched once compression is negotiated, which the check above allows only with counters
        final CompressionCounters compressed = transport.compression();
        rxCompressed = compressed == null ? null : counters.counter(compressed.rx());
        txCompressed = compressed == null ? null : counters.counter(compressed.tx());
        decompressFailures = compressed == null ? null : counters.counter(compressed.failures());
        dpdSent = counters.counter(DataplaneCounter.CSTP_DPD_REQUESTS_SENT);
        ringFull = counters.counter(DataplaneCounter.INBOUND_RING_FULL_DROPS);
        dtlsFallbacks = counters.counter(DataplaneCounter.DTLS_FALLBACKS);
        controlOverRate = counters.counter(DataplaneCounter.CSTP_CONTROL_OVER_RATE);
        unreadAnswerDrops = counters.counter(DataplaneCounter.CSTP_UNREAD_ANSWER_DROPS);
        abusiveCloses = counters.counter(DataplaneCounter.CSTP_ABUSIVE_CLOSES);
        sendTimeouts = counters.counter(DataplaneCounter.CSTP_SEND_TIMEOUTS);
        dpdRateLimited = counters.counter(DataplaneCounter.DTLS_DPD_RATE_LIMITED);
        drops = new AccessDrops(counters);
    }

    /**
     * The transport starts carrying the tunnel (TLS: after the CONNECT answer; DTLS: after the handshake; ESP: when
     * its SAs are installed): silence and budgets count from now, and a DTLS endpoint takes the tunnel's traffic.
     */
    public void onStart(final long nowNanos)
    {
        lastRxNanos = nowNanos;
        dpdTheoreticalNanos = nowNanos;
        if (reliable)
        {
            controlBudget = new ControlFrameBudget(nowNanos);
        }
        else if (route != null)
        {
            path.dtls(route);
        }
    }

    /** Whether this DTLS endpoint carries the tunnel's inside traffic now (false while fallen back to TLS). */
    public boolean carriesTraffic()
    {
        return route != null && path.dtls() == route;
    }

    /** The transport stops for good: a DTLS endpoint gives the traffic back to TLS if it still has it. */
    public void onStop()
    {
        if (route != null)
        {
            path.leaveDtls(route);
        }
    }

    /** The tunnel's per-transport traffic counters (what {@code show vpn-sessiondb} sums). */
    public TunnelCounters traffic()
    {
        return traffic;
    }

    /** Why the core asked for {@link #CLOSE}, or why the connection closed without it asking. */
    public TunnelListener.CloseCause closeCause()
    {
        return closeCause;
    }

    public String closeDetail()
    {
        return closeDetail;
    }

    /** Records why the transport is ending when the cause is the adapter's (the headend disconnects or drops it). */
    public void closing(final TunnelListener.CloseCause cause, final String detail)
    {
        closeCause = cause;
        closeDetail = detail;
    }

    /** The longest payload a TLS frame of {@code type} may carry; a longer one is hostile and ends the tunnel. */
    public int maxPayload(final int type)
    {
        return switch (type)
        {
            case CstpHeader.TYPE_DATA -> mtu;
            case CstpHeader.TYPE_COMPRESSED -> compression.negotiated() ? compression.maxCompressedLength()
                : MAX_CONTROL_PAYLOAD;
            default -> MAX_CONTROL_PAYLOAD;
        };
    }

    /**
     * The client's bytes arrived (TLS: any read, a frame's part counts; DTLS: a record that authenticated): the
     * peer is alive, and a DTLS endpoint that hears its client carries the tunnel again.
     */
    public void onHeard(final long nowNanos)
    {
        lastRxNanos = nowNanos;
        if (route != null && path.dtls() != route)
        {
            path.dtls(route);
        }
    }

    /**
     * One message from the client: a CSTP frame's payload over TLS, or a DTLS record's plaintext after its type byte.
     *
     * @param type     the CSTP message type
     * @param writable whether the transport takes more to send now (a DPD answer is not queued without bound)
     * @return {@link #DONE}, {@link #ANSWER_DPD} or {@link #CLOSE}
     */
    public int onMessage(final int type, final DirectBuffer buffer, final int index, final int length,
        final long nowNanos, final boolean writable)
    {
        return switch (type)
        {
            case CstpHeader.TYPE_DATA -> onData(buffer, index, length);
            case CstpHeader.TYPE_COMPRESSED -> onCompressed(buffer, index, length);
            case CstpHeader.TYPE_DPD_REQ -> onDpdRequest(length, nowNanos, writable);
            case CstpHeader.TYPE_DPD_RESP ->
            {
                rxControl.increment();
                if (!reliable || withinControlBudget(nowNanos))
                {
                    pathRoundTrips.answered(nowNanos, roundTrips);
                }
                yield closeRequested() ? CLOSE : DONE;
            }
            case CstpHeader.TYPE_KEEPALIVE ->
            {
                rxControl.increment();
                if (reliable)
                {
                    withinControlBudget(nowNanos);
                }
                yield closeRequested() ? CLOSE : DONE;
            }
            case CstpHeader.TYPE_DISCONNECT -> onDisconnect(buffer, index, length);
            default ->
            {
                unexpected.increment();
                yield reliable
                    ? close(TunnelListener.CloseCause.PROTOCOL_ERROR, "unexpected CSTP frame type " + type)
                    : DONE;
            }
        };
    }

    private int onDpdRequest(final int length, final long nowNanos, final boolean writable)
    {
        rxControl.increment();
        if (!reliable)
        {
            if (!writable || !dtlsDpdAnswerAllowed(nowNanos))
            {
                dpdRateLimited.increment();
                return DONE;
            }
            // echo the probe's payload, same length: openconnect's MTU discovery checks it
            return length <= MAX_CONTROL_PAYLOAD ? ANSWER_DPD : DONE;
        }
        if (!withinControlBudget(nowNanos))
        {
            return closeRequested() ? CLOSE : DONE;
        }
        if (!writable)
        {
            // the client does not read what it is sent: the answer is dropped, never queued without bound
            unreadAnswerDrops.increment();
            if (++unreadAnswers >= MAX_UNREAD_ANSWERS)
            {
                abusiveCloses.increment();
                return close(TunnelListener.CloseCause.PROTOCOL_ERROR, "client does not read its DPD answers ("
                    + unreadAnswers + " dropped)");
            }
            return DONE;
        }
        return ANSWER_DPD;
    }

    /** Whether this core asked for {@link #CLOSE} (a control-frame flood is found inside the budget check). */
    private boolean closeRequested()
    {
        return closeAsked;
    }

    /** Charges one TLS control frame to the tunnel's budget; a flood past it ends the tunnel. */
    private boolean withinControlBudget(final long nowNanos)
    {
        if (controlBudget.take(nowNanos))
        {
            return true;
        }
        controlOverRate.increment();
        if (controlBudget.abused() && !closeRequested())
        {
            abusiveCloses.increment();
            close(TunnelListener.CloseCause.PROTOCOL_ERROR, "control-frame flood: more than "
                + ControlFrameBudget.ABUSE_LIMIT + " DPD/keepalive frames over " + ControlFrameBudget.PER_SECOND
                + "/s");
        }
        return false;
    }

    private boolean dtlsDpdAnswerAllowed(final long nowNanos)
    {
        final long earliest = dpdTheoreticalNanos - (DTLS_DPD_BURST - 1) * DTLS_DPD_ANSWER_INTERVAL_NANOS;
        if (nowNanos - earliest < 0)
        {
            return false;
        }
        dpdTheoreticalNanos = Math.max(dpdTheoreticalNanos, nowNanos) + DTLS_DPD_ANSWER_INTERVAL_NANOS;
        return true;
    }

    /** Type 8: decompressed, then the same path and checks as a plain packet. */
    private int onCompressed(final DirectBuffer buffer, final int index, final int length)
    {
        if (!compression.negotiated())
        {
            // as openconnect does: over TLS a peer that ignores the negotiation cannot be understood; one datagram
            // is not worth a session
            unexpected.increment();
            return reliable
                ? close(TunnelListener.CloseCause.PROTOCOL_ERROR,
                    "compressed CSTP frame without negotiated compression")
                : DONE;
        }
        final int packetLength = compression.decompress(buffer, index, length);
        if (packetLength < 0)
        {
            decompressFailures.increment();
            traffic.addRxDrop();
            if (reliable && compression.failureEndsTunnel())
            {
                return close(TunnelListener.CloseCause.PROTOCOL_ERROR, "CSTP " + compression.method().token()
                    + " decompression failed: " + CodecStatus.describe(packetLength));
            }
            return DONE;
        }
        rxCompressed.increment();
        return onData(compression.packet(), 0, packetLength);
    }

    private int onData(final DirectBuffer buffer, final int index, final int length)
    {
        if (length > mtu)
        {
            // over TLS the framer refused it already (maxPayload); only a DTLS record or a decompressed one gets here
            malformed.increment();
            traffic.addRxDrop();
            return DONE;
        }
        final int verdict = path.access().check(buffer, index, length);
        if (verdict != TunnelAccess.ADMIT)
        {
            drops.count(verdict);
            traffic.addRxDrop();
            return DONE;
        }
        if (reliable && path.dtls() != null)
        {
            // the client only sends data over TLS when its DTLS channel died: answer on TLS too until DTLS is back
            path.dtls(null);
            dtlsFallbacks.increment();
        }
        if (!inbound.offer(buffer, index, length))
        {
            ringFull.increment();
            traffic.addRxDrop();
            return DONE;
        }
        rxData.increment();
        traffic.addRx(length);
        return DONE;
    }

    /** The adapter's read batch ended: see {@link InboundSink#endOfBatch}. */
    public void endOfReadBatch()
    {
        inbound.endOfBatch();
    }

    private int onDisconnect(final DirectBuffer buffer, final int index, final int length)
    {
        rxControl.increment();
        final int reason = length > 0 ? buffer.getByte(index) & 0xFF : -1;
        if (!reliable)
        {
            // the TLS connection carries the goodbye that counts; the session decides
            listener.onDisconnectRequest(reason, "over " + transport.name());
            return DONE;
        }
        final StringBuilder text = new StringBuilder();
        for (int i = 1; i < length && text.length() < MAX_REASON_TEXT; i++)
        {
            final int c = buffer.getByte(index + i) & 0xFF;
            text.append(c >= 0x20 && c < 0x7f ? (char)c : '.');
        }
        listener.onDisconnectRequest(reason, text.toString());
        return close(TunnelListener.CloseCause.CLIENT_DISCONNECT, "client disconnect: " + text);
    }

    private int close(final TunnelListener.CloseCause cause, final String detail)
    {
        closeAsked = true;
        closeCause = cause;
        closeDetail = detail;
        return CLOSE;
    }

    /**
     * Compresses one inside packet for the client if the sender rule says so.
     *
     * @return the length of the compressed form in {@link #compressed()}, or 0 or less to send it plain
     */
    public int compress(final DirectBuffer src, final int index, final int length)
    {
        return compression.compress(src, index, length);
    }

    /** The packet {@link #compress} compressed. */
    public DirectBuffer compressed()
    {
        return compression.compressed();
    }

    /** One inside packet of {@code length} bytes went to the client, compressed or not. */
    public void onDataSent(final int length, final boolean compressed)
    {
        if (compressed)
        {
            txCompressed.increment();
        }
        txData.increment();
        traffic.addTx(length);
    }

    /** One inside packet for the client was dropped (the client does not read, or sealing failed). */
    public void onDataDropped()
    {
        traffic.addTxDrop();
    }

    /** The headend's DPD interval in force, nanoseconds; 0 when it does not probe. */
    public long dpdNanos()
    {
        return dpdNanos;
    }

    /** Changes the DPD interval of the live tunnel (0: off). The silence already counted stays counted. */
    public void dpd(final int seconds)
    {
        dpdNanos = seconds * NANOS_PER_SECOND;
    }

    /**
     * The TLS DPD deadline: after an interval of silence one probe per interval, {@link #DPD_TRIES} in all; an
     * interval after the last one the peer is dead.
     *
     * @return {@link #PROBE} (sent now: the round trip is timed from here), {@link #CLOSE} or {@link #DONE}
     */
    public int onDpdCheck(final long nowNanos)
    {
        if (dpdNanos <= 0)
        {
            return DONE;
        }
        final long silent = nowNanos - lastRxNanos;
        if (dpdSilenceStart != lastRxNanos)
        {
            dpdSilenceStart = lastRxNanos;
            dpdProbes = 0;
        }
        if (silent >= (DPD_TRIES + 1) * dpdNanos)
        {
            return close(TunnelListener.CloseCause.DPD_TIMEOUT, "no answer to " + dpdProbes
                + " dead-peer detection probes, silent for " + silent / NANOS_PER_SECOND + " s");
        }
        if (dpdProbes < DPD_TRIES && silent >= (dpdProbes + 1) * dpdNanos)
        {
            dpdProbes++;
            probeSent(nowNanos);
            return PROBE;
        }
        return DONE;
    }

    /**
     * The DTLS deadlines. Without DPD the tunnel's traffic goes back to TLS after {@link #DTLS_INACTIVE_AFTER_NANOS}
     * of silence. With DPD, DPD decides, as on the ASA ("DPD enables a failed DTLS connection to fall back to TLS"): a
     * probe after a DPD interval of silence, again every {@link #dtlsProbeRetryNanos}, and the traffic goes to TLS
     * once {@link #DTLS_DPD_TRIES} of them went unanswered ({@link #dtlsInactiveAfterNanos}). A fixed 25 s limit
     * would come before the first probe of any DPD interval of 25 s or more, so DTLS would never be probed.
     *
     * @return {@link #PROBE} (sent now) or {@link #DONE}
     */
    public int onDtlsCheck(final long nowNanos)
    {
        final long silent = nowNanos - lastRxNanos;
        if (silent >= dtlsInactiveAfterNanos())
        {
            path.leaveDtls(route);
            return DONE;
        }
        if (dpdNanos > 0 && silent >= dpdNanos && nowNanos - lastDpdSentNanos >= dtlsProbeRetryNanos())
        {
            lastDpdSentNanos = nowNanos;
            pathRoundTrips.probeSent(nowNanos);
            return PROBE;
        }
        return DONE;
    }

    /**
     * The silence after which DTLS no longer carries the tunnel: {@link #DTLS_INACTIVE_AFTER_NANOS} without DPD; with
     * it, a DPD interval and the retries of its probes, but never less than that (a short DPD interval sends more
     * probes in those 25 s, as before).
     */
    public long dtlsInactiveAfterNanos()
    {
        if (dpdNanos <= 0)
        {
            return DTLS_INACTIVE_AFTER_NANOS;
        }
        return Math.max(DTLS_INACTIVE_AFTER_NANOS, dpdNanos + DTLS_DPD_TRIES * dtlsProbeRetryNanos());
    }

    private long dtlsProbeRetryNanos()
    {
        return Math.min(dpdNanos, DTLS_DPD_RETRY_NANOS);
    }

    /**
     * When {@link #onDtlsCheck} is next due: the earlier of the inactivity limit and the next DPD probe, both counted
     * from the last record heard. An endpoint that hears its client is visited once per DPD interval or inactivity
     * limit, not every second.
     */
    public long nextDtlsCheck(final long nowNanos)
    {
        final long inactiveAfter = dtlsInactiveAfterNanos();
        if (nowNanos - lastRxNanos >= inactiveAfter)
        {
            // fallen back to TLS (and no DPD over DTLS then): only a record coming back changes that
            return nowNanos + DTLS_IDLE_RECHECK_NANOS;
        }
        long due = lastRxNanos + inactiveAfter;
        if (dpdNanos > 0)
        {
            due = Math.min(due, Math.max(lastRxNanos + dpdNanos, lastDpdSentNanos + dtlsProbeRetryNanos()));
        }
        return due;
    }

    private void probeSent(final long nowNanos)
    {
        pathRoundTrips.probeSent(nowNanos);
        dpdSent.increment();
    }

    /** The TLS connection drained below its low-water mark: the client reads again. */
    public void onWritable()
    {
        unreadAnswers = 0;
    }

    /** The TLS connection went over its high-water mark with {@code unsentBytes} to drain: the send clock starts. */
    public void onUnwritable(final long nowNanos, final long unsentBytes)
    {
        lastSendProgressNanos = nowNanos;
        unsentAtLastCheck = unsentBytes;
    }

    /**
     * The send timeout, checked now and then while over the high-water mark: whatever the client takes (the bytes
     * left to drain go down; only small control frames are added meanwhile) restarts the clock; a client that took
     * nothing for {@link #SEND_TIMEOUT_NANOS} loses its tunnel.
     *
     * @return {@link #CLOSE} or {@link #DONE}
     */
    public int onSendCheck(final long nowNanos, final long unsentBytes)
    {
        if (unsentBytes < unsentAtLastCheck)
        {
            lastSendProgressNanos = nowNanos;
        }
        unsentAtLastCheck = unsentBytes;
        final long stalled = nowNanos - lastSendProgressNanos;
        if (stalled < SEND_TIMEOUT_NANOS)
        {
            return DONE;
        }
        sendTimeouts.increment();
        return close(TunnelListener.CloseCause.SEND_TIMEOUT, "the client read nothing it was sent for "
            + stalled / NANOS_PER_SECOND + " s (send buffer full, " + traffic.txDrops() + " packets to it dropped)");
    }
}
