package org.headend.dataplane.tunnel;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.headend.dataplane.api.CompressionMethod;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.compress.LzsCodec;
import org.headend.dataplane.compress.PacketCompression;

/**
 * What every transport of a tunnel (CSTP, a DTLS endpoint, an ESP session) is wired to inside the data plane: the
 * egress queue of the event loop it runs on, the inbound sink of its tunnel, its compression state and the
 * counters. Built by {@code Dataplane} when it starts and handed to the ports it opens, so none of these internal
 * types appears on the api. Control path (it may allocate); {@link #compression} from any thread.
 */
public final class TunnelWiring
{
    private final DataplaneCounters counters;
    private final Map<EventExecutor, EgressQueue> egressByLoop = new IdentityHashMap<>();
    /** The loops of {@link #egressByLoop}, in a fixed order, to spread tunnels over. */
    private final List<EventExecutor> tunnelLoops = new ArrayList<>();
    /** The shared TUN queue, or one ring per TUN agent: a tunnel's packets go to one of them by its id. */
    private final List<InboundSink> inbound = new ArrayList<>();
    /**
     * Made on first use: most appliances never compress. Concurrent: tunnels are opened on control, DTLS endpoints
     * on handshake threads, ESP sessions on IKE's. Executors keep identity equality.
     */
    private final Map<EventExecutor, LzsCodec> lzsByLoop = new ConcurrentHashMap<>();

    public TunnelWiring(final DataplaneCounters counters)
    {
        this.counters = counters;
    }

    /** Adds an event loop that carries tunnels, with its egress queue. */
    public void addLoop(final EventExecutor loop, final EgressQueue egress)
    {
        egressByLoop.put(loop, egress);
        tunnelLoops.add(loop);
    }

    /** Adds where client packets go: the shared TUN queue, or the ring of one TUN agent. */
    public void addInbound(final InboundSink sink)
    {
        inbound.add(sink);
    }

    public DataplaneCounters counters()
    {
        return counters;
    }

    /** The event loop that forwards the packets of tunnel {@code tunnelId}. */
    public EventExecutor tunnelLoop(final int tunnelId)
    {
        return tunnelLoops.get(Math.floorMod(tunnelId, tunnelLoops.size()));
    }

    /** The egress queue of {@code loop}. */
    public EgressQueue egress(final EventExecutor loop)
    {
        final EgressQueue egress = egressByLoop.get(loop);
        if (egress == null)
        {
            throw new IllegalArgumentException("not a data plane event loop: " + loop);
        }
        return egress;
    }

    /** Where tunnel {@code tunnelId}'s client packets go, whichever transport carries them. */
    public InboundSink inboundFor(final int tunnelId)
    {
        return inbound.get(Math.floorMod(tunnelId, inbound.size()));
    }

    /**
     * A transport's compression: LZS uses the tables of the event loop the transport runs on, deflate gets streams
     * of its own.
     */
    public PacketCompression compression(final CompressionMethod method, final EventExecutor loop, final int mtu)
    {
        final LzsCodec lzs = method == CompressionMethod.LZS ? lzsByLoop.computeIfAbsent(loop, l -> LzsCodec.create())
            : null;
        return PacketCompression.of(method, lzs, mtu);
    }
}
