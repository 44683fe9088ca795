package org.headend.control.ops;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code GET /metrics} on the management server. The page is assembled on {@code scrapes} (the
 * management server's own thread), never on the event loop; anything else gets a 404 or 405.
 */
final class MetricsHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    private static final Logger LOG = LoggerFactory.getLogger(MetricsHandler.class);

    private final Executor scrapes;
    private final Supplier<String> page;

    MetricsHandler(final Executor scrapes, final Supplier<String> page)
    {
        this.scrapes = scrapes;
        this.page = page;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        if (request.decoderResult().isFailure())
        {
            reply(ctx, status(HttpResponseStatus.BAD_REQUEST), false);
            return;
        }
        final boolean keepAlive = HttpUtil.isKeepAlive(request);
        final String uri = request.uri();
        final String path = uri.indexOf('?') < 0 ? uri : uri.substring(0, uri.indexOf('?'));
        if (!"/metrics".equals(path))
        {
            reply(ctx, status(HttpResponseStatus.NOT_FOUND), keepAlive);
            return;
        }
        if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method()))
        {
            final FullHttpResponse refused = status(HttpResponseStatus.METHOD_NOT_ALLOWED);
            refused.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            reply(ctx, refused, keepAlive);
            return;
        }
        final boolean head = HttpMethod.HEAD.equals(request.method());
        try
        {
            scrapes.execute(() -> reply(ctx, metrics(head), keepAlive));
        }
        catch (final RejectedExecutionException ex)
        {
            reply(ctx, status(HttpResponseStatus.SERVICE_UNAVAILABLE), false);
        }
    }

    private FullHttpResponse metrics(final boolean head)
    {
        try
        {
            final byte[] body = page.get().getBytes(StandardCharsets.UTF_8);
            final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, MetricsText.CONTENT_TYPE)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            return response;
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("metrics scrape failed: {}", ex.toString());
            return status(HttpResponseStatus.SERVICE_UNAVAILABLE);
        }
    }

    private static FullHttpResponse status(final HttpResponseStatus status)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
            Unpooled.copiedBuffer(status.reasonPhrase() + "\n", StandardCharsets.US_ASCII));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=us-ascii")
            .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    private static void reply(final ChannelHandlerContext ctx, final FullHttpResponse response, final boolean keepAlive)
    {
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive)
        {
            ctx.writeAndFlush(response, ctx.voidPromise());
        }
        else
        {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
    {
        if (event instanceof IdleStateEvent)
        {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.debug("management connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
