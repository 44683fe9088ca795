package org.headend.control.tunnel;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The headend's own TLS 1.3 key updates on a tunnel's connection ({@code anyconnect ssl rekey method ssl}). TLS 1.3
 * has no renegotiation; on a TLS 1.3 connection JSSE's {@code beginHandshake()}, which {@link SslHandler#renegotiate()}
 * calls, sends a KeyUpdate that also asks the peer to update its keys (RFC 8446 §4.6.3). The update is a handshake
 * record of its own, so the one-CSTP-frame-per-record rule still holds. Runs on the connection's event loop.
 */
final class TlsKeyUpdates
{
    private static final Logger LOG = LoggerFactory.getLogger(TlsKeyUpdates.class);

    private TlsKeyUpdates()
    {
    }

    /**
     * Renews the keys of {@code channel}, whose tunnel runs on {@code loop}, every {@code periodSeconds} until it
     * closes; {@code counted} runs (on the loop) after each update sent.
     */
    static void start(final io.netty.channel.EventLoop loop, final Channel channel, final SslHandler tls,
        final long periodSeconds, final int tunnelId, final Runnable counted)
    {
        final ScheduledFuture<?> task = loop.scheduleAtFixedRate(() -> tls.renegotiate()
            .addListener(done ->
            {
                if (done.isSuccess())
                {
                    LOG.info("tunnel {}: TLS key update sent", tunnelId);
                    counted.run();
                }
                else
                {
                    LOG.info("tunnel {}: TLS key update failed: {}", tunnelId, done.cause().toString());
                }
            }), periodSeconds, periodSeconds, TimeUnit.SECONDS);
        channel.closeFuture().addListener(closed -> task.cancel(false));
    }
}
