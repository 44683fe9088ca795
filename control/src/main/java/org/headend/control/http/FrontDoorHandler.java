package org.headend.control.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLSession;
import org.headend.control.auth.AuthXml;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-loop end of the HTTPS front door: turns each decoded request into a {@link HttpRequestView}, hands it to
 * the control thread, and writes the answer back. One request at a time per connection: reading stops while a
 * request is being answered, and a second request that was already pipelined behind it is never dispatched: the
 * first is answered and the connection closed (no request smuggling, bad-inputs #8). More than {@link #MAX_HEADERS}
 * header lines get a 431, and a request line with control characters a 400 (bad-inputs #4, #5).
 */
public final class FrontDoorHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    private static final Logger LOG = LoggerFactory.getLogger(FrontDoorHandler.class);
    private static final int MAX_USER_AGENT = 128;
    /** No client of ours sends more than a dozen or two; the byte limit alone would let through hundreds. */
    static final int MAX_HEADERS = 64;

    private final Executor control;
    private final BiConsumer<HttpRequestView, Exchange> router;
    private boolean inFlight;
    /** Another request came in behind the one in flight: it is dropped and the connection ends after the answer. */
    private boolean closeAfterAnswer;

    /**
     * @param control the control thread
     * @param router  what the control thread runs for each request
     */
    public FrontDoorHandler(final Executor control, final BiConsumer<HttpRequestView, Exchange> router)
    {
        this.control = control;
        this.router = router;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        RequestDeadline.met(ctx.pipeline());
        final DecoderResult result = request.decoderResult();
        if (result.isFailure())
        {
            refuse(ctx, result.cause());
            return;
        }
        if (inFlight)
        {
            LOG.debug("{}: pipelined request while one is in flight; dropped, closing after the answer",
                ctx.channel().remoteAddress());
            closeAfterAnswer = true;
            return;
        }
        if (request.headers().size() > MAX_HEADERS)
        {
            LOG.info("{}: bad HTTP request refused with 431: {} header lines", ctx.channel().remoteAddress(),
                request.headers().size());
            answerAndClose(ctx, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many header lines");
            return;
        }
        if (hasControlCharacter(request.uri()))
        {
            LOG.info("{}: bad HTTP request refused with 400: control character in the request line",
                ctx.channel().remoteAddress());
            answerAndClose(ctx, HttpResponseStatus.BAD_REQUEST, "Bad Request");
            return;
        }
        if (request.content().readableBytes() > AuthXml.MAX_BODY_BYTES)
        {
            answerAndClose(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body too large");
            return;
        }
        inFlight = true;
        ctx.channel().config().setAutoRead(false);
        final HttpRequestView view = view(request);
        final ClientInfo client = clientInfo(ctx, view.header("user-agent"));
        final Exchange exchange = new ChannelExchange(ctx, client);
        control.execute(() -> router.accept(view, exchange));
    }

    private static boolean hasControlCharacter(final String uri)
    {
        for (int i = 0; i < uri.length(); i++)
        {
            final char c = uri.charAt(i);
            if (c < 0x21 || c == 0x7F)
            {
                return true;
            }
        }
        return false;
    }

    private static HttpRequestView view(final FullHttpRequest request)
    {
        final Map<String, List<String>> headers = new HashMap<>();
        for (final Map.Entry<String, String> header : request.headers())
        {
            headers.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1))
                .add(header.getValue());
        }
        final String path = new QueryStringDecoder(request.uri()).path();
        final int question = request.uri().indexOf('?');
        return new HttpRequestView(request.method().name().toUpperCase(Locale.ROOT), path, headers,
            HttpRequestView.parseCookies(headers.getOrDefault("cookie", List.of())),
            ByteBufUtil.getBytes(request.content()), question < 0 ? "" : request.uri().substring(question + 1));
    }

    private static ClientInfo clientInfo(final ChannelHandlerContext ctx, final String userAgent)
    {
        final InetSocketAddress remote = (InetSocketAddress)ctx.channel().remoteAddress();
        final InetSocketAddress local = (InetSocketAddress)ctx.channel().localAddress();
        final SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        final SSLSession session = ssl == null ? null : ssl.engine().getSession();
        String agent = userAgent == null ? "" : userAgent.replaceAll("[^\\x20-\\x7e]", "?");
        if (agent.length() > MAX_USER_AGENT)
        {
            agent = agent.substring(0, MAX_USER_AGENT);
        }
        return new ClientInfo(org.headend.control.config.grammar.ArgTypes.IP.format(remote.getAddress()), remote.getPort(), local.getPort(), agent,
            session == null ? "none" : session.getProtocol(), session == null ? null : session.getCipherSuite(),
            peerCertificates(session));
    }

    /** The chain the client sent (the array the session already holds; nothing is checked here). */
    private static List<java.security.cert.X509Certificate> peerCertificates(final SSLSession session)
    {
        if (session == null)
        {
            return List.of();
        }
        try
        {
            final List<java.security.cert.X509Certificate> chain = new ArrayList<>();
            for (final java.security.cert.Certificate certificate : session.getPeerCertificates())
            {
                if (certificate instanceof java.security.cert.X509Certificate x509)
                {
                    chain.add(x509);
                }
            }
            return List.copyOf(chain);
        }
        catch (final javax.net.ssl.SSLPeerUnverifiedException ex)
        {
            return List.of();
        }
    }

    private void refuse(final ChannelHandlerContext ctx, final Throwable cause)
    {
        final HttpResponseStatus status = refusalStatus(cause);
        LOG.info("{}: bad HTTP request refused with {}: {}", ctx.channel().remoteAddress(), status.code(),
            cause.getMessage());
        answerAndClose(ctx, status, status.reasonPhrase());
    }

    /** The status that answers a request the HTTP decoder could not accept: too long a line or header, or bad. */
    static HttpResponseStatus refusalStatus(final Throwable cause)
    {
        if (cause instanceof TooLongHttpLineException)
        {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException)
        {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        if (cause instanceof TooLongFrameException)
        {
            return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    static void answerAndClose(final ChannelHandlerContext ctx, final HttpResponseStatus status,
        final String text)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
            Unpooled.copiedBuffer(text + "\n", java.nio.charset.StandardCharsets.US_ASCII));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CONNECTION, "close");
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
    {
        if (event instanceof IdleStateEvent)
        {
            if (inFlight)
            {
                // the client is waiting for our answer (a login on a busy control thread can take a minute): the
                // quiet is the server's, and closing now threw away the login it was finishing (issue 13)
                return;
            }
            LOG.debug("{}: idle before finishing a request; closing", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.debug("{}: connection error: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /** The {@link Exchange} of one request on this connection. */
    private final class ChannelExchange implements Exchange
    {
        private final ChannelHandlerContext ctx;
        private final ClientInfo client;

        ChannelExchange(final ChannelHandlerContext ctx, final ClientInfo client)
        {
            this.ctx = ctx;
            this.client = client;
        }

        @Override
        public ClientInfo client()
        {
            return client;
        }

        @Override
        public Channel channel()
        {
            return ctx.channel();
        }

        @Override
        public void reply(final HttpAnswer answer)
        {
            ctx.executor().execute(() ->
            {
                final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    new HttpResponseStatus(answer.status(), answer.reason()), Unpooled.wrappedBuffer(answer.body()));
                for (final Map.Entry<String, String> header : answer.headers())
                {
                    response.headers().add(header.getKey(), header.getValue());
                }
                response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
                if (answer.close() || closeAfterAnswer)
                {
                    response.headers().set(HttpHeaderNames.CONNECTION, "close");
                    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                response.headers().set(HttpHeaderNames.CONNECTION, "Keep-Alive");
                ctx.writeAndFlush(response);
                inFlight = false;
                ctx.channel().config().setAutoRead(true);
            });
        }

        @Override
        public void upgrade(final byte[] head, final ChannelHandler tunnel, final EventLoop loop,
            final Runnable ifGone)
        {
            ctx.executor().execute(() ->
            {
                final Channel channel = ctx.channel();
                if (!channel.isActive() || closeAfterAnswer)
                {
                    // bytes behind the CONNECT were taken for HTTP: the tunnel's stream would start mid-way
                    ctx.close();
                    ifGone.run();
                    return;
                }
                final ChannelPipeline pipeline = ctx.pipeline();
                for (final String name : HttpsListener.HTTP_HANDLERS)
                {
                    if (pipeline.get(name) != null)
                    {
                        pipeline.remove(name);
                    }
                }
                pipeline.remove(FrontDoorHandler.this);
                TunnelHandover.move(channel, loop, moved ->
                {
                    if (!moved || !channel.isActive())
                    {
                        channel.close();
                        ifGone.run();
                        return;
                    }
                    channel.pipeline().addLast("cstp", tunnel);
                    channel.writeAndFlush(Unpooled.wrappedBuffer(head));
                    channel.config().setAutoRead(true);
                });
            });
        }
    }
}
