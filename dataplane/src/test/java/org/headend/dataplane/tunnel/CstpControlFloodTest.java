package org.headend.dataplane.tunnel;

import static org.headend.dataplane.wire.Packets.address;
import static org.headend.dataplane.wire.Packets.cstp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.tun.ParkingIdleWaiter;
import org.headend.dataplane.tun.TunIdleStrategy;
import org.headend.dataplane.wire.CstpHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelListener;

/**
 * One client's control traffic is bounded (bad-inputs #34, #36): DPD requests over the tunnel's rate are not
 * answered, a flood ends the tunnel, and a client that does not read its answers gets them dropped and counted
 * (never queued without bound), then its tunnel closed.
 */
class CstpControlFloodTest
{
    private static final int HIGH_WATER = 16 * 1024;
    private static final byte[] PAYLOAD = new byte[2048];

    private final DataplaneCounters counters = new DataplaneCounters();
    private final List<String> closes = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp()
    {
        channel = new EmbeddedChannel();
        // the test's time only: the budget refills on the clock, and a slow machine must not add tokens
        channel.freezeTime();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(HIGH_WATER / 2, HIGH_WATER));
        final EgressQueue egress = new EgressQueue(channel.eventLoop(), 64 * 1024);
        final TunnelPath path = new TunnelPath(7, egress, new TunnelAccess(address(192, 168, 100, 10), null, null));
        channel.pipeline().addLast(new CstpTunnelHandler(path, 1400, 0,
            new InboundRing(64 * 1024, new TunIdleStrategy(new ParkingIdleWaiter())), PacketCompression.none(),
            counters, new TunnelListener()
            {
                @Override
                public void onDisconnectRequest(final int reason, final String text)
                {
                }

                @Override
                public void onClosed(final CloseCause cause, final String detail)
                {
                    closes.add(cause + ": " + detail);
                }
            }));
    }

    @AfterEach
    void tearDown()
    {
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldAnswerOnlyTheBurstOfADpdFloodAndCountTheRest()
    {
        sendDpdRequests(200);
        assertEquals(ControlFrameBudget.BURST, answers(), "a burst is answered, the rest of the flood is not");
        assertEquals(200 - ControlFrameBudget.BURST, counters.get(DataplaneCounter.CSTP_CONTROL_OVER_RATE));
        assertTrue(channel.isActive(), "a burst is not yet a reason to end the tunnel");

        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        sendDpdRequests(ControlFrameBudget.PER_SECOND);
        assertEquals(ControlFrameBudget.PER_SECOND, answers(), "the budget refills at the documented rate");
    }

    @Test
    void shouldCloseATunnelThatKeepsFloodingDpdRequests()
    {
        sendDpdRequests(ControlFrameBudget.BURST + ControlFrameBudget.ABUSE_LIMIT + 100);
        assertFalse(channel.isActive());
        assertEquals(1, counters.get(DataplaneCounter.CSTP_ABUSIVE_CLOSES));
        assertTrue(closes.getFirst().startsWith("PROTOCOL_ERROR: control-frame flood"), closes.toString());
        assertEquals(ControlFrameBudget.BURST, answers());
    }

    @Test
    void shouldDropAnswersTheClientDoesNotReadThenCloseTheTunnel()
    {
        stallTheSocket();
        long mostPending = 0;
        int sent = 0;
        while (channel.isActive() && sent < 1000)
        {
            sendOneSpacedOut();
            mostPending = Math.max(mostPending, pendingBytes());
            sent++;
        }
        assertFalse(channel.isActive(), "a tunnel whose client never reads is closed");
        assertTrue(mostPending <= HIGH_WATER + 2 * (PAYLOAD.length + CstpHeader.HEADER_LENGTH),
            "queued answers stay under the high water mark: " + mostPending);
        assertEquals(CstpTunnelHandler.MAX_UNREAD_ANSWERS, counters.get(DataplaneCounter.CSTP_UNREAD_ANSWER_DROPS));
        assertEquals(1, counters.get(DataplaneCounter.CSTP_ABUSIVE_CLOSES));
        assertTrue(closes.getFirst().startsWith("PROTOCOL_ERROR: client does not read"), closes.toString());
    }

    @Test
    void shouldForgiveDroppedAnswersOnceTheClientReadsAgain()
    {
        final Stall stall = stallTheSocket();
        for (int round = 0; round < 3; round++)
        {
            // fill the buffer, then drop a few less than the limit
            while (channel.isWritable())
            {
                sendOneSpacedOut();
            }
            for (int i = 0; i < CstpTunnelHandler.MAX_UNREAD_ANSWERS - 1; i++)
            {
                sendOneSpacedOut();
            }
            assertTrue(channel.isActive(), "round " + round);
            stall.drain();
            answers();
        }
        assertTrue(channel.isActive(), "a client that catches up each time is never closed");
        assertEquals(3L * (CstpTunnelHandler.MAX_UNREAD_ANSWERS - 1),
            counters.get(DataplaneCounter.CSTP_UNREAD_ANSWER_DROPS));
    }

    /** Spaced out so that the rate limit never applies: these tests are about unread answers only. */
    private void sendOneSpacedOut()
    {
        channel.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        channel.writeInbound(Unpooled.wrappedBuffer(cstp(CstpHeader.TYPE_DPD_REQ, PAYLOAD)));
    }

    private long pendingBytes()
    {
        return channel.unsafe().outboundBuffer() == null ? 0
            : channel.unsafe().outboundBuffer().totalPendingWriteBytes();
    }

    /** The socket accepts nothing: what is written stays in the channel's outbound buffer, as with a zero window. */
    private Stall stallTheSocket()
    {
        final Stall stall = new Stall();
        channel.pipeline().addFirst(stall);
        return stall;
    }

    private static final class Stall extends ChannelOutboundHandlerAdapter
    {
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(final ChannelHandlerContext ctx)
        {
            this.ctx = ctx;
        }

        @Override
        public void flush(final ChannelHandlerContext ctx)
        {
        }

        /** The client reads everything queued. */
        void drain()
        {
            ctx.flush();
        }
    }

    private void sendDpdRequests(final int count)
    {
        final byte[] frame = cstp(CstpHeader.TYPE_DPD_REQ, PAYLOAD);
        final ByteBuf all = Unpooled.buffer(frame.length * count);
        for (int i = 0; i < count; i++)
        {
            all.writeBytes(frame);
        }
        channel.writeInbound(all);
    }

    /** Reads and counts the DPD answers written so far. */
    private int answers()
    {
        int n = 0;
        for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound())
        {
            assertEquals(CstpHeader.TYPE_DPD_RESP, out.getUnsignedByte(6));
            out.release();
            n++;
        }
        return n;
    }
}
