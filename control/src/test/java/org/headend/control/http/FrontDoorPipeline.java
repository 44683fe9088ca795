package org.headend.control.http;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.BiConsumer;

/**
 * The HTTP handlers of {@link HttpsListener}'s pipeline, with the same settings, on an embedded channel that has
 * real socket addresses (the handler logs and reports them); TLS is left out. Keep in step with the listener.
 */
final class FrontDoorPipeline extends EmbeddedChannel
{
    FrontDoorPipeline(final BiConsumer<HttpRequestView, Exchange> router)
    {
        pipeline()
            .addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(HttpsListener.MAX_INITIAL_LINE)
                .setMaxHeaderSize(HttpsListener.MAX_HEADER_SIZE)
                .setMaxChunkSize(8192)))
            .addLast(RequestHeadCheck.NAME, new RequestHeadCheck())
            .addLast("aggregator", new ClosingAggregator())
            .addLast("front-door", new FrontDoorHandler(Runnable::run, router));
    }

    @Override
    protected SocketAddress remoteAddress0()
    {
        return new InetSocketAddress("192.0.2.7", 40000);
    }

    @Override
    protected SocketAddress localAddress0()
    {
        return new InetSocketAddress("198.51.100.1", 443);
    }
}
