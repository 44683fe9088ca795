package org.headend.dataplane.tunnel;

import io.netty.channel.Channel;
import java.util.concurrent.Future;
import org.headend.dataplane.api.RoundTripTimes;
import org.headend.dataplane.api.TunnelHandle;

/**
 * A tunnel whose TLS connection the data plane took over after the CONNECT: the handle control keeps, over the
 * path, the CSTP handler and the channel, none of which control sees.
 */
public final class CstpTunnel implements TunnelHandle
{
    private final TunnelPath path;
    private final CstpTunnelHandler handler;
    private final Channel channel;

    /**
     * @param channel the client's TLS connection; {@code handler} is (or will be) in its pipeline
     */
    public CstpTunnel(final TunnelPath path, final CstpTunnelHandler handler, final Channel channel)
    {
        this.path = path;
        this.handler = handler;
        this.channel = channel;
    }

    /** The handle's own tunnel, for the data plane's commands that take a handle. */
    public static CstpTunnel of(final TunnelHandle handle)
    {
        if (handle instanceof CstpTunnel tunnel)
        {
            return tunnel;
        }
        throw new IllegalArgumentException("not a tunnel of this data plane: " + handle);
    }

    public TunnelPath path()
    {
        return path;
    }

    /** The handler to put in the channel's pipeline in place of the HTTP ones. */
    public CstpTunnelHandler handler()
    {
        return handler;
    }

    @Override
    public int id()
    {
        return path.tunnelId();
    }

    @Override
    public void disconnect(final String why)
    {
        handler.disconnect(why);
    }

    @Override
    public void drop(final String why)
    {
        handler.drop(why);
    }

    @Override
    public boolean vpnFilter(final org.headend.dataplane.api.AccessFilter filter)
    {
        path.access(path.access().withFilter(filter));
        return true;
    }

    @Override
    public int gatewayDpdSeconds()
    {
        return handler.gatewayDpdSeconds();
    }

    @Override
    public void gatewayDpd(final int seconds)
    {
        handler.gatewayDpd(seconds);
    }

    @Override
    public Future<?> closed()
    {
        return channel.closeFuture();
    }

    @Override
    public long rxBytes()
    {
        return path.cstpCounters().rxBytes() + path.dtlsCounters().rxBytes();
    }

    @Override
    public long txBytes()
    {
        return path.cstpCounters().txBytes() + path.dtlsCounters().txBytes();
    }

    @Override
    public long rxPackets()
    {
        return path.cstpCounters().rxPackets() + path.dtlsCounters().rxPackets();
    }

    @Override
    public long txPackets()
    {
        return path.cstpCounters().txPackets() + path.dtlsCounters().txPackets();
    }

    @Override
    public long rxDrops()
    {
        return path.cstpCounters().rxDrops() + path.dtlsCounters().rxDrops();
    }

    @Override
    public long txDrops()
    {
        return path.cstpCounters().txDrops() + path.dtlsCounters().txDrops();
    }

    @Override
    public RoundTripTimes tlsRoundTrips()
    {
        return times(path.cstpRoundTrips());
    }

    @Override
    public RoundTripTimes dtlsRoundTrips()
    {
        return times(path.dtlsRoundTrips());
    }

    private static RoundTripTimes times(final RoundTrips roundTrips)
    {
        return new RoundTripTimes(roundTrips.count(), roundTrips.lastNanos(), roundTrips.averageNanos());
    }

    @Override
    public String toString()
    {
        return "tunnel " + id();
    }
}
