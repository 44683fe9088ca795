package org.headend.perf.jmh;

import org.headend.crypto.Aead;
import org.headend.crypto.AeadProvider;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * AES-128-GCM seal and open of one record per operation, as the DTLS record layer will call them: a fresh nonce
 * per seal (the explicit part is a counter), 13 bytes of AAD (the DTLS 1.2 pseudo-header), ciphertext and tag
 * written to a separate slot. One thread, one {@link Aead}, through {@link AeadProvider} so the production path
 * is measured.
 * <p>
 * Score is records per second; {@link AeadBenchMain} multiplies by {@code size} for GB/s. {@code memory=direct} is
 * what the data plane's rings and sockets hand over; {@code heap} shows the cost of array-backed buffers (the
 * OpenSSL path stages them through native memory).
 * <p>
 * JMH itself uses {@code sun.misc.Unsafe}, so the forks allow it; everything else runs with the appliance's strict
 * flags.
 */
public class AeadBench extends StrictJvmBench
{
    private static final int AAD_LENGTH = 13;
    private static final int EXPLICIT_NONCE_OFFSET = 4;

    /** {@code openssl} or {@code jdk}: the {@link AeadProvider} mode. */
    @Param({"openssl", "jdk"})
    public String impl;

    /** Plaintext bytes per record. */
    @Param({"64", "1400", "9000"})
    public int size;

    /** {@code direct} (off-heap) or {@code heap} buffers. */
    @Param({"direct", "heap"})
    public String memory;

    private Aead aead;
    private MutableDirectBuffer sealNonce;
    private MutableDirectBuffer openNonce;
    private MutableDirectBuffer aad;
    private MutableDirectBuffer plaintext;
    private MutableDirectBuffer sealed;
    private MutableDirectBuffer record;
    private MutableDirectBuffer opened;
    private long sequence;

    /**
     * Makes the AEAD and the buffers, and seals the record the open benchmark opens.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        final SplittableRandom random = new SplittableRandom(1400);
        final byte[] key = bytes(random, Aead.KEY_LENGTH_128);
        aead = AeadProvider.select(impl).create(key);
        if (!aead.name().startsWith(impl))
        {
            throw new IllegalStateException("asked for " + impl + ", got " + aead.name());
        }

        sealNonce = buffer(Aead.NONCE_LENGTH);
        sealNonce.putBytes(0, bytes(random, Aead.NONCE_LENGTH));
        openNonce = buffer(Aead.NONCE_LENGTH);
        openNonce.putBytes(0, bytes(random, Aead.NONCE_LENGTH));
        aad = buffer(AAD_LENGTH);
        aad.putBytes(0, bytes(random, AAD_LENGTH));
        plaintext = buffer(size);
        plaintext.putBytes(0, bytes(random, size));
        sealed = buffer(size + Aead.TAG_LENGTH);
        record = buffer(size + Aead.TAG_LENGTH);
        opened = buffer(size);

        // A separate instance seals the record, so the nonce the seal benchmark starts from is not yet used.
        try (Aead sealer = AeadProvider.select(impl).create(key))
        {
            check(sealer.seal(openNonce, 0, aad, 0, AAD_LENGTH, plaintext, 0, size, record, 0), size + Aead.TAG_LENGTH);
        }
        check(open(), size);
    }

    /**
     * Frees the AEAD.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        aead.close();
    }

    /**
     * Seals one record under the next nonce.
     *
     * @return bytes written, so JMH consumes the result.
     */
    @Benchmark
    public int seal()
    {
        sealNonce.putLong(EXPLICIT_NONCE_OFFSET, ++sequence);
        return aead.seal(sealNonce, 0, aad, 0, AAD_LENGTH, plaintext, 0, size, sealed, 0);
    }

    /**
     * Verifies and decrypts one record.
     *
     * @return plaintext length, so JMH consumes the result.
     */
    @Benchmark
    public int open()
    {
        return aead.open(openNonce, 0, aad, 0, AAD_LENGTH, record, 0, size + Aead.TAG_LENGTH, opened, 0);
    }

    private MutableDirectBuffer buffer(final int capacity)
    {
        return "heap".equals(memory) ?
            new UnsafeBuffer(new byte[capacity]) :
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity));
    }

    private static byte[] bytes(final SplittableRandom random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static void check(final int result, final int expected)
    {
        if (result != expected)
        {
            throw new IllegalStateException("expected " + expected + ", got " + result);
        }
    }
}
