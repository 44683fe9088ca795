package org.headend.perf.jmh;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.crypto.AeadProvider;
import org.headend.dataplane.api.DtlsKeys;
import org.headend.dataplane.dtls.DtlsRecordCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The data plane's DTLS 1.2 record layer on one record per operation: {@code seal} builds the header and explicit
 * nonce and seals in place (what the headend does per outgoing packet); {@code sealAndOpen} also opens it on the
 * receiving side, replay window included (a peer's seal plus the headend's open per incoming packet). Off-heap
 * buffers, as the sockets hand over.
 */
public class DtlsRecordBench extends StrictJvmBench
{
    /** {@code openssl} or {@code jdk}: the AEAD under the record layer. */
    @Param({"openssl", "jdk"})
    public String impl;

    /** Plaintext bytes per record (type byte and packet). */
    @Param({"64", "1400", "9000"})
    public int size;

    private DtlsRecordCodec headend;
    private DtlsRecordCodec peer;
    private UnsafeBuffer record;
    private UnsafeBuffer opened;

    @Setup
    public void setUp()
    {
        final SecureRandom random = new SecureRandom();
        final byte[] clientKey = new byte[16];
        final byte[] serverKey = new byte[16];
        final byte[] clientIv = new byte[4];
        final byte[] serverIv = new byte[4];
        random.nextBytes(clientKey);
        random.nextBytes(serverKey);
        random.nextBytes(clientIv);
        random.nextBytes(serverIv);
        final AeadProvider provider = AeadProvider.select(impl);
        headend = new DtlsRecordCodec(new DtlsKeys(1, clientKey, serverKey, clientIv, serverIv, 1, "AES-GCM-128",
            "SHA256"), provider::create);
        // the peer seals with what the headend opens with: the same keys, directions swapped
        peer = new DtlsRecordCodec(new DtlsKeys(1, serverKey, clientKey, serverIv, clientIv, 1, "AES-GCM-128",
            "SHA256"), provider::create);
        record = new UnsafeBuffer(ByteBuffer.allocateDirect(size + DtlsRecordCodec.OVERHEAD));
        opened = new UnsafeBuffer(ByteBuffer.allocateDirect(size + DtlsRecordCodec.OVERHEAD));
        for (int i = 0; i < size; i++)
        {
            record.putByte(DtlsRecordCodec.PLAINTEXT_OFFSET + i, (byte)i);
        }
    }

    @TearDown
    public void tearDown()
    {
        headend.close();
        peer.close();
    }

    @Benchmark
    public int seal()
    {
        return headend.sealInPlace(record, 0, size);
    }

    @Benchmark
    public int sealAndOpen()
    {
        final int length = peer.sealInPlace(record, 0, size);
        return headend.open(record, 0, length, opened, 0);
    }
}
