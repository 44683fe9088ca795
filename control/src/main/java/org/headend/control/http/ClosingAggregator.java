package org.headend.control.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.headend.control.auth.AuthXml;

/**
 * Netty's request aggregator, made to end the connection after each of its refusals as the front door does after
 * its own: an {@code Expect} other than {@code 100-continue} (417) and a body over {@link AuthXml#MAX_BODY_BYTES}
 * (413). Netty keeps a keep-alive connection open after both and reads the refused body on, which leaves a hostile
 * client a connection it can hold and a request boundary to play with.
 */
final class ClosingAggregator extends HttpObjectAggregator
{
    ClosingAggregator()
    {
        super(AuthXml.MAX_BODY_BYTES, true);
    }

    @Override
    protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized)
        throws Exception
    {
        if (oversized instanceof HttpRequest)
        {
            FrontDoorHandler.answerAndClose(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body too large");
            return;
        }
        super.handleOversizedMessage(ctx, oversized);
    }
}
