package org.headend.dataplane.compress;

/**
 * The LZS tables of one event loop. LZS keeps nothing between packets, so every tunnel on the loop, CSTP or DTLS,
 * shares one compressor and one decompressor (about 400 KB) instead of holding its own.
 */
public record LzsCodec(LzsCompressor compressor, LzsDecompressor decompressor)
{
    public static LzsCodec create()
    {
        return new LzsCodec(new LzsCompressor(), new LzsDecompressor());
    }
}
