package org.headend.dataplane.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.crypto.openssl.EvpAesGcm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.headend.dataplane.api.DtlsKeys;

class DtlsRecordCodecAllocationTest
{
    @Test
    void shouldSealAndOpenAMillionRecordsWithoutAllocating()
    {
        Assumptions.assumeTrue(EvpAesGcm.isAvailable(), "libcrypto is needed for the allocation-free AEAD");
        final byte[] clientKey = new byte[16];
        final byte[] serverKey = new byte[16];
        serverKey[0] = 1;
        final byte[] clientIv = {1, 2, 3, 4};
        final byte[] serverIv = {5, 6, 7, 8};
        final DtlsRecordCodec headend = new DtlsRecordCodec(
            new DtlsKeys(1, clientKey, serverKey, clientIv, serverIv, 1, "AES-GCM-128", "SHA256"), EvpAesGcm::new);
        final DtlsRecordCodec peer = new DtlsRecordCodec(
            new DtlsKeys(1, serverKey, clientKey, serverIv, clientIv, 1, "AES-GCM-128", "SHA256"), EvpAesGcm::new);
        final UnsafeBuffer record = new UnsafeBuffer(ByteBuffer.allocateDirect(1400 + DtlsRecordCodec.OVERHEAD));
        final UnsafeBuffer plaintext = new UnsafeBuffer(ByteBuffer.allocateDirect(1400 + DtlsRecordCodec.OVERHEAD));
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

        roundTrips(headend, peer, record, plaintext, 200_000);
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 5 && allocated != 0; round++)
        {
            threads.getCurrentThreadAllocatedBytes();
            final long before = threads.getCurrentThreadAllocatedBytes();
            roundTrips(headend, peer, record, plaintext, 1_000_000);
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertEquals(0, allocated, "bytes allocated sealing and opening 1M records of 1400 B");
        headend.close();
        peer.close();
    }

    private static void roundTrips(final DtlsRecordCodec headend, final DtlsRecordCodec peer, final UnsafeBuffer record,
        final UnsafeBuffer plaintext, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final int length = peer.sealInPlace(record, 0, 1400);
            if (headend.open(record, 0, length, plaintext, 0) != 1400)
            {
                throw new AssertionError("record " + i + " did not open");
            }
        }
    }
}
