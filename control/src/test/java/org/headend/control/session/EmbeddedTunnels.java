package org.headend.control.session;

import io.netty.channel.embedded.EmbeddedChannel;
import org.agrona.DirectBuffer;
import org.headend.control.http.ClientInfo;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.tunnel.CstpTunnel;
import org.headend.dataplane.tunnel.CstpTunnelHandler;
import org.headend.dataplane.tunnel.EgressQueue;
import org.headend.dataplane.tunnel.TunnelPath;

/**
 * A CSTP tunnel for session tests, built the way the gateway builds one but on an embedded channel: packets from the
 * client are accepted and dropped, and what the tunnel sends to the client stays readable on the channel.
 */
final class EmbeddedTunnels
{
    private EmbeddedTunnels()
    {
    }

    /** Puts the tunnel's handler on {@code channel} and returns the session's view of it. */
    static Session.Tunnel open(final int tunnelId, final int address, final EmbeddedChannel channel,
        final ClientInfo client)
    {
        final TunnelPath path = new TunnelPath(tunnelId, new EgressQueue(channel.eventLoop(), 64 * 1024),
            new TunnelAccess(address, null, null));
        final CstpTunnelHandler handler = new CstpTunnelHandler(path, 1400, 0,
            (final DirectBuffer src, final int index, final int length) -> true, PacketCompression.none(),
            new DataplaneCounters(), new TunnelListener()
            {
                @Override
                public void onDisconnectRequest(final int reason, final String text)
                {
                }

                @Override
                public void onClosed(final CloseCause cause, final String detail)
                {
                }
            });
        channel.pipeline().addLast(handler);
        return new Session.Tunnel(new CstpTunnel(path, handler, channel), client);
    }
}
