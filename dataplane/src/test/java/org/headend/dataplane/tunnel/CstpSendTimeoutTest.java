package org.headend.dataplane.tunnel;

import static org.headend.dataplane.wire.Packets.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.tun.ParkingIdleWaiter;
import org.headend.dataplane.tun.TunIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading (a zero TCP window) has its data dropped and counted, and once it has taken nothing
 * for the send timeout its tunnel is closed, as a dead peer's is (the session stays); a client on a slow link that
 * still takes something now and then is never closed, and one that catches up starts the clock again.
 */
class CstpSendTimeoutTest
{
    private static final int HIGH_WATER = 64 * 1024;
    private static final int PACKET = 1300;
    private static final long TIMEOUT_SECONDS = CstpTunnelHandler.SEND_TIMEOUT_NANOS / 1_000_000_000L;

    private final DataplaneCounters counters = new DataplaneCounters();
    private final List<String> closes = new ArrayList<>();
    private final UnsafeBuffer packet = new UnsafeBuffer(new byte[PACKET]);
    private final SlowReader client = new SlowReader();
    private EmbeddedChannel channel;
    private CstpTunnelHandler tunnel;

    @BeforeEach
    void setUp()
    {
        channel = new EmbeddedChannel();
        // the test's time only: a slow machine must not move the clocks
        channel.freezeTime();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(HIGH_WATER / 4, HIGH_WATER));
        final EgressQueue egress = new EgressQueue(channel.eventLoop(), 64 * 1024);
        final TunnelPath path = new TunnelPath(7, egress, new TunnelAccess(address(192, 168, 100, 10), null, null));
        // gateway DPD off: the send timeout must not lean on it
        tunnel = new CstpTunnelHandler(path, 1400, 0,
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
            });
        channel.pipeline().addLast(client, tunnel);
    }

    @AfterEach
    void tearDown()
    {
        client.discard();
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldCloseTheTunnelOfAClientThatReadsNothingForTheSendTimeout()
    {
        fillUntilUnwritable();
        final int dropped = 100;
        for (int i = 0; i < dropped; i++)
        {
            assertFalse(tunnel.writeData(packet, 0, PACKET));
        }
        assertEquals(dropped, counters.get(DataplaneCounter.EGRESS_BACKLOG_DROPS), "dropped and counted, not queued");

        final int closedAfter = secondsUntilClosed(3 * TIMEOUT_SECONDS, 0);
        assertTrue(closedAfter >= TIMEOUT_SECONDS && closedAfter <= TIMEOUT_SECONDS + 5,
            "closed " + closedAfter + " s after the client stopped reading");
        assertEquals(1, counters.get(DataplaneCounter.CSTP_SEND_TIMEOUTS));
        assertEquals(1, closes.size());
        assertTrue(closes.getFirst().startsWith("SEND_TIMEOUT: the client read nothing it was sent for "),
            closes.toString());
    }

    @Test
    void shouldKeepATunnelWhoseClientReadsSlowly()
    {
        fillUntilUnwritable();
        // one packet's worth taken every 10 s: far less than the high-water mark, but not nothing
        assertEquals(-1, secondsUntilClosed(10 * TIMEOUT_SECONDS, 10));
        assertFalse(channel.isWritable(), "still over the high-water mark all along");
        assertEquals(0, counters.get(DataplaneCounter.CSTP_SEND_TIMEOUTS));
        assertTrue(closes.isEmpty(), closes.toString());
    }

    @Test
    void shouldStartTheClockAgainWhenTheClientCatchesUp()
    {
        fillUntilUnwritable();
        assertEquals(-1, secondsUntilClosed(TIMEOUT_SECONDS - 5, 0));
        client.readAll();
        channel.runPendingTasks();
        assertTrue(channel.isWritable());
        fillUntilUnwritable();
        assertEquals(-1, secondsUntilClosed(TIMEOUT_SECONDS - 5, 0), "a new stall gets the whole timeout");
        assertTrue(secondsUntilClosed(10, 0) > 0, "and then it is closed");
    }

    private void fillUntilUnwritable()
    {
        int written = 0;
        while (channel.isWritable())
        {
            tunnel.writeData(packet, 0, PACKET);
            tunnel.flushBatch();
            assertTrue(++written < 10_000, "the connection never went over its high-water mark");
        }
        // the writability change reaches the handlers as a task of the loop
        channel.runPendingTasks();
    }

    /**
     * Moves the clock a second at a time for up to {@code seconds}, the client taking one queued frame every
     * {@code readEvery} seconds (0: never); the second at which the tunnel closed, or -1.
     */
    private int secondsUntilClosed(final long seconds, final int readEvery)
    {
        for (int second = 1; second <= seconds; second++)
        {
            channel.advanceTimeBy(1, TimeUnit.SECONDS);
            if (readEvery > 0 && second % readEvery == 0)
            {
                client.readOne();
            }
            channel.runPendingTasks();
            if (!channel.isActive())
            {
                return second;
            }
        }
        return -1;
    }

    /**
     * The client's end of the connection: what is written waits here, counted against the channel's high-water
     * mark as the socket's unsent bytes are, until the client takes it.
     */
    private static final class SlowReader extends ChannelOutboundHandlerAdapter
    {
        private ChannelHandlerContext ctx;
        private PendingWriteQueue unread;

        @Override
        public void handlerAdded(final ChannelHandlerContext ctx)
        {
            this.ctx = ctx;
            unread = new PendingWriteQueue(ctx);
        }

        @Override
        public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
        {
            unread.add(msg, promise);
        }

        @Override
        public void flush(final ChannelHandlerContext ctx)
        {
            // nothing leaves until the client reads
        }

        void readOne()
        {
            unread.removeAndWrite();
            taken();
        }

        void readAll()
        {
            unread.removeAndWriteAll();
            taken();
        }

        void discard()
        {
            unread.removeAndFailAll(new IllegalStateException("test over"));
        }

        /** What the client took leaves the channel, and is thrown away. */
        private void taken()
        {
            ctx.flush();
            ((EmbeddedChannel)ctx.channel()).releaseOutbound();
        }
    }
}
