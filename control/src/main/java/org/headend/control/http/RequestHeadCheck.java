package org.headend.control.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * Refuses a request with {@code Transfer-Encoding} as soon as its head is decoded, before the aggregator waits for
 * a body: a chunked body without its final chunk (bad-inputs #7) held the connection, unanswered, until a timeout.
 * No client of ours sends chunked requests; refusing them on every endpoint also closes the CL/TE smuggling class.
 * What follows the refused head is discarded.
 */
final class RequestHeadCheck extends ChannelInboundHandlerAdapter
{
    static final String NAME = "head-check";

    private boolean refused;

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (refused)
        {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()
            && request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING))
        {
            refused = true;
            ReferenceCountUtil.release(msg);
            RequestDeadline.met(ctx.pipeline());
            final ChannelHandlerContext front = ctx.pipeline().context(FrontDoorHandler.class);
            FrontDoorHandler.answerAndClose(front == null ? ctx : front, HttpResponseStatus.BAD_REQUEST,
                "Transfer-Encoding is not accepted");
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
