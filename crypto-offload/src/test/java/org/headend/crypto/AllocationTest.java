package org.headend.crypto;

import java.lang.management.ManagementFactory;

import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The OpenSSL path must allocate nothing per packet, on heap and off-heap buffers, for good and forged records;
 * the JDK path cannot (see {@link org.headend.crypto.jca.JcaAesGcm}), so its figure is printed, not asserted.
 * Measured with the thread's allocation counter around 100k seal+open pairs of a 1400-byte record after warm-up.
 * Other tests in this JVM have run both implementations through the same call sites, so the JIT profile is
 * shared, which is the harder case for the OpenSSL path.
 */
@Timeout(120)
class AllocationTest
{
    private static final int LENGTH = 1400;
    private static final int AAD_LENGTH = 13;
    private static final int WARM_UP_CALLS = 10;
    private static final int WARM_UP_PACKETS = 20_000;
    private static final int MEASURED_PACKETS = 100_000;
    // A round can catch a JIT compilation or a deoptimisation allocating on this thread; a steady state is wanted.
    private static final int MAX_MEASURED_ROUNDS = 5;

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    @Test
    void shouldNotAllocateWhenOpensslSealsAndOpensDirectBuffers()
    {
        assertEquals(0, bytesPerRound(Implementation.OPENSSL, BufferKind.DIRECT_BYTE_BUFFER));
    }

    @Test
    void shouldNotAllocateWhenOpensslSealsAndOpensHeapBuffers()
    {
        assertEquals(0, bytesPerRound(Implementation.OPENSSL, BufferKind.HEAP_ARRAY));
    }

    @Test
    void shouldNotAllocateWhenOpensslRejectsForgedRecords()
    {
        assertEquals(0, bytesPerRound(Implementation.OPENSSL, BufferKind.DIRECT_BYTE_BUFFER, true));
    }

    @Test
    void shouldReportAllocationWhenJdkSealsAndOpens()
    {
        // Printed, not asserted: JcaAesGcm documents why SunJCE allocates; the figure is for the report.
        bytesPerRound(Implementation.JDK, BufferKind.DIRECT_BYTE_BUFFER);
        bytesPerRound(Implementation.JDK, BufferKind.HEAP_ARRAY);
    }

    private static long bytesPerRound(final Implementation implementation, final BufferKind kind)
    {
        return bytesPerRound(implementation, kind, false);
    }

    private static long bytesPerRound(final Implementation implementation, final BufferKind kind, final boolean forge)
    {
        final byte[] key = new byte[Aead.KEY_LENGTH_128];
        final MutableDirectBuffer nonce = kind.allocate(Aead.NONCE_LENGTH);
        final MutableDirectBuffer aad = kind.allocate(AAD_LENGTH);
        final MutableDirectBuffer plaintext = kind.allocate(LENGTH);
        final MutableDirectBuffer record = kind.allocate(LENGTH + Aead.TAG_LENGTH);
        final MutableDirectBuffer opened = kind.allocate(LENGTH);

        try (Aead aead = implementation.create(key))
        {
            long sequence = 0;
            // Several calls rather than one long loop, so the JIT compiles the whole method, not only a loop body.
            for (int i = 0; i < WARM_UP_CALLS; i++)
            {
                sequence = packets(aead, nonce, aad, plaintext, record, opened, sequence, WARM_UP_PACKETS, forge);
            }

            long firstRoundBytes = -1;
            long bytes = -1;
            int round = 0;
            while (round < MAX_MEASURED_ROUNDS && bytes != 0)
            {
                final long before = THREADS.getCurrentThreadAllocatedBytes();
                sequence = packets(aead, nonce, aad, plaintext, record, opened, sequence, MEASURED_PACKETS, forge);
                bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
                firstRoundBytes = firstRoundBytes < 0 ? bytes : firstRoundBytes;
                round++;
            }
            System.out.printf("AllocationTest: %s on %s%s: %d bytes for %d seal+open (%.1f B per packet); " +
                "first round %d bytes, %d round(s)%n", aead.name(), kind, forge ? ", forged records" : "", bytes,
                MEASURED_PACKETS, (double)bytes / MEASURED_PACKETS, firstRoundBytes, round);
            return bytes;
        }
    }

    /**
     * @return the next sequence number; each packet gets its own nonce as the record layer's would.
     */
    private static long packets(
        final Aead aead, final MutableDirectBuffer nonce, final MutableDirectBuffer aad,
        final MutableDirectBuffer plaintext, final MutableDirectBuffer record, final MutableDirectBuffer opened,
        final long firstSequence, final int count, final boolean forge)
    {
        long sequence = firstSequence;
        for (int i = 0; i < count; i++)
        {
            nonce.putLong(Aead.NONCE_LENGTH - Long.BYTES, ++sequence);
            aad.putLong(0, sequence);
            final int sealed = aead.seal(nonce, 0, aad, 0, AAD_LENGTH, plaintext, 0, LENGTH, record, 0);
            if (forge)
            {
                record.putByte(0, (byte)(record.getByte(0) ^ 1));
            }
            final int expected = forge ? Aead.AUTH_FAILED : LENGTH;
            if (sealed != LENGTH + Aead.TAG_LENGTH ||
                aead.open(nonce, 0, aad, 0, AAD_LENGTH, record, 0, sealed, opened, 0) != expected)
            {
                throw new AssertionError("packet " + sequence + " failed through " + aead.name());
            }
        }
        return sequence;
    }
}
