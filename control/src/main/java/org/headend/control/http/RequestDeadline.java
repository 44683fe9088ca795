package org.headend.control.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request must be complete (head and body) within {@link #SECONDS} of its first byte, however it trickles in: an
 * idle timeout alone is reset by every byte, so a client dribbling one byte every few seconds (slowloris,
 * bad-inputs #9) held its connection for as long as it liked. Past the deadline the client gets a 408 and the
 * connection is closed. Between requests (and before the first) only the idle timeout applies, so a user who takes
 * a minute to type a password keeps a keep-alive connection that is quiet meanwhile. Sits between TLS and the HTTP
 * decoder; the front door reports each complete request with {@link #met}.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter
{
    static final String NAME = "deadline";
    /** Far more than any client needs for 16 KiB of headers and a 256 KiB body; far less than a slowloris wants. */
    static final int SECONDS = 15;
    private static final Logger LOG = LoggerFactory.getLogger(RequestDeadline.class);

    private final long millis;
    private ScheduledFuture<?> timer;

    RequestDeadline(final long millis)
    {
        this.millis = millis;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (timer == null && msg instanceof ByteBuf bytes && bytes.isReadable())
        {
            timer = ctx.executor().schedule(() -> expire(ctx), millis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    private void expire(final ChannelHandlerContext ctx)
    {
        timer = null;
        if (!ctx.channel().isActive())
        {
            return;
        }
        LOG.debug("{}: request not complete within {} ms of its first byte; closing", ctx.channel().remoteAddress(),
            millis);
        final ChannelHandlerContext front = ctx.pipeline().context(FrontDoorHandler.class);
        if (front == null)
        {
            ctx.close();
            return;
        }
        FrontDoorHandler.answerAndClose(front, HttpResponseStatus.REQUEST_TIMEOUT, "request not complete in time");
    }

    /** The request under way is complete: its deadline no longer applies; the next request's starts with its bytes. */
    static void met(final ChannelPipeline pipeline)
    {
        final RequestDeadline deadline = pipeline.get(RequestDeadline.class);
        if (deadline != null)
        {
            deadline.cancel();
        }
    }

    private void cancel()
    {
        if (timer != null)
        {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        cancel();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        cancel();
        ctx.fireChannelInactive();
    }
}
