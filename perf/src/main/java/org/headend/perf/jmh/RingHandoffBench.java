package org.headend.perf.jmh;

import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.dataplane.tun.IdleWaiter;
import org.headend.dataplane.tun.TunIdleStrategy;
import org.headend.dataplane.tunnel.InboundRing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The hand-off between threads in threading mode {@code dedicated}: an event loop copies client packets into the
 * many-to-one ring of a TUN agent, which reads them out. One producer and one consumer thread; score is packets
 * handed over per second on each side.
 */
@State(Scope.Group)
public class RingHandoffBench extends StrictJvmBench
{
    /** Packet bytes. */
    @Param({"64", "1400"})
    public int size;

    private InboundRing ring;
    private UnsafeBuffer packet;
    private final MessageHandler discard = (type, buffer, index, length) -> { };

    @Setup
    public void setUp()
    {
        // the consumer here never sleeps, so the doorbell is never rung: a waiter that does nothing suffices
        ring = new InboundRing(8 * 1024 * 1024, new TunIdleStrategy(new IdleWaiter()
        {
            @Override
            public void await(final int timeoutMillis)
            {
            }

            @Override
            public void signal()
            {
            }

            @Override
            public void close()
            {
            }
        }));
        packet = new UnsafeBuffer(new byte[size]);
    }

    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public boolean offer()
    {
        return ring.offer(packet, 0, size);
    }

    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public int read()
    {
        return ring.ring().read(discard, 64);
    }
}
