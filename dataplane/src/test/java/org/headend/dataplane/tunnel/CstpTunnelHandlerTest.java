package org.headend.dataplane.tunnel;

import static org.headend.dataplane.wire.Packets.address;
import static org.headend.dataplane.wire.Packets.cstp;
import static org.headend.dataplane.wire.Packets.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.headend.dataplane.counters.DataplaneCounter;
import org.headend.dataplane.counters.DataplaneCounters;
import org.headend.dataplane.tun.ParkingIdleWaiter;
import org.headend.dataplane.tun.TunIdleStrategy;
import org.headend.dataplane.wire.CstpHeader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CstpTunnelHandlerTest
{
    private static final int CLIENT = address(192, 168, 100, 10);
    private static final int INSIDE = address(192, 168, 100, 1);
    private static final int TUNNEL_ID = 7;
    private static final int MTU = 1400;

    private final DataplaneCounters counters = new DataplaneCounters();
    private final InboundRing inbound = new InboundRing(64 * 1024, new TunIdleStrategy(new ParkingIdleWaiter()));
    private final List<String> events = new ArrayList<>();
    private EmbeddedChannel channel;
    private EgressQueue egress;

    @BeforeEach
    void setUp()
    {
        channel = new EmbeddedChannel();
        egress = new EgressQueue(channel.eventLoop(), 64 * 1024);
        channel.pipeline().addLast(new CstpTunnelHandler(new TunnelPath(TUNNEL_ID, egress, new TunnelAccess(CLIENT, null, null)), MTU, 5,
            inbound, counters,
            new TunnelListener()
            {
                @Override
                public void onDisconnectRequest(final int reason, final String text)
                {
                    events.add("disconnect " + Integer.toHexString(reason) + " " + text);
                }

                @Override
                public void onClosed(final CloseCause cause, final String detail)
                {
                    events.add("closed " + cause);
                }
            }));
    }

    @Test
    void shouldCopyDataPacketToInboundRingWhenSourceIsTheLease()
    {
        final byte[] packet = ipv4(CLIENT, INSIDE, 84);
        channel.writeInbound(Unpooled.wrappedBuffer(cstp(CstpHeader.TYPE_DATA, packet)));
        assertArrayEquals(packet, drainInbound().get(0));
        assertEquals(1, counters.get(DataplaneCounter.CSTP_RX_DATA_PACKETS));
        assertTrue(channel.isActive());
    }

    @Test
    void shouldDropAndCountWhenInnerSourceIsNotTheLease()
    {
        channel.writeInbound(Unpooled.wrappedBuffer(cstp(CstpHeader.TYPE_DATA,
            ipv4(address(192, 168, 100, 11), INSIDE, 84))));
        assertTrue(drainInbound().isEmpty());
        assertEquals(1, counters.get(DataplaneCounter.SPOOFED_SOURCE_DROPS));
        assertTrue(channel.isActive(), "a spoofed packet is dropped, not a reason to end the tunnel");
    }

    @Test
    void shouldReassembleFramesSplitAndMergedAcrossReads()
    {
        final byte[] a = cstp(CstpHeader.TYPE_DATA, ipv4(CLIENT, INSIDE, 60));
        final byte[] b = cstp(CstpHeader.TYPE_DATA, ipv4(CLIENT, INSIDE, 1400));
        final byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        channel.writeInbound(Unpooled.wrappedBuffer(both, 0, 5));
        channel.writeInbound(Unpooled.wrappedBuffer(both, 5, a.length + 100 - 5));
        channel.writeInbound(Unpooled.wrappedBuffer(both, a.length + 100, both.length - a.length - 100));
        final List<byte[]> packets = drainInbound();
        assertEquals(2, packets.size());
        assertEquals(60, packets.get(0).length);
        assertEquals(1400, packets.get(1).length);
    }

    @Test
    void shouldAnswerDpdRequestWithResponseCarryingTheSamePayload()
    {
        channel.writeInbound(Unpooled.wrappedBuffer(cstp(CstpHeader.TYPE_DPD_REQ, new byte[] {1, 2, 3})));
        final ByteBuf answer = channel.readOutbound();
        assertArrayEquals(cstp(CstpHeader.TYPE_DPD_RESP, new byte[] {1, 2, 3}), ByteBufUtil.getBytes(answer));
        answer.release();
    }

    @Test
    void shouldReportReasonAndCloseWhenClientDisconnects()
    {
        final byte[] payload = {(byte)0xb0, 'b', 'y', 'e'};
        channel.writeInbound(Unpooled.wrappedBuffer(cstp(CstpHeader.TYPE_DISCONNECT, payload)));
        assertFalse(channel.isActive());
        assertEquals(List.of("disconnect b0 bye", "closed CLIENT_DISCONNECT"), events);
    }

    @Test
    void shouldCloseWhenMagicIsBad()
    {
        final byte[] frame = cstp(CstpHeader.TYPE_DATA, ipv4(CLIENT, INSIDE, 40));
        frame[2] = 'X';
        channel.writeInbound(Unpooled.wrappedBuffer(frame));
        assertFalse(channel.isActive());
        assertEquals(List.of("closed PROTOCOL_ERROR"), events);
        assertEquals(1, counters.get(DataplaneCounter.CSTP_MALFORMED_FRAMES));
        assertTrue(drainInbound().isEmpty());
    }

    @Test
    void shouldCloseBeforeBufferingWhenLengthExceedsTheMtu()
    {
        final byte[] header = {'S', 'T', 'F', 1, (byte)0x10, 0, 0, 0};
        channel.writeInbound(Unpooled.wrappedBuffer(header));
        assertFalse(channel.isActive());
        assertEquals(1, counters.get(DataplaneCounter.CSTP_OVERSIZED_FRAMES));
    }

    @Test
    void shouldCloseWhenCompressedFrameArrivesWithoutNegotiation()
    {
        channel.writeInbound(Unpooled.wrappedBuffer(cstp(CstpHeader.TYPE_COMPRESSED, new byte[10])));
        assertFalse(channel.isActive());
        assertEquals(1, counters.get(DataplaneCounter.CSTP_UNEXPECTED_FRAMES));
    }

    @Test
    void shouldFrameEachRoutedPacketAsOneDataFrame()
    {
        final byte[] first = ipv4(INSIDE, CLIENT, 100);
        final byte[] second = ipv4(INSIDE, CLIENT, 1300);
        assertTrue(egress.offer(TUNNEL_ID, ByteBuffer.wrap(first), 0, first.length));
        assertTrue(egress.offer(TUNNEL_ID, ByteBuffer.wrap(second), 0, second.length));
        egress.wake();
        channel.runPendingTasks();
        assertArrayEquals(cstp(CstpHeader.TYPE_DATA, first), readOutboundBytes());
        assertArrayEquals(cstp(CstpHeader.TYPE_DATA, second), readOutboundBytes());
        assertEquals(2, counters.get(DataplaneCounter.CSTP_TX_DATA_PACKETS));
    }

    @Test
    void shouldDropPacketsForAnUnknownTunnel()
    {
        final byte[] packet = ipv4(INSIDE, CLIENT, 100);
        egress.offer(TUNNEL_ID + 1, ByteBuffer.wrap(packet), 0, packet.length);
        egress.wake();
        channel.runPendingTasks();
        assertNull(channel.readOutbound());
    }

    @Test
    void shouldSendDpdRequestAfterSilenceAndCloseAfterTwiceTheInterval()
    {
        channel.advanceTimeBy(6, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertArrayEquals(cstp(CstpHeader.TYPE_DPD_REQ, new byte[0]), readOutboundBytes());
        assertTrue(channel.isActive());
        channel.advanceTimeBy(5, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isActive());
        assertEquals(List.of("closed DPD_TIMEOUT"), events);
    }

    @Test
    void shouldStayUpWhileTheClientAnswers()
    {
        for (int i = 0; i < 5; i++)
        {
            channel.advanceTimeBy(4, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            channel.writeInbound(Unpooled.wrappedBuffer(cstp(CstpHeader.TYPE_KEEPALIVE, new byte[0])));
        }
        assertTrue(channel.isActive());
    }

    @Test
    void shouldSendDisconnectThenCloseWhenHeadendEndsTheSession()
    {
        final CstpTunnelHandler handler = channel.pipeline().get(CstpTunnelHandler.class);
        handler.disconnect("Administrator logged off the session");
        channel.runPendingTasks();
        final byte[] frame = readOutboundBytes();
        assertEquals(CstpHeader.TYPE_DISCONNECT, frame[6]);
        assertEquals((byte)0xb0, frame[8]);
        assertFalse(channel.isActive());
        assertEquals(List.of("closed LOCAL"), events);
    }

    private byte[] readOutboundBytes()
    {
        final ByteBuf buf = channel.readOutbound();
        final byte[] bytes = ByteBufUtil.getBytes(buf);
        buf.release();
        return bytes;
    }

    private List<byte[]> drainInbound()
    {
        final List<byte[]> packets = new ArrayList<>();
        inbound.ring().read((type, buffer, index, length) ->
        {
            final byte[] packet = new byte[length];
            buffer.getBytes(index, packet);
            packets.add(packet);
        });
        return packets;
    }
}
