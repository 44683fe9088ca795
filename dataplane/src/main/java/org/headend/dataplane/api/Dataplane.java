package org.headend.dataplane.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.headend.crypto.Aead;
import org.headend.dataplane.dtls.DtlsPort;
import org.headend.dataplane.esp.EspPort;
import org.headend.dataplane.esp.EspSession;
import org.headend.dataplane.tun.IdleWaiter;
import org.headend.dataplane.tun.NativeTunPort;
import org.headend.dataplane.tun.PollIdleWaiter;
import org.headend.dataplane.tun.SharedTunIo;
import org.headend.dataplane.tun.TunAgent;
import org.headend.dataplane.tun.TunIdleStrategy;
import org.headend.dataplane.tunnel.CstpTunnel;
import org.headend.dataplane.tunnel.CstpTunnelHandler;
import org.headend.dataplane.tunnel.EgressQueue;
import org.headend.dataplane.tunnel.InboundRing;
import org.headend.dataplane.tunnel.TunnelPath;
import org.headend.dataplane.tunnel.TunnelWiring;
import org.headend.nativecfg.tun.TunQueue;

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
    private final List<AgentRunner> runners = new ArrayList<>();
    private final List<IdleWaiter> waiters = new ArrayList<>();
    /** What the ports this data plane opens wire their tunnels to; never handed to control. */
    private final TunnelWiring wiring = new TunnelWiring(counters);

    /**
     * One TUN queue and its file descriptor (polled by its agent, or by the event loop in shared mode).
     *
     * @param offloads whether the device carries the virtio-net header with TSO and checksum offloads
     */
    public record TunQueueBinding(TunPort port, int fd, boolean offloads)
    {
        /** A queue of the kernel's TUN device, read and written through its file descriptor. */
        public static TunQueueBinding of(final TunQueue queue, final boolean offloads)
        {
            return new TunQueueBinding(new NativeTunPort(queue), queue.fd(), offloads);
        }
    }

    /** Which threads move packets (Aeron's knob, for the same reason: fit 2 cores, scale on more). */
    public enum ThreadingMode
    {
        /** One io_uring event loop does everything: sockets, crypto and the (single) TUN queue. */
        SHARED,
        /** Event loops for sockets and crypto, one TUN agent thread per TUN queue, rings between them. */
        DEDICATED
    }

    private ThreadingMode mode;
    private SharedTunIo shared;

    private Dataplane()
    {
    }

    /**
     * Threading mode {@code shared}: the one TUN queue is driven by the one io_uring event loop.
     *
     * @param queue the TUN queue
     * @param loop  the only event loop; it must run the io_uring transport
     */
    public static Dataplane startShared(final TunQueueBinding queue, final IoEventLoop loop)
        throws InterruptedException
    {
        final Dataplane dataplane = new Dataplane();
        dataplane.mode = ThreadingMode.SHARED;
        // no ring: the loop reads the TUN and frames for its tunnels itself, so no thread ever writes one
        dataplane.wiring.addLoop(loop, new EgressQueue(loop, 0));
        dataplane.shared = new SharedTunIo(queue.port(), queue.fd(), queue.offloads(), dataplane.counters);
        dataplane.wiring.addInbound(dataplane.shared);
        dataplane.shared.start(loop);
        return dataplane;
    }

    /**
     * Threading mode {@code dedicated}: one TUN agent thread per queue and one egress queue per event loop.
     *
     * @param queues       the TUN queues
     * @param eventLoops   every event loop that may carry a tunnel
     * @param errorHandler where an agent's unexpected exception goes (the agent keeps running)
     */
    public static Dataplane start(final List<TunQueueBinding> queues, final Iterable<EventExecutor> eventLoops,
        final ErrorHandler errorHandler)
    {
        final Dataplane dataplane = new Dataplane();
        dataplane.mode = ThreadingMode.DEDICATED;
        for (final EventExecutor loop : eventLoops)
        {
            dataplane.wiring.addLoop(loop, new EgressQueue(loop, EGRESS_RING_BYTES));
        }
        int i = 0;
        for (final TunQueueBinding queue : queues)
        {
            if (queue.offloads())
            {
                throw new IllegalArgumentException("TUN offloads are handled in shared threading mode only");
            }
            final PollIdleWaiter waiter = new PollIdleWaiter(queue.fd());
            final TunIdleStrategy idle = new TunIdleStrategy(waiter);
            final InboundRing inbound = new InboundRing(INBOUND_RING_BYTES, idle);
            final TunAgent agent = new TunAgent("tun-agent-" + i++, queue.port(), inbound.ring(), dataplane.counters);
            final AgentRunner runner = new AgentRunner(idle, errorHandler, null, agent);
            dataplane.agents.add(agent);
            dataplane.wiring.addInbound(inbound);
            dataplane.runners.add(runner);
            dataplane.waiters.add(waiter);
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

    /**
     * The event loop that forwards the packets of tunnel {@code tunnelId}: its TLS connection moves there after the
     * CONNECT (the front door's own loop never carries a tunnel).
     */
    public EventExecutor tunnelLoop(final int tunnelId)
    {
        return wiring.tunnelLoop(tunnelId);
    }

    /**
     * Opens a tunnel over a client's TLS connection, answered CONNECT: the tunnel's packets move on
     * {@link #tunnelLoop(int) its event loop}, where the connection goes once {@link #cstpHandler} is in its pipeline.
     *
     * @param tls         the client's TLS connection; the data plane owns it from now on
     * @param access      what the tunnel's client may send, whichever transport carries it
     * @param compression the method negotiated for CSTP
     * @param dfBitIgnore the group-policy's {@code anyconnect ssl df-bit-ignore}: inside IPv4 packets longer than
     *                    {@code mtu} are fragmented even with DF set (else answered with ICMP frag-needed)
     * @see CstpTunnelHandler#CstpTunnelHandler
     */
    public TunnelHandle openTunnel(final int tunnelId, final Channel tls, final TunnelAccess access, final int mtu,
        final int dpdSeconds, final CompressionMethod compression, final boolean dfBitIgnore,
        final TunnelListener listener)
    {
        final EventExecutor loop = tunnelLoop(tunnelId);
        final TunnelPath path = new TunnelPath(tunnelId, wiring.egress(loop), access, mtu, dfBitIgnore);
        final CstpTunnelHandler handler = new CstpTunnelHandler(path, mtu, dpdSeconds, wiring.inboundFor(tunnelId),
            wiring.compression(compression, loop, mtu), counters, listener);
        return new CstpTunnel(path, handler, tls);
    }

    /**
     * The handler that carries {@code tunnel}'s packets: it replaces the HTTP handlers in the TLS connection's
     * pipeline, on the tunnel's event loop, once the CONNECT answer is written.
     */
    public ChannelHandler cstpHandler(final TunnelHandle tunnel)
    {
        return CstpTunnel.of(tunnel).handler();
    }

    /**
     * Opens the DTLS port (bind its sockets with {@link DtlsSocket#bind}): ClientHellos go to {@code listener},
     * finished handshakes come back through {@link DtlsSocket#install}.
     *
     * @param aead the AEAD implementation the appliance chose at start
     */
    public DtlsSocket openDtls(final DtlsPortListener listener, final DtlsSocket.Options options,
        final Function<byte[], Aead> aead)
    {
        return new DtlsPort(listener, options, wiring, aead);
    }

    /**
     * Opens the UDP-encapsulated ESP port (bind its sockets with {@link EspSocket#bind}, normally on 4500): IKE
     * messages go to {@code ike}, child SAs come in through {@link EspSocket#install}.
     *
     * @param aead the AEAD implementation the appliance chose at start
     */
    public EspSocket openEsp(final EspSocket.Options options, final IkeDatagramListener ike,
        final Function<byte[], Aead> aead)
    {
        return new EspPort(ike, options, wiring, aead);
    }

    /** The threading mode the data plane runs in. */
    public ThreadingMode mode()
    {
        return mode;
    }

    /** Routes inside packets for the session addresses of {@code tunnel} to it. */
    public void addRoutes(final TunnelHandle tunnel)
    {
        final TunnelPath path = pathOf(tunnel);
        if (mode == ThreadingMode.SHARED)
        {
            shared.loop().execute(() -> shared.addRoutes(path));
            return;
        }
        for (final TunAgent agent : agents)
        {
            send(agent, agent.addRoutes(path));
        }
    }

    /** Removes the routes of {@code tunnel}'s session addresses that still point at it. */
    public void removeRoutes(final TunnelHandle tunnel)
    {
        final TunnelPath path = pathOf(tunnel);
        if (mode == ThreadingMode.SHARED)
        {
            shared.loop().execute(() -> shared.removeRoutes(path));
            return;
        }
        for (final TunAgent agent : agents)
        {
            send(agent, agent.removeRoutes(path));
        }
    }

    /** The route of a tunnel of either kind: a CSTP tunnel (with DTLS or not) or an ESP tunnel. */
    private static TunnelPath pathOf(final TunnelHandle tunnel)
    {
        return tunnel instanceof EspSession esp ? esp.path() : CstpTunnel.of(tunnel).path();
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
        if (shared != null && !shared.loop().isShuttingDown())
        {
            shared.loop().submit(shared::close).awaitUninterruptibly(2, java.util.concurrent.TimeUnit.SECONDS);
        }
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
