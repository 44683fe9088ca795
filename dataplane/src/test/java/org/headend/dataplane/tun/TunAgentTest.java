package org.headend.dataplane.tun;

import static org.headend.dataplane.wire.Packets.address;
import static org.headend.dataplane.wire.Packets.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.dataplane.api.TunPort;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.tunnel.CstpTunnelHandler;
import org.headend.dataplane.tunnel.EgressQueue;
import org.headend.dataplane.tunnel.InboundRing;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.wire.Packets;
import org.headend.dataplane.tunnel.TunnelPath;
import org.junit.jupiter.api.Test;

class TunAgentTest
{
    private static final int CLIENT_A = address(192, 168, 100, 10);
    private static final int CLIENT_B = address(192, 168, 100, 11);
    private static final int INSIDE = address(192, 168, 100, 1);

    private final DataplaneCounters counters = new DataplaneCounters();
    private final InboundRing inbound = new InboundRing(64 * 1024, new TunIdleStrategy(new ParkingIdleWaiter()));
    private final InMemoryTunPort port = new InMemoryTunPort();
    private final TunAgent agent = new TunAgent("tun-agent-test", port, inbound.ring(), counters);
    private final EgressQueue egress = new EgressQueue(ImmediateEventExecutor.INSTANCE, 64 * 1024);

    @Test
    void shouldWritePacketsFromTheInboundRingToTheTun()
    {
        final byte[] packet = ipv4(CLIENT_A, INSIDE, 84);
        assertTrue(inbound.offer(new UnsafeBuffer(packet), 0, packet.length));
        agent.doWork();
        assertArrayEquals(packet, port.written().get(0));
        assertEquals(1, counters.get(DataplaneCounter.TUN_TX_PACKETS));
    }

    @Test
    void shouldRouteInsidePacketsByDestinationAndCountThoseWithoutOwner()
    {
        final Tunnel tunnel = new Tunnel(5, CLIENT_A);
        agent.command(agent.addRoutes(tunnel.path));
        port.inject(ipv4(INSIDE, CLIENT_A, 100));
        port.inject(ipv4(INSIDE, CLIENT_B, 100));
        agent.doWork();
        assertEquals(1, tunnel.framesSent());
        assertEquals(1, counters.get(DataplaneCounter.NO_ROUTE_DROPS));
        assertEquals(2, counters.get(DataplaneCounter.TUN_RX_PACKETS));
    }

    @Test
    void shouldRouteIpv6InsidePacketsToTheSessionHoldingTheDestination()
    {
        final Tunnel tunnel = new Tunnel(5, CLIENT_A, Packets.address6("2001:db8:1::10"));
        agent.command(agent.addRoutes(tunnel.path));
        port.inject(Packets.ipv6(Packets.address6("2001:db8::1"), Packets.address6("2001:db8:1::10"), 120));
        port.inject(Packets.ipv6(Packets.address6("2001:db8::1"), Packets.address6("2001:db8:1::11"), 120));
        port.inject(ipv4(INSIDE, CLIENT_A, 100));
        agent.doWork();
        assertEquals(2, tunnel.framesSent());
        assertEquals(1, counters.get(DataplaneCounter.NO_ROUTE_DROPS));
        agent.command(agent.removeRoutes(tunnel.path));
        port.inject(Packets.ipv6(Packets.address6("2001:db8::1"), Packets.address6("2001:db8:1::10"), 120));
        agent.doWork();
        assertEquals(0, tunnel.framesSent());
        assertEquals(2, counters.get(DataplaneCounter.NO_ROUTE_DROPS));
    }

    @Test
    void shouldKeepTheNewRouteWhenAnOldTunnelRemovesItsOwnLate()
    {
        final Tunnel old = new Tunnel(5, CLIENT_A);
        final Tunnel current = new Tunnel(6, CLIENT_A);
        agent.command(agent.addRoutes(old.path));
        agent.command(agent.addRoutes(current.path));
        agent.command(agent.removeRoutes(old.path));
        port.inject(ipv4(INSIDE, CLIENT_A, 100));
        agent.doWork();
        assertEquals(0, old.framesSent());
        assertEquals(1, current.framesSent());
        agent.command(agent.removeRoutes(current.path));
        port.inject(ipv4(INSIDE, CLIENT_A, 100));
        agent.doWork();
        assertEquals(1, counters.get(DataplaneCounter.NO_ROUTE_DROPS));
    }

    @Test
    void shouldDropNonIpAndRuntPackets()
    {
        final byte[] ipx = new byte[60];
        ipx[0] = 0x50;
        port.inject(ipx);
        port.inject(new byte[10]);
        agent.doWork();
        assertEquals(1, counters.get(DataplaneCounter.NOT_IP_DROPS));
        assertEquals(1, counters.get(DataplaneCounter.RUNT_PACKET_DROPS));
    }

    @Test
    void shouldAllocateNothingPerPacketInEitherDirection()
    {
        final byte[] toClient = ipv4(INSIDE, CLIENT_A, 1400);
        final FixedPacketPort fixed = new FixedPacketPort(toClient);
        final TunAgent allocationAgent = new TunAgent("tun-agent-alloc", fixed, inbound.ring(), counters);
        allocationAgent.command(allocationAgent.addRoutes(new TunnelPath(9, egress, new TunnelAccess(CLIENT_A, null, null))));
        final UnsafeBuffer fromClient = new UnsafeBuffer(ipv4(CLIENT_A, INSIDE, 1400));
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

        runPackets(allocationAgent, fixed, fromClient, 200_000);
        // a round can see a one-off allocation when the JIT swaps compiled code; per-packet garbage shows every round
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 5 && allocated != 0; round++)
        {
            threads.getCurrentThreadAllocatedBytes();
            final long before = threads.getCurrentThreadAllocatedBytes();
            runPackets(allocationAgent, fixed, fromClient, 1_000_000);
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertEquals(0, allocated, "bytes allocated while moving 1M packets each way");
    }

    private void runPackets(final TunAgent agent, final FixedPacketPort fixed, final UnsafeBuffer fromClient,
        final int packets)
    {
        for (int i = 0; i < packets; i++)
        {
            inbound.offer(fromClient, 0, fromClient.capacity());
            fixed.arm();
            agent.doWork();
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

    /** A tunnel on its own embedded channel, with the egress queue of that channel's loop. */
    private final class Tunnel
    {
        private final EmbeddedChannel channel = new EmbeddedChannel();
        private final EgressQueue egress = new EgressQueue(channel.eventLoop(), 64 * 1024);
        private final TunnelPath path;

        Tunnel(final int tunnelId, final int address)
        {
            this(tunnelId, address, null);
        }

        Tunnel(final int tunnelId, final int address, final byte[] address6)
        {
            path = new TunnelPath(tunnelId, egress, new TunnelAccess(address, address6, null));
            channel.pipeline().addLast(new CstpTunnelHandler(path, 1400, 0, inbound, PacketCompression.none(),
                counters, new TunnelListener()
                {
                    @Override
                    public void onDisconnectRequest(final int reason, final String text)
                    {
                    }

                    @Override
                    public void onClosed(final CloseCause cause, final String detail)
                    {
                    }
                }));
        }

        int framesSent()
        {
            channel.runPendingTasks();
            int frames = 0;
            for (Object frame = channel.readOutbound(); frame != null; frame = channel.readOutbound())
            {
                ((ByteBuf)frame).release();
                frames++;
            }
            return frames;
        }
    }
}
