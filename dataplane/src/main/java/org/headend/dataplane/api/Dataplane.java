package org.headend.dataplane.api;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.headend.dataplane.counters.DataplaneCounters;
import org.headend.dataplane.tun.IdleWaiter;
import org.headend.dataplane.tun.TunAgent;
import org.headend.dataplane.tun.TunIdleStrategy;
import org.headend.dataplane.tun.TunPort;
import org.headend.dataplane.tunnel.CstpTunnelHandler;
import org.headend.dataplane.tunnel.EgressQueue;
import org.headend.dataplane.tunnel.InboundRing;
import org.headend.dataplane.tunnel.TunnelListener;
import org.headend.dataplane.tunnel.TunnelPath;

/**
 * The data plane as control sees it, and the only way control changes it: it starts the TUN agents, builds tunnel
 * handlers, and sends route commands to the agents' queues. Methods are for the control path (they may allocate).
 */
public final class Dataplane implements AutoCloseable
{
    /** Ring sizes: enough for a few thousand full-size packets per direction and event loop. */
    public static final int INBOUND_RING_BYTES = 8 * 1024 * 1024;
    public static final int EGRESS_RING_BYTES = 8 * 1024 * 1024;

    private final DataplaneCounters counters = new DataplaneCounters();
    private final List<TunAgent> agents = new ArrayList<>();
    private final List<InboundRing> inboundRings = new ArrayList<>();
    private final List<AgentRunner> runners = new ArrayList<>();
    private final List<IdleWaiter> waiters = new ArrayList<>();
    private final Map<EventExecutor, EgressQueue> egressByLoop = new IdentityHashMap<>();

    /** One TUN queue and the way its agent sleeps. */
    public record TunQueueBinding(TunPort port, IdleWaiter waiter)
    {
    }

    private Dataplane()
    {
    }

    /**
     * Starts one TUN agent thread per queue and one egress queue per event loop.
     *
     * @param queues       the TUN queues, each with its waiter
     * @param eventLoops   every event loop that may carry a tunnel
     * @param errorHandler where an agent's unexpected exception goes (the agent keeps running)
     */
    public static Dataplane start(final List<TunQueueBinding> queues, final Iterable<EventExecutor> eventLoops,
        final ErrorHandler errorHandler)
    {
        final Dataplane dataplane = new Dataplane();
        for (final EventExecutor loop : eventLoops)
        {
            dataplane.egressByLoop.put(loop, new EgressQueue(loop, EGRESS_RING_BYTES));
        }
        int i = 0;
        for (final TunQueueBinding queue : queues)
        {
            final TunIdleStrategy idle = new TunIdleStrategy(queue.waiter());
            final InboundRing inbound = new InboundRing(INBOUND_RING_BYTES, idle);
            final TunAgent agent = new TunAgent("tun-agent-" + i++, queue.port(), inbound.ring(), dataplane.counters);
            final AgentRunner runner = new AgentRunner(idle, errorHandler, null, agent);
            dataplane.agents.add(agent);
            dataplane.inboundRings.add(inbound);
            dataplane.runners.add(runner);
            dataplane.waiters.add(queue.waiter());
        }
        for (final AgentRunner runner : dataplane.runners)
        {
            AgentRunner.startOnThread(runner);
        }
        return dataplane;
    }

    /** The data plane's counters. */
    public DataplaneCounters counters()
    {
        return counters;
    }

    /** The path of a new tunnel whose TLS connection runs on {@code loop}. */
    public TunnelPath newTunnelPath(final int tunnelId, final EventExecutor loop)
    {
        return new TunnelPath(tunnelId, egress(loop));
    }

    /**
     * A handler for a new tunnel; add it to the channel's pipeline on the path's event loop.
     *
     * @see CstpTunnelHandler#CstpTunnelHandler
     */
    public CstpTunnelHandler newCstpTunnel(final TunnelPath path, final int clientAddress, final int mtu,
        final int dpdSeconds, final TunnelListener listener)
    {
        return new CstpTunnelHandler(path, clientAddress, mtu, dpdSeconds, inboundFor(path.tunnelId()), counters,
            listener);
    }

    /** The ring to the TUN agent that a tunnel's client packets go to. */
    public InboundRing inboundFor(final int tunnelId)
    {
        return inboundRings.get(Math.floorMod(tunnelId, inboundRings.size()));
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

    /** Routes inside packets for {@code address} to the tunnel of {@code path}. */
    public void addRoute(final int address, final TunnelPath path)
    {
        for (final TunAgent agent : agents)
        {
            send(agent, agent.addRoute(address, path));
        }
    }

    /** Removes the route of {@code address} if it still points at {@code tunnelId}. */
    public void removeRoute(final int address, final int tunnelId)
    {
        for (final TunAgent agent : agents)
        {
            send(agent, agent.removeRoute(address, tunnelId));
        }
    }

    private static void send(final TunAgent agent, final Runnable command)
    {
        if (!agent.command(command))
        {
            throw new IllegalStateException("data plane command queue full");
        }
    }

    /** Stops the agents; their TUN queues and waiters are closed with them. */
    @Override
    public void close()
    {
        for (final AgentRunner runner : runners)
        {
            runner.close();
        }
        for (final IdleWaiter waiter : waiters)
        {
            waiter.close();
        }
    }
}
