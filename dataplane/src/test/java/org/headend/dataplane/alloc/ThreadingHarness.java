package org.headend.dataplane.alloc;

import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.uring.IoUringIoHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentRunner;
import org.headend.dataplane.api.Dataplane.ThreadingMode;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.tun.PollIdleWaiter;
import org.headend.dataplane.tun.SharedTunIo;
import org.headend.dataplane.tun.TunAgent;
import org.headend.dataplane.tun.TunIdleStrategy;
import org.headend.dataplane.tunnel.EgressQueue;
import org.headend.dataplane.tunnel.InboundRing;
import org.headend.dataplane.tunnel.InboundSink;
import org.headend.dataplane.tunnel.TunnelPath;

/**
 * The data plane's threads in one threading mode, wired as {@code Dataplane.startShared} and {@code Dataplane.start}
 * wire them: one io_uring event loop, which in {@code shared} mode also drives the TUN queue, and in
 * {@code dedicated} mode a TUN agent thread with its rings.
 */
final class ThreadingHarness implements AutoCloseable
{
    private static final int RING_BYTES = 8 * 1024 * 1024;

    private final ThreadingMode mode;
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
    private final IoEventLoop loop = group.next();
    private final EgressQueue egress;
    private final InboundSink inbound;
    private final List<Thread> threads = new ArrayList<>();
    private SharedTunIo shared;
    private TunAgent agent;
    private AgentRunner runner;
    private PollIdleWaiter waiter;

    ThreadingHarness(final ThreadingMode mode, final CountingTunQueue tun, final DataplaneCounters counters)
        throws Exception
    {
        this.mode = mode;
        threads.add(loop.submit(Thread::currentThread).get(5, TimeUnit.SECONDS));
        if (mode == ThreadingMode.SHARED)
        {
            egress = new EgressQueue(loop, 0);
            shared = new SharedTunIo(tun, tun.fd(), false, counters);
            shared.start(loop);
            inbound = shared;
        }
        else
        {
            egress = new EgressQueue(loop, RING_BYTES);
            waiter = new PollIdleWaiter(tun.fd());
            final TunIdleStrategy idle = new TunIdleStrategy(waiter);
            final InboundRing ring = new InboundRing(RING_BYTES, idle);
            agent = new TunAgent("tun-agent-alloc", tun, ring.ring(), counters);
            runner = new AgentRunner(idle, Throwable::printStackTrace, null, agent);
            threads.add(AgentRunner.startOnThread(runner));
            inbound = ring;
        }
    }

    IoEventLoop loop()
    {
        return loop;
    }

    /** The group of {@link #loop}, its only loop: where a server's accepted connections are registered. */
    MultiThreadIoEventLoopGroup group()
    {
        return group;
    }

    EgressQueue egress()
    {
        return egress;
    }

    InboundSink inbound()
    {
        return inbound;
    }

    /** The threads that move packets: the event loop, and the TUN agent in dedicated mode. */
    List<Thread> dataPlaneThreads()
    {
        return threads;
    }

    /** Routes the inside's packets for the tunnel's address to {@code path}; returns once the owner applied it. */
    void addRoutes(final TunnelPath path) throws InterruptedException
    {
        if (mode == ThreadingMode.SHARED)
        {
            loop.submit(() -> shared.addRoutes(path)).sync();
            return;
        }
        final CountDownLatch applied = new CountDownLatch(1);
        final Runnable add = agent.addRoutes(path);
        if (!agent.command(() ->
        {
            add.run();
            applied.countDown();
        }))
        {
            throw new IllegalStateException("command queue full");
        }
        waiter.signal();
        if (!applied.await(5, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("the TUN agent did not apply the route");
        }
    }

    @Override
    public void close()
    {
        if (shared != null)
        {
            loop.submit(shared::close).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (runner != null)
        {
            runner.close();
            waiter.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
