package org.headend.control.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a connection from the front door's event loop to the data plane loop that will forward its tunnel. The
 * front door (accept, TLS handshake, HTTP parsing, the login exchanges) runs on a loop of its own so that hostile or
 * merely numerous pre-tunnel clients never delay a packet of an established tunnel; a connection that becomes a
 * tunnel is deregistered from that loop and registered on the tunnel loop, with its pipeline (and so its TLS state)
 * kept. Reading must be off ({@code autoRead} false) while the connection moves: no byte is read by either loop in
 * between.
 */
final class TunnelHandover
{
    private static final Logger LOG = LoggerFactory.getLogger(TunnelHandover.class);

    private TunnelHandover()
    {
    }

    /**
     * Moves {@code channel} to {@code target}, then runs {@code onTarget} there with true; with false (on whichever
     * loop saw it) when the move failed, after the channel was closed. Call on the channel's current loop.
     */
    static void move(final Channel channel, final EventLoop target, final Consumer<Boolean> onTarget)
    {
        if (channel.eventLoop() == target)
        {
            onTarget.accept(true);
            return;
        }
        channel.deregister().addListener(deregistered ->
        {
            if (!deregistered.isSuccess())
            {
                fail(channel, "deregistering", deregistered.cause(), onTarget);
                return;
            }
            target.register(channel).addListener(registered ->
            {
                if (!registered.isSuccess())
                {
                    fail(channel, "registering", registered.cause(), onTarget);
                    return;
                }
                onTarget.accept(true);
            });
        });
    }

    private static void fail(final Channel channel, final String step, final Throwable cause,
        final Consumer<Boolean> onTarget)
    {
        LOG.warn("{}: the connection could not move to its tunnel loop ({} failed: {}); closing it",
            channel.remoteAddress(), step, String.valueOf(cause));
        channel.unsafe().closeForcibly();
        onTarget.accept(false);
    }
}
