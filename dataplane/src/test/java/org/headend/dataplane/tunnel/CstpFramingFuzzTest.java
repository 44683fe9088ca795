package org.headend.dataplane.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.headend.dataplane.api.CompressionMethod;
import org.headend.dataplane.compress.LzsCodec;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.wire.CstpHeader;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelListener;

/**
 * The CSTP decoder under an arbitrary byte stream from an authenticated client: it never throws, closes the tunnel
 * at most once and with a reason, hands the TUN only packets within the MTU from the client's own address, answers
 * only with well-formed frames within the control limit, and does the same whatever TCP did to the segment borders.
 */
class CstpFramingFuzzTest
{
    private static final int CLIENT = 0xC0A8640A;
    private static final int MTU = 1400;
    private static final int MAX_CONTROL_PAYLOAD = 2048;

    @FuzzTest
    void anyStreamIsDecodedSafelyAndIndependentlyOfSegmentation(final FuzzedDataProvider data)
    {
        final CompressionMethod method = data.pickValue(CompressionMethod.values());
        final int cut = data.consumeInt(1, 512);
        final byte[] stream = data.consumeRemainingAsBytes();

        final Tunnel whole = new Tunnel(method);
        whole.channel.writeInbound(Unpooled.wrappedBuffer(stream));
        whole.finish();

        final Tunnel pieces = new Tunnel(method);
        for (int start = 0; start < stream.length && pieces.channel.isOpen(); start += cut)
        {
            pieces.channel.writeInbound(Unpooled.wrappedBuffer(stream, start, Math.min(cut, stream.length - start)));
        }
        pieces.finish();

        assertEquals(whole.events, pieces.events, "segmentation changed what the tunnel did");
        assertEquals(whole.packets.size(), pieces.packets.size());
        for (int i = 0; i < whole.packets.size(); i++)
        {
            assertTrue(Arrays.equals(whole.packets.get(i), pieces.packets.get(i)), "packet " + i + " differs");
        }
        assertEquals(whole.answers, pieces.answers);
    }

    /** One tunnel on an embedded channel, recording what it hands on. */
    private static final class Tunnel
    {
        final EmbeddedChannel channel = new EmbeddedChannel();
        final List<byte[]> packets = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        final List<String> answers = new ArrayList<>();
        /** Collected rather than thrown: the decoder would turn an AssertionError into a protocol error. */
        final List<String> violations = new ArrayList<>();

        Tunnel(final CompressionMethod method)
        {
            final PacketCompression compression = method == CompressionMethod.NONE ? PacketCompression.none()
                : PacketCompression.of(method, LzsCodec.create(), MTU);
            final TunnelPath path = new TunnelPath(7, new EgressQueue(channel.eventLoop(), 64 * 1024),
                new TunnelAccess(CLIENT, null, null));
            final InboundSink inbound = (src, index, length) ->
            {
                if (length > MTU)
                {
                    violations.add("a packet of " + length + " bytes passed an MTU of " + MTU);
                }
                if (length < 20 || src.getInt(index + 12, java.nio.ByteOrder.BIG_ENDIAN) != CLIENT)
                {
                    violations.add("a packet not from the lease passed");
                }
                final byte[] packet = new byte[length];
                src.getBytes(index, packet);
                packets.add(packet);
                return true;
            };
            channel.pipeline().addLast(new CstpTunnelHandler(path, MTU, 0, inbound, compression,
                new DataplaneCounters(), new TunnelListener()
                {
                    @Override
                    public void onDisconnectRequest(final int reason, final String text)
                    {
                        events.add("disconnect " + reason + " " + text);
                    }

                    @Override
                    public void onClosed(final CloseCause cause, final String detail)
                    {
                        if (events.stream().anyMatch(e -> e.startsWith("closed")))
                        {
                            violations.add("closed twice");
                        }
                        if (detail == null || detail.isBlank())
                        {
                            violations.add("closed without a reason");
                        }
                        events.add("closed " + cause);
                    }
                }));
        }

        void finish()
        {
            channel.runPendingTasks();
            channel.checkException();
            for (ByteBuf frame = channel.readOutbound(); frame != null; frame = channel.readOutbound())
            {
                assertTrue(frame.readableBytes() >= CstpHeader.HEADER_LENGTH, "short frame sent");
                final int length = CstpHeader.check(frame, frame.readerIndex());
                assertEquals(frame.readableBytes() - CstpHeader.HEADER_LENGTH, length, "frame length field");
                final int type = CstpHeader.type(frame, frame.readerIndex());
                if (type != CstpHeader.TYPE_DATA && type != CstpHeader.TYPE_COMPRESSED)
                {
                    assertTrue(length <= MAX_CONTROL_PAYLOAD, () -> "control frame of " + length + " bytes sent");
                }
                answers.add(type + ":" + length);
                frame.release();
            }
            channel.finishAndReleaseAll();
            channel.checkException();
            assertEquals(List.of(), violations);
        }
    }
}
