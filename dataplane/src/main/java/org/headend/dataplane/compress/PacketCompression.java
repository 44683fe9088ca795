package org.headend.dataplane.compress;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.dataplane.api.CompressionMethod;

/**
 * One tunnel channel's compression as its transport uses it: the negotiated method, the sender's rule for when a
 * packet goes compressed, and buffers that hold the packet compressed for sending or decompressed for delivery.
 *
 * <p>Sender rule (docs/protocol/tunnel-and-dtls.md §6.1): only packets of at least {@link #MIN_COMPRESS_LENGTH}
 * bytes are tried, as ocserv does, and only a result shorter than the packet is sent; anything else goes plain
 * (type 0). Receiving, a decompressed packet is no longer than the tunnel MTU: longer is refused like garbage.
 *
 * <p>Thread: the transport's event loop. Allocation-free per packet; {@link #close} frees deflate's native memory.
 */
public final class PacketCompression implements AutoCloseable
{
    /** Shorter packets gain too little to be worth the CPU (ocserv's default no-compress-limit). */
    public static final int MIN_COMPRESS_LENGTH = 256;

    private static final PacketCompression NONE = new PacketCompression(CompressionMethod.NONE, null, null, null, 0);

    private final CompressionMethod method;
    private final LzsCodec lzs;
    private final DeflateCompressor deflater;
    private final DeflateDecompressor inflater;
    private final int mtu;
    private final UnsafeBuffer compressed;
    private final UnsafeBuffer packet;

    private PacketCompression(final CompressionMethod method, final LzsCodec lzs, final DeflateCompressor deflater,
        final DeflateDecompressor inflater, final int mtu)
    {
        this.method = method;
        this.lzs = lzs;
        this.deflater = deflater;
        this.inflater = inflater;
        this.mtu = mtu;
        this.compressed = new UnsafeBuffer(new byte[mtu]);
        this.packet = new UnsafeBuffer(new byte[mtu]);
    }

    /** No compression: {@link #negotiated()} is false and nothing is ever compressed. Shared, stateless. */
    public static PacketCompression none()
    {
        return NONE;
    }

    /**
     * @param method the negotiated method; {@link CompressionMethod#DEFLATE} gets streams of its own
     * @param lzs    the event loop's LZS tables (used for {@link CompressionMethod#LZS} only)
     * @param mtu    the tunnel MTU: the longest packet compressed or delivered
     */
    public static PacketCompression of(final CompressionMethod method, final LzsCodec lzs, final int mtu)
    {
        return switch (method)
        {
            case NONE -> NONE;
            case LZS -> new PacketCompression(method, lzs, null, null, mtu);
            case DEFLATE ->
                new PacketCompression(method, null, new DeflateCompressor(), new DeflateDecompressor(), mtu);
        };
    }

    public CompressionMethod method()
    {
        return method;
    }

    /** Whether compressed frames (type 8) are allowed on this channel at all. */
    public boolean negotiated()
    {
        return method != CompressionMethod.NONE;
    }

    /**
     * Whether a failed decompression must end the tunnel: a deflate stream is out of step for good after one bad
     * frame, while an LZS packet stands alone and can simply be dropped.
     */
    public boolean failureEndsTunnel()
    {
        return method == CompressionMethod.DEFLATE;
    }

    /**
     * The longest compressed payload accepted from the peer: an MTU-sized packet plus the worst expansion of either
     * method (LZS: one bit in eight and the end marker; deflate: block headers, the flush marker, the checksum).
     */
    public int maxCompressedLength()
    {
        return mtu + mtu / 8 + 16;
    }

    /**
     * Compresses one packet for sending, if the sender rule says so.
     *
     * @return the length of the compressed form in {@link #compressed()}, or 0 or less to send the packet plain
     */
    public int compress(final DirectBuffer src, final int index, final int length)
    {
        if (length < MIN_COMPRESS_LENGTH || method == CompressionMethod.NONE)
        {
            return 0;
        }
        final int capacity = Math.min(length - 1, compressed.capacity());
        return method == CompressionMethod.LZS
            ? lzs.compressor().compress(src, index, length, compressed, 0, capacity)
            : deflater.compress(src, index, length, compressed, 0, capacity);
    }

    /** The packet {@link #compress} compressed. */
    public DirectBuffer compressed()
    {
        return compressed;
    }

    /**
     * Decompresses one received payload into {@link #packet()}.
     *
     * @return the packet's length, or a negative {@link CodecStatus} code
     */
    public int decompress(final DirectBuffer src, final int index, final int length)
    {
        return switch (method)
        {
            case LZS -> lzs.decompressor().decompress(src, index, length, packet, 0, mtu);
            case DEFLATE -> inflater.decompress(src, index, length, packet, 0, mtu);
            case NONE -> CodecStatus.STREAM_BROKEN;
        };
    }

    /** The last packet {@link #decompress} produced, from index 0. */
    public DirectBuffer packet()
    {
        return packet;
    }

    /** Ends deflate's streams and frees their native memory. Idempotent; LZS and none hold nothing to free. */
    @Override
    public void close()
    {
        if (deflater != null)
        {
            deflater.close();
            inflater.close();
        }
    }
}
