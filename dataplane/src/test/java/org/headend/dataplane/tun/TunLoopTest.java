package org.headend.dataplane.tun;

import static org.headend.dataplane.wire.Packets.address;
import static org.headend.dataplane.wire.Packets.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.dataplane.api.Dataplane.ThreadingMode;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.TunPort;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.tunnel.EgressQueue;
import org.headend.dataplane.tunnel.EgressTarget;
import org.headend.dataplane.tunnel.InboundRing;
import org.headend.dataplane.tunnel.InboundSink;
import org.headend.dataplane.tunnel.TunnelPath;
import org.headend.dataplane.wire.Packets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The TUN queue's loop in both threading modes, driven as each mode drives it: {@code dedicated}, a {@link TunAgent}'s
 * duty cycle, its packets carried over the egress ring and framed when the tunnel's event loop drains it;
 * {@code shared}, {@link SharedTunIo} on a completion of its multishot poll, framing at once on the same loop.
 */
class TunLoopTest
{
    private static final int CLIENT_A = address(192, 168, 100, 10);
    private static final int CLIENT_B = address(192, 168, 100, 11);
    private static final int INSIDE = address(192, 168, 100, 1);
    private static final byte[] CLIENT6 = Packets.address6("2001:db8:1::10");
    private static final byte[] INSIDE6 = Packets.address6("2001:db8::1");
    private static final int RING_BYTES = 64 * 1024;
    private static final int IORING_OP_POLL_ADD = 6;
    private static final int IORING_CQE_F_MORE = 1 << 1;
    /** What io_uring reports when the TUN fd becomes readable and the multishot poll stays armed. */
    private static final IoUringIoEvent READABLE = new IoUringIoEvent(1, IORING_CQE_F_MORE, (byte)IORING_OP_POLL_ADD,
        (short)0);

    private final DataplaneCounters counters = new DataplaneCounters();
    private final InMemoryTunPort port = new InMemoryTunPort();
    /** The event loop the tunnels live on: its tasks run when the test says so. */
    private final EmbeddedChannel tunnelLoop = new EmbeddedChannel();

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldWriteThePacketsClientsSendToTheTun(final ThreadingMode mode)
    {
        final Owner owner = owner(mode, port);
        final byte[] packet = ipv4(CLIENT_A, INSIDE, 84);
        assertTrue(owner.inbound().offer(new UnsafeBuffer(packet), 0, packet.length));
        owner.turn();
        assertEquals(1, port.written().size());
        assertArrayEquals(packet, port.written().get(0));
        assertEquals(1, counters.get(DataplaneCounter.TUN_TX_PACKETS));
    }

    @Test
    void shouldSendWhatTheInsideAlreadyAnsweredWhenTheTunnelsReadBatchEndsInSharedMode()
    {
        final Owner owner = owner(ThreadingMode.SHARED, port);
        final Tunnel tunnel = routed(owner, null, 0);
        final byte[] request = ipv4(CLIENT_A, INSIDE, 84);
        assertTrue(owner.inbound().offer(new UnsafeBuffer(request), 0, request.length));
        // the kernel answers a ping of its own address within the write: the answer waits in the queue
        final byte[] answer = ipv4(INSIDE, CLIENT_A, 84);
        port.inject(answer);
        owner.inbound().endOfBatch();
        tunnelLoop.runPendingTasks();
        assertEquals(1, tunnel.cstp.packets.size(), "sent without waiting for the poll's completion");
        assertArrayEquals(answer, tunnel.cstp.packets.get(0));

        // a read batch that wrote nothing to the inside leaves the queue to the poll
        port.inject(ipv4(INSIDE, CLIENT_A, 84));
        owner.inbound().endOfBatch();
        tunnelLoop.runPendingTasks();
        assertEquals(1, tunnel.cstp.packets.size());
        owner.turn();
        tunnelLoop.runPendingTasks();
        assertEquals(2, tunnel.cstp.packets.size());
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldRouteInsidePacketsByDestinationAndCountThoseWithoutOwner(final ThreadingMode mode)
    {
        final Owner owner = owner(mode, port);
        final Tunnel tunnel = routed(owner, null, 0);
        final byte[] toA = ipv4(INSIDE, CLIENT_A, 100);
        fromInside(owner, toA, ipv4(INSIDE, CLIENT_B, 100));
        assertEquals(1, tunnel.cstp.packets.size());
        assertArrayEquals(toA, tunnel.cstp.packets.get(0));
        assertEquals(1, tunnel.cstp.flushes, "one flush per batch");
        assertEquals(1, counters.get(DataplaneCounter.NO_ROUTE_DROPS));
        assertEquals(2, counters.get(DataplaneCounter.TUN_RX_PACKETS));
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldSendOverDtlsWhileItIsUpAndOverTlsOtherwise(final ThreadingMode mode)
    {
        final Owner owner = owner(mode, port);
        final Tunnel tunnel = new Tunnel(owner, 5, CLIENT_A, null, 0);
        final Target dtls = new Target();
        final int dtlsTarget = 1 << 20;
        tunnel.egress.register(dtlsTarget, dtls);
        final TunnelPath.Route route = new TunnelPath.Route(dtlsTarget, tunnel.egress);
        owner.addRoutes(tunnel.path);
        tunnel.path.dtls(route);
        fromInside(owner, ipv4(INSIDE, CLIENT_A, 100), ipv4(INSIDE, CLIENT_A, 200));
        assertEquals(2, dtls.packets.size());
        assertEquals(1, dtls.flushes, "one flush per batch");
        assertEquals(0, tunnel.cstp.packets.size());

        tunnel.path.leaveDtls(route);
        fromInside(owner, ipv4(INSIDE, CLIENT_A, 300));
        assertEquals(2, dtls.packets.size());
        assertEquals(1, tunnel.cstp.packets.size());
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldRouteIpv6InsidePacketsToTheSessionHoldingTheDestination(final ThreadingMode mode)
    {
        final Owner owner = owner(mode, port);
        final Tunnel tunnel = routed(owner, CLIENT6, 0);
        fromInside(owner, Packets.ipv6(INSIDE6, CLIENT6, 120),
            Packets.ipv6(INSIDE6, Packets.address6("2001:db8:1::11"), 120), ipv4(INSIDE, CLIENT_A, 100));
        assertEquals(2, tunnel.cstp.packets.size());
        assertEquals(1, counters.get(DataplaneCounter.NO_ROUTE_DROPS));
        owner.removeRoutes(tunnel.path);
        fromInside(owner, Packets.ipv6(INSIDE6, CLIENT6, 120));
        assertEquals(2, tunnel.cstp.packets.size());
        assertEquals(2, counters.get(DataplaneCounter.NO_ROUTE_DROPS));
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldKeepTheNewRouteWhenAnOldTunnelRemovesItsOwnLate(final ThreadingMode mode)
    {
        final Owner owner = owner(mode, port);
        final Tunnel old = new Tunnel(owner, 5, CLIENT_A, null, 0);
        final Tunnel current = new Tunnel(owner, 6, CLIENT_A, null, 0);
        owner.addRoutes(old.path);
        owner.addRoutes(current.path);
        owner.removeRoutes(old.path);
        fromInside(owner, ipv4(INSIDE, CLIENT_A, 100));
        assertEquals(0, old.cstp.packets.size());
        assertEquals(1, current.cstp.packets.size());
        owner.removeRoutes(current.path);
        fromInside(owner, ipv4(INSIDE, CLIENT_A, 100));
        assertEquals(1, counters.get(DataplaneCounter.NO_ROUTE_DROPS));
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldDropNonIpAndRuntPackets(final ThreadingMode mode)
    {
        final Owner owner = owner(mode, port);
        final byte[] ipx = new byte[60];
        ipx[0] = 0x50;
        fromInside(owner, ipx, new byte[10]);
        assertEquals(1, counters.get(DataplaneCounter.NOT_IP_DROPS));
        assertEquals(1, counters.get(DataplaneCounter.RUNT_PACKET_DROPS));
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldFragmentForTheTunnelOrAnswerTheInsideWhenAPacketExceedsTheMtu(final ThreadingMode mode)
    {
        final Owner owner = owner(mode, port);
        final Tunnel tunnel = routed(owner, null, 1400);
        final byte[] dontFragment = ipv4(INSIDE, CLIENT_A, 2000);
        dontFragment[6] = 0x40;
        fromInside(owner, ipv4(INSIDE, CLIENT_A, 2000), dontFragment);
        assertEquals(2, tunnel.cstp.packets.size(), "the first packet's two fragments");
        assertEquals(1, port.written().size(), "the second packet's ICMP answer, back into the TUN");
        final byte[] icmp = port.written().get(0);
        assertEquals(3, icmp[20], "destination unreachable");
        assertEquals(4, icmp[21], "fragmentation needed and DF set");
        assertEquals(1, counters.get(DataplaneCounter.OVERSIZED_FRAGMENTED));
        assertEquals(1, counters.get(DataplaneCounter.OVERSIZED_TOO_BIG_SENT));
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldAllocateNothingPerPacketInEitherDirection(final ThreadingMode mode)
    {
        final FixedPacketPort fixed = new FixedPacketPort(ipv4(INSIDE, CLIENT_A, 1400));
        final Owner owner = owner(mode, fixed, ImmediateEventExecutor.INSTANCE);
        final TunnelPath path = new TunnelPath(9, owner.egress(), new TunnelAccess(CLIENT_A, null, null));
        final CountingTarget target = new CountingTarget();
        owner.egress().register(9, target);
        owner.addRoutes(path);
        final UnsafeBuffer fromClient = new UnsafeBuffer(ipv4(CLIENT_A, INSIDE, 1400));
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

        runPackets(owner, fixed, fromClient, 200_000);
        // a round can see a one-off allocation when the JIT swaps compiled code; per-packet garbage shows every round
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 5 && allocated != 0; round++)
        {
            threads.getCurrentThreadAllocatedBytes();
            final long before = threads.getCurrentThreadAllocatedBytes();
            runPackets(owner, fixed, fromClient, 1_000_000);
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertEquals(0, allocated, "bytes allocated while moving 1M packets each way");
        assertTrue(target.packets >= 1_200_000, "every inside packet reached the tunnel: " + target.packets);
    }

    /** Tunnel 5 for {@link #CLIENT_A} (and {@code address6} when not null), its routes added. */
    private static Tunnel routed(final Owner owner, final byte[] address6, final int mtu)
    {
        final Tunnel tunnel = new Tunnel(owner, 5, CLIENT_A, address6, mtu);
        owner.addRoutes(tunnel.path);
        return tunnel;
    }

    /** The inside sends {@code packets} into the TUN; one turn of the owner and then of the tunnels' loop. */
    private void fromInside(final Owner owner, final byte[]... packets)
    {
        for (final byte[] packet : packets)
        {
            port.inject(packet);
        }
        owner.turn();
        tunnelLoop.runPendingTasks();
    }

    private static void runPackets(final Owner owner, final FixedPacketPort fixed, final UnsafeBuffer fromClient,
        final int packets)
    {
        for (int i = 0; i < packets; i++)
        {
            owner.inbound().offer(fromClient, 0, fromClient.capacity());
            fixed.arm();
            owner.turn();
        }
    }

    private Owner owner(final ThreadingMode mode, final TunPort tun)
    {
        return owner(mode, tun, tunnelLoop.eventLoop());
    }

    /** The TUN queue's owner in {@code mode}, with the egress queue of the tunnels' event loop {@code loop}. */
    private Owner owner(final ThreadingMode mode, final TunPort tun, final EventExecutor loop)
    {
        if (mode == ThreadingMode.SHARED)
        {
            return new Owner()
            {
                private final EgressQueue egress = new EgressQueue(loop, 0);
                private final SharedTunIo shared = new SharedTunIo(tun, -1, false, counters);

                @Override
                public EgressQueue egress()
                {
                    return egress;
                }

                @Override
                public InboundSink inbound()
                {
                    return shared;
                }

                @Override
                public void addRoutes(final TunnelPath path)
                {
                    shared.addRoutes(path);
                }

                @Override
                public void removeRoutes(final TunnelPath path)
                {
                    shared.removeRoutes(path);
                }

                @Override
                public void turn()
                {
                    // a batch shorter than 64 packets on a poll that stays armed touches no registration
                    shared.handle(null, READABLE);
                }
            };
        }
        return new Owner()
        {
            private final EgressQueue egress = new EgressQueue(loop, RING_BYTES);
            private final InboundRing ring = new InboundRing(RING_BYTES, new TunIdleStrategy(new ParkingIdleWaiter()));
            private final TunAgent agent = new TunAgent("tun-agent-test", tun, ring.ring(), counters);

            @Override
            public EgressQueue egress()
            {
                return egress;
            }

            @Override
            public InboundSink inbound()
            {
                return ring;
            }

            @Override
            public void addRoutes(final TunnelPath path)
            {
                assertTrue(agent.command(agent.addRoutes(path)));
            }

            @Override
            public void removeRoutes(final TunnelPath path)
            {
                assertTrue(agent.command(agent.removeRoutes(path)));
            }

            @Override
            public void turn()
            {
                agent.doWork();
            }
        };
    }

    /** Who owns the TUN queue in one threading mode, and the egress queue of the tunnels' loop in that mode. */
    private interface Owner
    {
        EgressQueue egress();

        InboundSink inbound();

        void addRoutes(TunnelPath path);

        void removeRoutes(TunnelPath path);

        /** One turn: a duty cycle of the agent, or a readable completion on the event loop. */
        void turn();
    }

    /** A tunnel whose CSTP side records what it was handed. */
    private static final class Tunnel
    {
        private final EgressQueue egress;
        private final TunnelPath path;
        private final Target cstp = new Target();

        Tunnel(final Owner owner, final int tunnelId, final int address, final byte[] address6, final int mtu)
        {
            egress = owner.egress();
            path = new TunnelPath(tunnelId, egress, new TunnelAccess(address, address6, null), mtu, false);
            egress.register(tunnelId, cstp);
        }
    }

    /** Records each packet it is handed and counts flushes. */
    private static final class Target implements EgressTarget
    {
        private final List<byte[]> packets = new ArrayList<>();
        private boolean pending;
        private int flushes;

        @Override
        public boolean writeData(final DirectBuffer src, final int index, final int length)
        {
            final byte[] packet = new byte[length];
            src.getBytes(index, packet);
            packets.add(packet);
            final boolean first = !pending;
            pending = true;
            return first;
        }

        @Override
        public void flushBatch()
        {
            pending = false;
            flushes++;
        }
    }

    /** Counts packets without allocating. */
    private static final class CountingTarget implements EgressTarget
    {
        private long packets;

        @Override
        public boolean writeData(final DirectBuffer src, final int index, final int length)
        {
            packets++;
            return false;
        }

        @Override
        public void flushBatch()
        {
        }
    }

    /** Returns one fixed packet per arm() and swallows writes, without allocating. */
    private static final class FixedPacketPort implements TunPort
    {
        private final byte[] packet;
        private boolean armed;

        FixedPacketPort(final byte[] packet)
        {
            this.packet = packet;
        }

        void arm()
        {
            armed = true;
        }

        @Override
        public int read(final ByteBuffer buffer, final int offset, final int maxLength)
        {
            if (!armed)
            {
                return WOULD_BLOCK;
            }
            armed = false;
            buffer.put(offset, packet, 0, packet.length);
            return packet.length;
        }

        @Override
        public int write(final ByteBuffer buffer, final int offset, final int length)
        {
            return length;
        }

        @Override
        public void close()
        {
        }
    }
}
