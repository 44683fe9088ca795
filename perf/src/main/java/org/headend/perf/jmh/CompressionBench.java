package org.headend.perf.jmh;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.dataplane.api.CompressionMethod;
import org.headend.dataplane.compress.LzsCodec;
import org.headend.dataplane.compress.PacketCompression;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Tunnel compression of one 1400-byte IPv4 packet per operation, through the tunnels' own {@link PacketCompression}
 * (so the sender rule applies: a packet that does not shrink is given up on and sent plain). {@code compress} is
 * the headend's cost per outgoing packet; {@code roundTrip} adds the receiving side's decompression of it, the
 * headend's cost per incoming one. Off-heap buffers, as the rings hand over.
 */
public class CompressionBench extends StrictJvmBench
{
    private static final int PACKET = 1400;
    private static final int MTU = 1406;

    /** {@code lzs} (CSTP or DTLS) or {@code deflate} (CSTP). */
    @Param({"lzs", "deflate"})
    public String method;

    /** {@code compressible}: random picks among 32 eight-byte tokens; {@code random}: incompressible. */
    @Param({"compressible", "random"})
    public String data;

    private PacketCompression sender;
    private PacketCompression receiver;
    private UnsafeBuffer packet;

    @Setup
    public void setUp()
    {
        final CompressionMethod chosen = CompressionMethod.valueOf(method.toUpperCase(Locale.ROOT));
        sender = PacketCompression.of(chosen, LzsCodec.create(), MTU);
        receiver = PacketCompression.of(chosen, LzsCodec.create(), MTU);
        packet = new UnsafeBuffer(ByteBuffer.allocateDirect(PACKET));
        final SplittableRandom random = new SplittableRandom(1);
        final byte[] bytes = new byte[PACKET];
        if (data.equals("random"))
        {
            random.nextBytes(bytes);
        }
        else
        {
            final byte[] tokens = new byte[32 * 8];
            random.nextBytes(tokens);
            for (int i = 0; i < PACKET; i += 8)
            {
                System.arraycopy(tokens, random.nextInt(32) * 8, bytes, i, 8);
            }
        }
        bytes[0] = 0x45;
        packet.putBytes(0, bytes);
    }

    @TearDown
    public void tearDown()
    {
        sender.close();
        receiver.close();
    }

    @Benchmark
    public int compress()
    {
        return sender.compress(packet, 0, PACKET);
    }

    @Benchmark
    public int roundTrip()
    {
        final int length = sender.compress(packet, 0, PACKET);
        return length > 0 ? receiver.decompress(sender.compressed(), 0, length) : length;
    }
}
