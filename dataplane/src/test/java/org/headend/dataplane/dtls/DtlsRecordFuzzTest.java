package org.headend.dataplane.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.crypto.jca.JcaAesGcm;
import org.headend.dataplane.api.DtlsKeys;

/**
 * DTLS application records under arbitrary datagrams: a forged or damaged record never opens, the record walker
 * never points outside the datagram, and every record the peer seals opens exactly once to what it carried.
 */
class DtlsRecordFuzzTest
{
    private static final Set<Integer> REFUSALS = Set.of(DtlsRecordCodec.MALFORMED, DtlsRecordCodec.NOT_CURRENT_DATA,
        DtlsRecordCodec.REPLAYED, DtlsRecordCodec.AUTH_FAILED);

    private static DtlsKeys keys(final boolean headend)
    {
        final byte[] clientKey = new byte[16];
        final byte[] serverKey = new byte[16];
        Arrays.fill(serverKey, (byte)1);
        final byte[] clientIv = {1, 2, 3, 4};
        final byte[] serverIv = {5, 6, 7, 8};
        return headend
            ? new DtlsKeys(1, clientKey, serverKey, clientIv, serverIv, 1, "AES-GCM-128", "SHA256")
            : new DtlsKeys(1, serverKey, clientKey, serverIv, clientIv, 1, "AES-GCM-128", "SHA256");
    }

    @FuzzTest
    void forgedRecordsNeverOpenAndSealedOnesOpenOnce(final FuzzedDataProvider data)
    {
        try (DtlsRecordCodec headend = new DtlsRecordCodec(keys(true), JcaAesGcm::new);
             DtlsRecordCodec peer = new DtlsRecordCodec(keys(false), JcaAesGcm::new))
        {
            final byte[] datagram = data.consumeBytes(data.consumeInt(0, 2048));
            final UnsafeBuffer in = new UnsafeBuffer(datagram);
            int offset = 0;
            while (offset < datagram.length)
            {
                final int length = DtlsRecordCodec.recordLength(in, offset, datagram.length - offset);
                if (length < 0)
                {
                    break;
                }
                assertTrue(length >= DtlsRecordHeader.HEADER_LENGTH && offset + length <= datagram.length,
                    () -> "record of " + length + " bytes does not fit the datagram");
                final UnsafeBuffer out = new UnsafeBuffer(new byte[datagram.length]);
                final int opened = headend.open(in, offset, length, out, 0);
                assertTrue(REFUSALS.contains(opened), () -> "a record nobody sealed opened: " + opened);
                offset += length;
            }

            final byte[] plaintext = data.consumeRemainingAsBytes();
            final UnsafeBuffer record = new UnsafeBuffer(new byte[plaintext.length + DtlsRecordCodec.OVERHEAD]);
            record.putBytes(DtlsRecordCodec.PLAINTEXT_OFFSET, plaintext);
            final int sealed = peer.sealInPlace(record, 0, plaintext.length);
            assertEquals(plaintext.length + DtlsRecordCodec.OVERHEAD, sealed);
            assertEquals(sealed, DtlsRecordCodec.recordLength(record, 0, sealed));

            final byte[] damaged = Arrays.copyOf(record.byteArray(), sealed);
            final int flip = plaintext.length == 0 ? 0 : (plaintext[0] & 0xFF) * 7 % sealed;
            damaged[flip] ^= (byte)(1 + (flip & 0x7F));
            assertTrue(REFUSALS.contains(headend.open(new UnsafeBuffer(damaged), 0, sealed,
                new UnsafeBuffer(new byte[sealed]), 0)), "a record with a flipped byte opened");

            final UnsafeBuffer out = new UnsafeBuffer(new byte[sealed]);
            assertEquals(plaintext.length, headend.open(record, 0, sealed, out, 0));
            assertArrayEquals(plaintext, Arrays.copyOf(out.byteArray(), plaintext.length));
            assertEquals(DtlsRecordCodec.REPLAYED, headend.open(record, 0, sealed, out, 0));
        }
    }
}
