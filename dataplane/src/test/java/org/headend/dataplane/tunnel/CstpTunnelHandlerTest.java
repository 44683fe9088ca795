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
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.Adler32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.dataplane.api.CompressionMethod;
import org.headend.dataplane.compress.LzsCodec;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.tun.ParkingIdleWaiter;
import org.headend.dataplane.tun.TunIdleStrategy;
import org.headend.dataplane.wire.CstpHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelListener;

class CstpTunnelHandlerTest
{
    private static final int CLIENT = address(192, 168, 100, 10);
    private static final int INSIDE = address(192, 168, 100, 1);
    private static final int TUNNEL_ID = 7;
    private static final int MTU = 1400;

    private final DataplaneCounters counters = new DataplaneCounters();
    private final InboundRing inbound = new InboundRing(64 * 1024, new TunIdleStrategy(new ParkingIdleWaiter()));
    private final List<String> events = new ArrayList<>();
    private final List<String> closeDetails = new ArrayList<>();
    private EmbeddedChannel channel;
    private EgressQueue egress;
    private TunnelPath path;

    @BeforeEach
    void setUp()
    {
        open(PacketCompression.none());
    }

    /** A tunnel on a new channel, with {@code compression} negotiated. */
    private void open(final PacketCompression compression)
    {
        channel = new EmbeddedChannel();
        egress = new EgressQueue(channel.eventLoop(), 64 * 1024);
        path = new TunnelPath(TUNNEL_ID, egress, new TunnelAccess(CLIENT, null, null));
        channel.pipeline().addLast(new CstpTunnelHandler(path, MTU, 5, inbound, compression, counters,
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
                    closeDetails.add(detail);
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
        assertEquals(1, path.cstpCounters().rxDrops(), "the session's own drop count (show vpn-sessiondb detail)");
        assertEquals(0, path.cstpCounters().rxPackets());
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
        assertEquals(EgressQueue.HANDED, egress.handOff(TUNNEL_ID, new UnsafeBuffer(first), 0, first.length));
        assertEquals(EgressQueue.HANDED, egress.handOff(TUNNEL_ID, new UnsafeBuffer(second), 0, second.length));
        egress.endBatch();
        channel.runPendingTasks();
        assertArrayEquals(cstp(CstpHeader.TYPE_DATA, first), readOutboundBytes());
        assertArrayEquals(cstp(CstpHeader.TYPE_DATA, second), readOutboundBytes());
        assertEquals(2, counters.get(DataplaneCounter.CSTP_TX_DATA_PACKETS));
    }

    @Test
    void shouldDropPacketsForAnUnknownTunnel()
    {
        final byte[] packet = ipv4(INSIDE, CLIENT, 100);
        egress.handOff(TUNNEL_ID + 1, new UnsafeBuffer(packet), 0, packet.length);
        egress.endBatch();
        channel.runPendingTasks();
        assertNull(channel.readOutbound());
    }

    @Test
    void shouldProbeThreeTimesAtTheIntervalThenCloseAnIntervalLater()
    {
        // dpd-interval gateway 5: silence for 5 s, then 3 probes 5 s apart, then the tunnel goes (the seed's retries)
        final List<Integer> probesAt = new java.util.ArrayList<>();
        int closedAt = -1;
        for (int second = 1; second <= 25 && closedAt < 0; second++)
        {
            channel.advanceTimeBy(1, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            final Object out = channel.readOutbound();
            if (out != null)
            {
                assertArrayEquals(cstp(CstpHeader.TYPE_DPD_REQ, new byte[0]), ByteBufUtil.getBytes((ByteBuf)out));
                ((ByteBuf)out).release();
                probesAt.add(second);
            }
            if (!channel.isActive())
            {
                closedAt = second;
            }
        }
        assertEquals(List.of(5, 10, 15), probesAt);
        assertEquals(20, closedAt);
        assertEquals(List.of("closed DPD_TIMEOUT"), events);
    }

    @Test
    void shouldStartTheProbeCountAgainWhenTheClientAnswers()
    {
        channel.advanceTimeBy(11, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertArrayEquals(cstp(CstpHeader.TYPE_DPD_REQ, new byte[0]), readOutboundBytes());
        assertArrayEquals(cstp(CstpHeader.TYPE_DPD_REQ, new byte[0]), readOutboundBytes());
        channel.writeInbound(Unpooled.wrappedBuffer(cstp(CstpHeader.TYPE_DPD_RESP, new byte[0])));
        channel.advanceTimeBy(19, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isActive(), "19 s after an answer: three new probes, not yet the end");
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isActive());
    }

    @Test
    void shouldFollowAGatewayDpdChangeWhileTheTunnelIsUp()
    {
        final CstpTunnelHandler handler = channel.pipeline().get(CstpTunnelHandler.class);
        handler.gatewayDpd(0);
        assertEquals(0, handler.gatewayDpdSeconds());
        channel.runPendingTasks();
        channel.advanceTimeBy(30, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertNull(channel.readOutbound(), "gateway DPD turned off: no probe");
        assertTrue(channel.isActive());

        handler.gatewayDpd(40);
        channel.runPendingTasks();
        channel.advanceTimeBy(7, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertNull(channel.readOutbound(), "37 s of silence: under the new 40 s interval");
        channel.advanceTimeBy(10, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertArrayEquals(cstp(CstpHeader.TYPE_DPD_REQ, new byte[0]), readOutboundBytes(),
            "the silence before the change counts: a probe once it passes 40 s");
        channel.advanceTimeBy(110, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isActive(), "157 s of silence: under 4 x the new 40 s interval");
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

    /** Compression negotiated as LZS: type 8 both ways, each packet on its own. */
    @Nested
    class WithLzs
    {
        private final LzsCodec client = LzsCodec.create();

        @BeforeEach
        void negotiateLzs()
        {
            reopen(PacketCompression.of(CompressionMethod.LZS, LzsCodec.create(), MTU));
        }

        @Test
        void shouldDeliverCompressedPacketsThroughTheSameChecksAsPlainOnes()
        {
            final byte[] packet = ipv4(CLIENT, INSIDE, 1000);
            channel.writeInbound(Unpooled.wrappedBuffer(cstp(CstpHeader.TYPE_COMPRESSED, lzs(packet))));
            channel.writeInbound(Unpooled.wrappedBuffer(cstp(CstpHeader.TYPE_COMPRESSED,
                lzs(ipv4(address(192, 168, 100, 11), INSIDE, 1000)))));
            channel.writeInbound(Unpooled.wrappedBuffer(cstp(CstpHeader.TYPE_DATA, packet)));
            final List<byte[]> delivered = drainInbound();
            assertEquals(2, delivered.size(), "the compressed and the plain copy; not the spoofed one");
            assertArrayEquals(packet, delivered.get(0));
            assertEquals(1, counters.get(DataplaneCounter.SPOOFED_SOURCE_DROPS));
            assertEquals(2, counters.get(DataplaneCounter.CSTP_RX_COMPRESSED_FRAMES));
            assertEquals(2, counters.get(DataplaneCounter.CSTP_RX_DATA_PACKETS));
        }

        @Test
        void shouldDropAndCountAPacketThatDoesNotDecompressButKeepTheTunnel()
        {
            channel.writeInbound(Unpooled.wrappedBuffer(cstp(CstpHeader.TYPE_COMPRESSED,
                new byte[] {(byte)0x80, 0x01, (byte)0x80})));
            final byte[] tooLong = ipv4(CLIENT, INSIDE, MTU + 1);
            channel.writeInbound(Unpooled.wrappedBuffer(cstp(CstpHeader.TYPE_COMPRESSED, lzs(tooLong))));
            assertTrue(channel.isActive());
            assertEquals(2, counters.get(DataplaneCounter.CSTP_DECOMPRESSION_FAILURES));
            assertTrue(drainInbound().isEmpty());
            final byte[] packet = ipv4(CLIENT, INSIDE, 500);
            channel.writeInbound(Unpooled.wrappedBuffer(cstp(CstpHeader.TYPE_COMPRESSED, lzs(packet))));
            assertArrayEquals(packet, drainInbound().get(0));
        }

        @Test
        void shouldCompressLargePacketsThatShrinkAndSendTheOthersPlain()
        {
            final byte[] large = ipv4(INSIDE, CLIENT, 1000);
            final byte[] small = ipv4(INSIDE, CLIENT, PacketCompression.MIN_COMPRESS_LENGTH - 1);
            final byte[] random = randomPayload(ipv4(INSIDE, CLIENT, 1000));
            route(large, small, random);
            final byte[] first = readOutboundBytes();
            assertEquals(CstpHeader.TYPE_COMPRESSED, first[6]);
            assertTrue(first.length < 8 + 1000 / 2, "a counting payload shrinks a lot: " + first.length);
            final UnsafeBuffer out = new UnsafeBuffer(new byte[MTU]);
            assertEquals(1000, client.decompressor().decompress(new UnsafeBuffer(first), 8, first.length - 8, out, 0,
                MTU));
            assertArrayEquals(large, Arrays.copyOf(out.byteArray(), 1000));
            assertArrayEquals(cstp(CstpHeader.TYPE_DATA, small), readOutboundBytes(), "too small to try");
            assertArrayEquals(cstp(CstpHeader.TYPE_DATA, random), readOutboundBytes(), "would not shrink");
            assertEquals(1, counters.get(DataplaneCounter.CSTP_TX_COMPRESSED_FRAMES));
            assertEquals(3, counters.get(DataplaneCounter.CSTP_TX_DATA_PACKETS));
        }

        private byte[] lzs(final byte[] packet)
        {
            final UnsafeBuffer out = new UnsafeBuffer(new byte[2 * packet.length + 8]);
            final int n = client.compressor().compress(new UnsafeBuffer(packet), 0, packet.length, out, 0,
                out.capacity());
            return Arrays.copyOf(out.byteArray(), n);
        }
    }

    /** Compression negotiated as deflate: one stream per direction, Adler-32 trailers. */
    @Nested
    class WithDeflate
    {
        private final Deflater clientDeflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        private final Adler32 clientSent = new Adler32();

        @BeforeEach
        void negotiateDeflate()
        {
            reopen(PacketCompression.of(CompressionMethod.DEFLATE, null, MTU));
        }

        @AfterEach
        void endClient()
        {
            clientDeflater.end();
        }

        @Test
        void shouldInflateTheClientsStreamFrameAfterFrame()
        {
            final List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                final byte[] packet = ipv4(CLIENT, INSIDE, 600 + 40 * i);
                sent.add(packet);
                channel.writeInbound(Unpooled.wrappedBuffer(cstp(CstpHeader.TYPE_COMPRESSED, deflate(packet))));
            }
            final List<byte[]> delivered = drainInbound();
            assertEquals(20, delivered.size());
            for (int i = 0; i < 20; i++)
            {
                assertArrayEquals(sent.get(i), delivered.get(i));
            }
            assertEquals(20, counters.get(DataplaneCounter.CSTP_RX_COMPRESSED_FRAMES));
        }

        @Test
        void shouldEndTheTunnelWhenTheChecksumDoesNotMatch()
        {
            final byte[] payload = deflate(ipv4(CLIENT, INSIDE, 600));
            payload[payload.length - 1] ^= 1;
            channel.writeInbound(Unpooled.wrappedBuffer(cstp(CstpHeader.TYPE_COMPRESSED, payload)));
            assertFalse(channel.isActive());
            assertEquals(List.of("closed PROTOCOL_ERROR"), events);
            assertTrue(closeDetails.get(0).contains("Adler-32"), closeDetails.get(0));
            assertEquals(1, counters.get(DataplaneCounter.CSTP_DECOMPRESSION_FAILURES));
            assertTrue(drainInbound().isEmpty());
        }

        @Test
        void shouldSendAStreamTheClientInflatesWithMatchingChecksums() throws DataFormatException
        {
            final Inflater clientInflater = new Inflater(true);
            final Adler32 clientReceived = new Adler32();
            final byte[] random = randomPayload(ipv4(INSIDE, CLIENT, 1200));
            for (int i = 0; i < 10; i++)
            {
                final byte[] packet = ipv4(INSIDE, CLIENT, 700 + 50 * i);
                route(packet, random);
                final byte[] frame = readOutboundBytes();
                assertEquals(CstpHeader.TYPE_COMPRESSED, frame[6]);
                clientInflater.setInput(frame, 8, frame.length - 8 - 4);
                final byte[] out = new byte[MTU];
                final int n = clientInflater.inflate(out);
                assertArrayEquals(packet, Arrays.copyOf(out, n));
                clientReceived.update(out, 0, n);
                assertEquals((int)clientReceived.getValue(),
                    new UnsafeBuffer(frame).getInt(frame.length - 4, ByteOrder.BIG_ENDIAN));
                assertArrayEquals(cstp(CstpHeader.TYPE_DATA, random), readOutboundBytes(),
                    "random data goes plain, outside the stream");
            }
            clientInflater.end();
            assertEquals(10, counters.get(DataplaneCounter.CSTP_TX_COMPRESSED_FRAMES));
        }

        /** What openconnect sends: its stream's next piece after a sync flush, then the running Adler-32. */
        private byte[] deflate(final byte[] packet)
        {
            clientDeflater.setInput(packet);
            final byte[] out = new byte[2 * packet.length + 64];
            final int n = clientDeflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            clientSent.update(packet);
            new UnsafeBuffer(out).putInt(n, (int)clientSent.getValue(), ByteOrder.BIG_ENDIAN);
            return Arrays.copyOf(out, n + 4);
        }
    }

    /** Replaces the tunnel of {@link #setUp} with one that negotiated {@code compression}. */
    private void reopen(final PacketCompression compression)
    {
        channel.finishAndReleaseAll();
        events.clear();
        closeDetails.clear();
        open(compression);
    }

    /** Routes packets to the tunnel as the TUN agent would, and lets the event loop frame them. */
    private void route(final byte[]... packets)
    {
        for (final byte[] packet : packets)
        {
            assertEquals(EgressQueue.HANDED, egress.handOff(TUNNEL_ID, new UnsafeBuffer(packet), 0, packet.length));
        }
        egress.endBatch();
        channel.runPendingTasks();
    }

    private static byte[] randomPayload(final byte[] packet)
    {
        final byte[] noise = new byte[packet.length - 20];
        new SplittableRandom(packet.length).nextBytes(noise);
        System.arraycopy(noise, 0, packet, 20, noise.length);
        return packet;
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
