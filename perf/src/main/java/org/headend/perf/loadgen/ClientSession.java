package org.headend.perf.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLSession;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.control.http.HttpsListener;
import org.headend.crypto.kdf.ExporterLabels;
import org.headend.dataplane.wire.CstpHeader;

/**
 * One simulated openconnect: TLS, aggregate auth, CONNECT, CSTP, PSK-NEGOTIATE DTLS, pings, DPD and keepalive,
 * reconnect with the cookie and the BYE. Every callback runs on the one event loop its TCP connection belongs to (the
 * DTLS socket is registered on the same loop), so the session's fields need no locks. Each answer is checked as
 * openconnect checks it; the first violation ends the session and is counted by name.
 */
final class ClientSession implements DtlsLink.Listener
{
    /** What the session needs from the run around it. */
    interface Run
    {
        LoadOptions options();

        Metrics metrics();

        io.netty.handler.ssl.SslContext sslContext();

        io.netty.channel.EventLoopGroup group();

        java.util.function.Function<byte[], org.headend.crypto.Aead> aead();

        /** X-DTLS-Master-Secret: one random value per process, as openconnect has. */
        String masterSecretHex();

        /** The inside address pings go to, big-endian. */
        int pingTarget();

        /** First time the tunnel is up, or the attempt ended without it: frees the in-flight slot. */
        void settled(ClientSession session);

        /** The session is over: BYE sent or ended by the server, or failed. */
        void ended(ClientSession session, boolean failed);

        /** Where the session's events go ({@code --history}), or null. */
        History history();
    }

    /** How long a BYE waits for the server to close the connection, which shows it ended the session. */
    static final long BYE_ACK_MILLIS = 3_000;

    private enum State
    {
        TLS, AUTH, CONNECT, TUNNEL, CLOSED
    }

    private static final int DTLS_DPD_REQ = CstpHeader.TYPE_DPD_REQ;
    /**
     * The TLS handshake's timeout, from the TCP connect: the headend's own bound (from its accept) and 5 s more for
     * the server's listen queue, so that a server which answers within its bound is never cut off by this timer.
     * openconnect has none; this only ends attempts a server neither completes nor closes.
     */
    static final int TLS_TIMEOUT_MILLIS = HttpsListener.TLS_HANDSHAKE_TIMEOUT_MILLIS + 5_000;
    /** Redirects one login follows (openconnect's own limit is of the same order). */
    private static final int MAX_REDIRECTS = 3;
    /** Failures after which a session that had its tunnel comes back with its cookie ({@code --reconnect-on-loss}). */
    private static final java.util.Set<String> LOSSES = java.util.Set.of("tunnel_closed_by_server", "io_error",
        "dpd_dead", "tcp_connect", "tls_handshake", "tls_timeout", "tls_closed_by_server",
        "closed_during_tls", "closed_during_connect",
        "connect_unavailable");
    private static final long RECONNECT_DELAY_MILLIS = 1_000;

    private final int index;
    private final String user;
    private final Run run;
    private final LoadOptions o;
    private final Metrics m;
    /** The server this session talks to now: its --server, where a redirect sent it, or where it reconnected. */
    private URI server;
    private OpenconnectRequests requests;
    private int redirects;
    private final int pingId;
    /** The local address this session's TCP and UDP leave from (--source), or null for the kernel's choice. */
    private final java.net.InetAddress source;
    /** Every connection of this session, TCP and UDP, lives on this one loop: the fields need no locks. */
    private final io.netty.channel.EventLoop loop;

    private State state = State.TLS;
    private Channel tcp;
    private SslHandler ssl;
    private ByteBuf buffer;
    private HttpResponseReader reader;
    private AuthConversation auth;
    /** An auth request to send once a new connection is up: the last answer said {@code Connection: close}. */
    private AuthConversation.Post pendingPost;
    private String webvpn;
    private TunnelParams params;
    private String address;
    private int addressInt;
    private DtlsLink dtls;
    private boolean countedUp;
    private boolean countedDtls;
    private boolean settled;
    private boolean reconnecting;
    /** The tunnel was lost (not dropped on purpose by a storm) and is being reconnected. */
    private boolean lostTunnel;
    private boolean pingsStopped;

    private long intendedNanos;
    private long startNanos;
    /** When the current TCP connection was started: a login may need more than one, a reconnect always does. */
    private long connectionStartNanos;
    private long tlsNanos;
    private long connectSentNanos;
    private long connectNanos;
    private long dropNanos;

    private long lastRx;
    private long lastTx;
    private long lastDtlsRx;
    private long lastDpdSent;
    private long nextPingDue;
    /** See {@link #dtlsView}: a wrapper per ping was the generator's garbage. */
    private ByteBuf dtlsView;
    private int pingSeq;
    private ScheduledFuture<?> ticker;

    ClientSession(final int index, final Run run)
    {
        this.index = index;
        this.run = run;
        this.o = run.options();
        this.m = run.metrics();
        this.user = o.user(index);
        moveTo(o.servers().get(index % o.servers().size()));
        this.pingId = index & 0xFFFF;
        this.loop = run.group().next();
        this.source = o.sourceAddresses().isEmpty() ? null
            : o.sourceAddresses().get(index % o.sourceAddresses().size());
    }

    int index()
    {
        return index;
    }

    boolean isUp()
    {
        return countedUp;
    }

    /** Starts a fresh login; {@code intended} is when the arrival plan wanted it to start. */
    void start(final long intended)
    {
        m.attempted.increment();
        executeOnLoop(() ->
        {
            intendedNanos = intended;
            startNanos = System.nanoTime();
            open();
        });
    }

    private void open()
    {
        state = State.TLS;
        connectionStartNanos = System.nanoTime();
        new Bootstrap().group(loop).channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
            .handler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    if (state == State.CLOSED)
                    {
                        ch.close(); // ended (BYE at the end of the run) while this connection was being opened
                        return;
                    }
                    tcp = ch;
                    ssl = run.sslContext().newHandler(ch.alloc(), server.getHost(), LoadOptions.port(server));
                    ssl.setHandshakeTimeoutMillis(TLS_TIMEOUT_MILLIS);
                    ch.pipeline().addLast(ssl, new Connection(ch));
                }
            })
            .localAddress(new InetSocketAddress(source, 0))
            .connect(server.getHost(), LoadOptions.port(server))
            .addListener((ChannelFutureListener)f ->
            {
                if (!f.isSuccess())
                {
                    fail("tcp_connect", String.valueOf(f.cause()));
                }
            });
    }

    /** The handler of one TCP connection; events from a connection the session has left are ignored. */
    private final class Connection extends ChannelInboundHandlerAdapter
    {
        private final Channel channel;

        Connection(final Channel channel)
        {
            this.channel = channel;
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
        {
            if (evt instanceof SslHandshakeCompletionEvent e && channel == tcp)
            {
                if (e.isSuccess())
                {
                    tlsUp();
                }
                else
                {
                    fail(tlsFailure(e.cause()), String.valueOf(e.cause()));
                }
            }
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final ByteBuf in = (ByteBuf)msg;
            try
            {
                if (channel == tcp && state != State.CLOSED)
                {
                    buffer.writeBytes(in);
                    process();
                }
            }
            finally
            {
                in.release();
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            if (channel == tcp && state != State.CLOSED)
            {
                fail(state == State.TUNNEL ? "tunnel_closed_by_server" : "closed_during_" + state.name()
                    .toLowerCase(Locale.ROOT), "user " + user);
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            if (channel == tcp && state != State.CLOSED && state != State.TLS)
            {
                fail("io_error");
            }
            ctx.close();
        }
    }

    /**
     * The failure reason of a TLS handshake that did not finish: {@code tls_timeout} (this client's
     * {@link #TLS_TIMEOUT_MILLIS}), {@code tls_closed_by_server} (the server closed the connection first: its own
     * handshake bound, or its connection budget), {@code server_cert_pin}, else {@code tls_handshake}.
     */
    static String tlsFailure(final Throwable cause)
    {
        if (cause instanceof SslHandshakeTimeoutException)
        {
            return "tls_timeout";
        }
        if (cause instanceof ClosedChannelException
            || String.valueOf(cause.getMessage()).contains("closed while SSL/TLS handshake"))
        {
            return "tls_closed_by_server";
        }
        return String.valueOf(cause).contains("pin") ? "server_cert_pin" : "tls_handshake";
    }

    private void tlsUp()
    {
        tlsNanos = System.nanoTime();
        m.record(Metrics.Series.TLS, tlsNanos - connectionStartNanos);
        if (buffer == null)
        {
            buffer = tcp.alloc().heapBuffer(4096);
        }
        buffer.clear();
        if (pendingPost != null)
        {
            final AuthConversation.Post p = pendingPost;
            pendingPost = null;
            post(p);
        }
        else if (webvpn != null)
        {
            sendConnect();
        }
        else
        {
            auth = new AuthConversation(user, o.password(), o.challengeAnswer(), o.group(),
                LoadOptions.groupAccess(server), LoadOptions.path(server));
            post(auth.start());
        }
    }

    private void process()
    {
        try
        {
            while (state != State.CLOSED)
            {
                if (state == State.AUTH || state == State.CONNECT)
                {
                    final HttpResponse r = reader.read(buffer);
                    if (r == null)
                    {
                        break;
                    }
                    if (state == State.AUTH)
                    {
                        onAuthAnswer(r);
                    }
                    else
                    {
                        onConnectAnswer(r);
                    }
                }
                else if (state != State.TUNNEL || !readFrame())
                {
                    break;
                }
            }
            if (buffer != null)
            {
                buffer.discardReadBytes();
            }
        }
        catch (final Violation v)
        {
            fail(v.reason(), v.getMessage());
        }
    }

    // ---- aggregate auth --------------------------------------------------------------------------------------

    private void post(final AuthConversation.Post p)
    {
        state = State.AUTH;
        reader = new HttpResponseReader(false);
        tcp.writeAndFlush(Unpooled.wrappedBuffer(requests.authPost(p.path(), p.cookies(), p.body())),
            tcp.voidPromise());
    }

    private void onAuthAnswer(final HttpResponse r) throws Violation
    {
        if (followRedirect(r))
        {
            return;
        }
        final Object next = auth.onAnswer(r);
        if (next instanceof AuthConversation.Post p)
        {
            if (r.keepAlive())
            {
                post(p);
            }
            else
            {
                // openconnect opens a new connection when the server closes this one after its answer
                pendingPost = p;
                reopen();
            }
            return;
        }
        final AuthConversation.Complete done = (AuthConversation.Complete)next;
        if (done.serverCertHash() != null && !done.serverCertHash().equalsIgnoreCase(peerCertSha1()))
        {
            throw new Violation("server_cert_hash_mismatch", done.serverCertHash());
        }
        webvpn = done.token();
        m.record(Metrics.Series.AUTH, System.nanoTime() - tlsNanos);
        if (r.keepAlive())
        {
            sendConnect();
        }
        else
        {
            reopen();
        }
    }

    /**
     * A login answered with a redirect to another host (a cluster's director sends a first login to a member):
     * openconnect starts its login again there, on a new connection. False when {@code r} is no redirect.
     */
    private boolean followRedirect(final HttpResponse r) throws Violation
    {
        final String location = r.header("Location");
        if (r.status() < 300 || r.status() >= 400 || location == null)
        {
            return false;
        }
        if (++redirects > MAX_REDIRECTS)
        {
            throw new Violation("auth_redirect_loop", redirects + " redirects, the last to " + location);
        }
        final URI to;
        try
        {
            to = LoadOptions.serverUri(server.resolve(location).toString());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new Violation("auth_redirect", r.statusLine() + " to " + location);
        }
        m.event("login_redirected");
        moveTo(to);
        pendingPost = null;
        auth = null;
        reopen();
        return true;
    }

    private void moveTo(final URI to)
    {
        server = to;
        requests = new OpenconnectRequests(LoadOptions.hostHeader(to), o.userAgent());
    }

    private String peerCertSha1()
    {
        try
        {
            final byte[] der = ssl.engine().getSession().getPeerCertificates()[0].getEncoded();
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(der));
        }
        catch (final Exception ex)
        {
            return "";
        }
    }

    // ---- CONNECT ---------------------------------------------------------------------------------------------

    private void sendConnect()
    {
        state = State.CONNECT;
        reader = new HttpResponseReader(true);
        connectSentNanos = System.nanoTime();
        tcp.writeAndFlush(Unpooled.wrappedBuffer(requests.connect(webvpn, "loadgen-" + index, o.baseMtu(),
            run.masterSecretHex(), reconnecting ? address : null, o.dtls())), tcp.voidPromise());
    }

    private void onConnectAnswer(final HttpResponse r) throws Violation
    {
        final TunnelParams p = TunnelParams.of(r);
        if (reconnecting && address != null && !address.equals(p.address()))
        {
            throw new Violation("reconnect_address_changed", address + " became " + p.address());
        }
        params = p;
        address = p.address();
        addressInt = address == null ? 0 : IcmpEcho.parseIpv4(address);
        connectNanos = System.nanoTime();
        m.record(Metrics.Series.CONNECT, connectNanos - connectSentNanos);
        state = State.TUNNEL;
        lastRx = connectNanos;
        lastTx = connectNanos;
        if (!o.dtls())
        {
            tunnelUp();
            return;
        }
        if (!p.pskDtls())
        {
            m.event(p.dtlsOffNote() != null ? "dtls_not_offered" : "dtls_mode_not_psk");
            tunnelUp();
            return;
        }
        final byte[] psk;
        try
        {
            psk = exportPsk(ssl.engine().getSession());
        }
        catch (final Exception ex)
        {
            m.fail("dtls_no_exporter", ssl.engine().getSession().getProtocol() + ": " + ex);
            tunnelUp();
            return;
        }
        dtls = new DtlsLink(loop, this, run.aead());
        dtls.start(((InetSocketAddress)tcp.localAddress()).getAddress(),
            new InetSocketAddress(((InetSocketAddress)tcp.remoteAddress()).getAddress(), p.dtlsPort()), psk, p.appId());
    }

    private static byte[] exportPsk(final SSLSession session) throws Exception
    {
        if (!(session instanceof ExtendedSSLSession extended))
        {
            throw new IllegalStateException("not an ExtendedSSLSession: " + session.getClass().getName());
        }
        // no context at all, as openconnect and ocserv compute it (an empty context gives another key)
        return extended.exportKeyingMaterialData(ExporterLabels.OPENCONNECT_PSK_LABEL, null,
            ExporterLabels.OPENCONNECT_PSK_LENGTH);
    }

    @Override
    public void dtlsUp(final DtlsLink link)
    {
        if (link != dtls || state != State.TUNNEL)
        {
            return;
        }
        lastDtlsRx = System.nanoTime();
        m.record(Metrics.Series.DTLS, lastDtlsRx - connectNanos);
        if (countedUp)
        {
            // a re-handshake after a fallback
            countedDtls = true;
            m.onDtls.incrementAndGet();
            return;
        }
        tunnelUp();
    }

    @Override
    public void dtlsFailed(final String reason, final String detail)
    {
        if (state != State.TUNNEL)
        {
            return;
        }
        m.fail(reason, "user " + user + " " + detail);
        if (dtls != null)
        {
            dtls.close();
            dtls = null;
        }
        if (!countedUp)
        {
            tunnelUp(); // openconnect stays on CSTP
        }
    }

    private void tunnelUp()
    {
        final long now = System.nanoTime();
        record("up", server.getHost());
        countedDtls = dtls != null && dtls.isUp();
        countedUp = true;
        m.sessionUp(countedDtls, !reconnecting);
        startTicker();
        if (lostTunnel)
        {
            lostTunnel = false;
            m.tunnelBack();
        }
        if (reconnecting)
        {
            m.record(Metrics.Series.RECONNECT, now - dropNanos);
            reconnecting = false;
        }
        else
        {
            m.record(Metrics.Series.SETUP_CORRECTED, now - intendedNanos);
            m.record(Metrics.Series.SETUP_SERVICE, now - startNanos);
        }
        settle();
    }

    private void settle()
    {
        if (!settled)
        {
            settled = true;
            run.settled(this);
        }
    }

    // ---- tunnel ----------------------------------------------------------------------------------------------

    private boolean readFrame() throws Violation
    {
        final int at = buffer.readerIndex();
        if (buffer.readableBytes() < CstpHeader.HEADER_LENGTH)
        {
            return false;
        }
        final int length = CstpHeader.check(buffer, at);
        if (length < 0)
        {
            throw new Violation("cstp_bad_header", "check " + length);
        }
        if (buffer.readableBytes() < CstpHeader.HEADER_LENGTH + length)
        {
            return false;
        }
        lastRx = System.nanoTime();
        final int payload = at + CstpHeader.HEADER_LENGTH;
        switch (CstpHeader.type(buffer, at))
        {
            case CstpHeader.TYPE_DATA -> onPacket(buffer, payload, length);
            case CstpHeader.TYPE_DPD_REQ -> sendCstp(CstpHeader.TYPE_DPD_RESP, buffer.retainedSlice(payload, length));
            case CstpHeader.TYPE_DPD_RESP, CstpHeader.TYPE_KEEPALIVE ->
            {
            }
            case CstpHeader.TYPE_DISCONNECT, CstpHeader.TYPE_TERMINATE ->
            {
                buffer.skipBytes(CstpHeader.HEADER_LENGTH + length);
                m.event("server_terminated");
                close(false);
                return false;
            }
            case CstpHeader.TYPE_COMPRESSED -> throw new Violation("unrequested_compression", "CSTP type 8");
            default -> m.event("cstp_unknown_type");
        }
        buffer.skipBytes(CstpHeader.HEADER_LENGTH + length);
        return true;
    }

    @Override
    public void dtlsPayload(final int type, final UnsafeBuffer payload, final int offset, final int length)
    {
        lastDtlsRx = System.nanoTime();
        switch (type)
        {
            case CstpHeader.TYPE_DATA -> onPacket(dtlsView(payload), offset, length);
            case CstpHeader.TYPE_DPD_REQ ->
            {
                // the answer echoes the request's length (ocserv pads its DPD to probe the MTU)
                if (dtls != null)
                {
                    dtls.send(CstpHeader.TYPE_DPD_RESP, Unpooled.wrappedBuffer(payload.byteArray(), offset, length));
                }
            }
            case CstpHeader.TYPE_DISCONNECT ->
            {
                m.event("server_terminated");
                close(false);
            }
            default ->
            {
            }
        }
    }

    /** A ByteBuf over the link's plaintext array, made again only when the link (and its array) changes. */
    private ByteBuf dtlsView(final UnsafeBuffer payload)
    {
        if (dtlsView == null || dtlsView.array() != payload.byteArray())
        {
            dtlsView = Unpooled.wrappedBuffer(payload.byteArray());
        }
        return dtlsView;
    }

    private void onPacket(final ByteBuf in, final int at, final int length)
    {
        final long intended = IcmpEcho.replyIntendedNanos(in, at, length, pingId);
        if (intended < 0)
        {
            return;
        }
        final long now = System.nanoTime();
        final long rtt = now - intended;
        if (rtt <= TimeUnit.MILLISECONDS.toNanos(o.lossTimeoutMillis()))
        {
            m.pingsReceived.increment();
            m.record(Metrics.Series.RTT, rtt);
            m.record(Metrics.Series.RTT_SENT, now - IcmpEcho.replySentNanos(in, at));
        }
        else
        {
            m.event("late_reply");
        }
    }

    private void sendCstp(final int type, final ByteBuf payload)
    {
        final ByteBuf out = tcp.alloc().buffer(CstpHeader.HEADER_LENGTH + payload.readableBytes());
        CstpHeader.write(out, type, payload.readableBytes());
        out.writeBytes(payload);
        payload.release();
        // one frame per write and flush: SslHandler then seals it as its own TLS record, as openconnect sends
        tcp.writeAndFlush(out, tcp.voidPromise());
        lastTx = System.nanoTime();
    }

    private void startTicker()
    {
        final long period = o.pingIntervalMillis() > 0 ? Math.min(o.pingIntervalMillis(), 1000) : 1000;
        final long phase = o.pingIntervalMillis() > 0
            ? (long)index * TimeUnit.MILLISECONDS.toNanos(o.pingIntervalMillis()) / Math.max(1, o.sessions())
                % TimeUnit.MILLISECONDS.toNanos(o.pingIntervalMillis())
            : 0;
        nextPingDue = System.nanoTime() + phase;
        if (ticker != null)
        {
            ticker.cancel(false);
        }
        ticker = loop.scheduleAtFixedRate(this::tick, phase, TimeUnit.MILLISECONDS.toNanos(period),
            TimeUnit.NANOSECONDS);
    }

    /** Pings that are due, then openconnect's timers: DPD when nothing came in, keepalive when nothing went out. */
    private void tick()
    {
        if (state != State.TUNNEL)
        {
            return;
        }
        final long now = System.nanoTime();
        if (o.pingIntervalMillis() > 0 && !pingsStopped && addressInt != 0 && countedUp)
        {
            final long interval = TimeUnit.MILLISECONDS.toNanos(o.pingIntervalMillis());
            while (nextPingDue <= now)
            {
                sendPing(nextPingDue);
                m.record(Metrics.Series.PING_LAG, now - nextPingDue);
                nextPingDue += interval;
            }
        }
        final long dpd = TimeUnit.SECONDS.toNanos(params.cstpDpd());
        if (dpd > 0 && now - lastRx > 2 * dpd)
        {
            fail("dpd_dead");
            return;
        }
        if (dpd > 0 && now - lastRx > dpd && now - lastDpdSent > dpd / 2)
        {
            lastDpdSent = now;
            sendCstp(CstpHeader.TYPE_DPD_REQ, Unpooled.EMPTY_BUFFER);
        }
        final long keepalive = TimeUnit.SECONDS.toNanos(params.cstpKeepalive());
        if (keepalive > 0 && now - lastTx > keepalive)
        {
            sendCstp(CstpHeader.TYPE_KEEPALIVE, Unpooled.EMPTY_BUFFER);
        }
        dtlsTimers(now);
    }

    private void dtlsTimers(final long now)
    {
        if (dtls == null || !dtls.isUp())
        {
            return;
        }
        final long dpd = TimeUnit.SECONDS.toNanos(params.dtlsDpd());
        if (dpd > 0 && now - lastDtlsRx > 2 * dpd)
        {
            // openconnect: DTLS is dead, traffic moves to CSTP
            m.event("dtls_fallback");
            dtls.close();
            dtls = null;
            if (countedDtls)
            {
                countedDtls = false;
                m.onDtls.decrementAndGet();
            }
        }
        else if (dpd > 0 && now - lastDtlsRx > dpd)
        {
            dtls.send(DTLS_DPD_REQ, Unpooled.EMPTY_BUFFER);
        }
    }

    private void sendPing(final long intended)
    {
        final ByteBuf packet = tcp.alloc().buffer(IcmpEcho.LENGTH);
        IcmpEcho.writeRequest(packet, addressInt, run.pingTarget(), pingId, pingSeq++, intended, System.nanoTime());
        m.pingsSent.increment();
        if (dtls != null && dtls.isUp())
        {
            dtls.send(CstpHeader.TYPE_DATA, packet);
            packet.release();
        }
        else
        {
            sendCstp(CstpHeader.TYPE_DATA, packet);
        }
    }

    // ---- ending ----------------------------------------------------------------------------------------------

    /** Stops sending pings (before the final BYE, so the last replies can still come back). Any thread. */
    void stopPings()
    {
        executeOnLoop(() -> pingsStopped = true);
    }

    /** Sends openconnect's BYE (DISCONNECT 0xb0 + reason) and closes. Any thread. */
    void disconnect()
    {
        executeOnLoop(() ->
        {
            if (lostTunnel && state != State.CLOSED)
            {
                m.fail("lost_tunnel_not_back", "user " + user + " at the end of the run");
            }
            if (state == State.TUNNEL)
            {
                final byte[] reason = "Generator run ended".getBytes(StandardCharsets.US_ASCII);
                final ByteBuf payload = Unpooled.buffer(1 + reason.length).writeByte(CstpHeader.REASON_USER)
                    .writeBytes(reason);
                sendCstp(CstpHeader.TYPE_DISCONNECT, payload);
                if (run.history() != null)
                {
                    record("logoff", null);
                    awaitByeAck();
                }
            }
            close(false);
        });
    }

    /**
     * Drops TCP and UDP without a BYE, then reconnects with the cookie at once (a reconnect storm when all do it), to
     * the next --server when {@code elsewhere} (a client moving to another member); {@code intended} is when the drop
     * was scheduled. Any thread.
     */
    void dropAndReconnect(final long intended, final boolean elsewhere)
    {
        executeOnLoop(() ->
        {
            if (state != State.TUNNEL)
            {
                return;
            }
            dropNanos = intended;
            reconnecting = true;
            record("down", elsewhere ? "move" : "storm");
            tearDown();
            if (elsewhere)
            {
                moveTo(nextServer());
            }
            open();
        });
    }

    /**
     * After the BYE: the connection is left for the server to close, which it does once it ended the session (then
     * {@code logoff-ack}); closed here after {@link #BYE_ACK_MILLIS} if it does not.
     */
    private void awaitByeAck()
    {
        final Channel connection = tcp;
        tcp = null;
        final String cookie = webvpn;
        final boolean[] timedOut = {false};
        run.history().byeSent();
        connection.closeFuture().addListener(f ->
        {
            if (!timedOut[0])
            {
                run.history().record("logoff-ack", cookie, user, address, null);
            }
            run.history().byeAnswered();
        });
        loop.schedule(() ->
        {
            timedOut[0] = true;
            connection.close();
        }, BYE_ACK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void executeOnLoop(final Runnable task)
    {
        if (loop.inEventLoop())
        {
            task.run();
        }
        else
        {
            loop.execute(task);
        }
    }

    private void reopen()
    {
        final Channel old = tcp;
        tcp = null;
        old.close();
        open();
    }

    private void fail(final String reason)
    {
        fail(reason, null);
    }

    private void fail(final String reason, final String detail)
    {
        if (state == State.CLOSED)
        {
            return;
        }
        if (o.reconnectOnLoss() && params != null && LOSSES.contains(reason))
        {
            lost(reason);
            return;
        }
        record(reason.equals("cookie_rejected") ? "refused" : "violation", reason);
        m.fail(reason, detail);
        close(true);
    }

    /**
     * The tunnel (or an attempt to bring it back) was lost without a DISCONNECT: as openconnect, the session comes
     * back with its cookie a second later, and again until it succeeds, is refused or the run ends; each try on the
     * next --server (a client whose member's address moved to another member).
     */
    private void lost(final String reason)
    {
        if (!reconnecting)
        {
            record("down", reason);
            dropNanos = System.nanoTime();
            reconnecting = true;
            lostTunnel = true;
            m.tunnelLost();
            m.event("lost_" + reason);
        }
        else
        {
            m.event("reconnect_try_failed_" + reason);
        }
        tearDown();
        state = State.TLS; // between connections: no tunnel, nothing to send
        loop.schedule(() ->
        {
            if (state != State.CLOSED && tcp == null)
            {
                moveTo(nextServer());
                open();
            }
        }, RECONNECT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Where a reconnect tries next: the next --server after this one; with one, the same (as openconnect). */
    private URI nextServer()
    {
        final java.util.List<URI> all = o.servers();
        return all.size() == 1 ? server : all.get((all.indexOf(server) + 1) % all.size());
    }

    private void record(final String event, final String why)
    {
        final History history = run.history();
        if (history != null && webvpn != null)
        {
            history.record(event, webvpn, user, address, why);
        }
    }

    private void markDown()
    {
        if (countedUp)
        {
            countedUp = false;
            m.sessionDown(countedDtls);
            countedDtls = false;
        }
    }

    /**
     * Ends what the current connection runs: its count as an up tunnel, the ticker, DTLS and the TCP connection, which
     * is let go first so that its closing is not taken for a loss ({@link Connection} ignores a connection left).
     */
    private void tearDown()
    {
        markDown();
        if (ticker != null)
        {
            ticker.cancel(false);
        }
        if (dtls != null)
        {
            dtls.close();
            dtls = null;
        }
        if (tcp != null)
        {
            final Channel old = tcp;
            tcp = null;
            old.close();
        }
    }

    private void close(final boolean failed)
    {
        if (state == State.CLOSED)
        {
            return;
        }
        state = State.CLOSED;
        tearDown();
        if (buffer != null)
        {
            buffer.release();
            buffer = null;
        }
        settle();
        run.ended(this, failed);
    }
}
