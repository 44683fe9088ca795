package org.headend.dataplane.dtls;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.DtlsPortListener;
import org.headend.dataplane.api.HandshakeSink;

/**
 * The DTLS port's datagram handler without a {@link DtlsPort} (which needs a whole data plane): tests in other
 * packages put it on a UDP socket they bound themselves and install one endpoint on it.
 */
public final class PortHandlerAccess
{
    private final DtlsPortHandler handler;

    public PortHandlerAccess(final DtlsPortListener listener, final DataplaneCounters counters, final boolean gso)
    {
        this.handler = new DtlsPortHandler(listener, counters, gso);
    }

    /** The handler to put last in the UDP channel's pipeline. */
    public ChannelHandler handler()
    {
        return handler;
    }

    /** Hands the peer's datagrams to {@code endpoint}, as a finished handshake does; on the channel's loop. */
    public void install(final Channel channel, final HandshakeSink finished, final DtlsEndpoint endpoint)
    {
        channel.eventLoop().execute(() -> handler.installAfter(finished, endpoint));
    }

    /** Takes the endpoint out again (its keys are wiped); on the channel's loop. */
    public void remove(final Channel channel, final DtlsEndpoint endpoint)
    {
        channel.eventLoop().execute(() -> handler.remove(endpoint));
    }
}
