package org.headend.crypto;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * OpenSSL and the JDK must give the same bytes and open each other's records, for every length the tunnel can
 * carry, random AAD, both key sizes and every kind of buffer the data plane may pass, in place or not.
 */
class CrossImplementationTest
{
    private static final int[] LENGTHS = {0, 1, 15, 16, 17, 64, 1400, 9000};
    private static final int ROUNDS_PER_LENGTH = 4;
    private static final int MAX_AAD = 64;
    private static final int OFFSET = 3;

    static List<Arguments> cases()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final int keyLength : new int[]{Aead.KEY_LENGTH_128, Aead.KEY_LENGTH_256})
        {
            for (final BufferKind kind : BufferKind.values())
            {
                cases.add(Arguments.of(keyLength, kind));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "AES-{0}, {1}")
    @MethodSource("cases")
    void shouldGiveIdenticalBytesAndOpenEachOtherWhenInputIsRandom(final int keyLength, final BufferKind kind)
    {
        final Random random = new Random(0x5EED + keyLength * 31L + kind.ordinal());
        final byte[] key = randomBytes(random, keyLength);

        try (Aead openssl = Implementation.OPENSSL.create(key);
            Aead jdk = Implementation.JDK.create(key))
        {
            for (final int length : LENGTHS)
            {
                for (int round = 0; round < ROUNDS_PER_LENGTH; round++)
                {
                    // Round 0 has no AAD; the DTLS record AAD is 13 bytes, so round 1 uses that.
                    final int aadLength = round == 0 ? 0 : round == 1 ? 13 : random.nextInt(MAX_AAD + 1);
                    final byte[] nonce = randomBytes(random, Aead.NONCE_LENGTH);
                    final byte[] aad = randomBytes(random, aadLength);
                    final byte[] plaintext = randomBytes(random, length);
                    final String what = "length " + length + ", AAD " + aadLength;

                    final byte[] byOpenssl = seal(openssl, kind, nonce, aad, plaintext);
                    final byte[] byJdk = seal(jdk, kind, nonce, aad, plaintext);
                    assertArrayEquals(byJdk, byOpenssl, what);

                    assertArrayEquals(plaintext, open(openssl, kind, nonce, aad, byJdk), what);
                    assertArrayEquals(plaintext, open(jdk, kind, nonce, aad, byOpenssl), what);
                }
            }
        }
    }

    @ParameterizedTest(name = "AES-{0}, {1}")
    @MethodSource("cases")
    void shouldGiveSameBytesWhenSealingAndOpeningInPlace(final int keyLength, final BufferKind kind)
    {
        final Random random = new Random(0xC0FFEE + keyLength * 31L + kind.ordinal());
        final byte[] key = randomBytes(random, keyLength);

        for (final Implementation implementation : Implementation.values())
        {
            try (Aead aead = implementation.create(key);
                Aead reference = Implementation.OPENSSL.create(key))
            {
                for (final int length : LENGTHS)
                {
                    final byte[] nonce = randomBytes(random, Aead.NONCE_LENGTH);
                    final byte[] aad = randomBytes(random, 13);
                    final byte[] plaintext = randomBytes(random, length);
                    final String what = implementation + ", length " + length;

                    // A record slot: plaintext at OFFSET, room for the tag after it, sealed and opened where it lies.
                    final MutableDirectBuffer slot = kind.allocate(OFFSET + length + Aead.TAG_LENGTH);
                    slot.putBytes(OFFSET, plaintext);
                    final MutableDirectBuffer nonceBuffer = kind.of(nonce);
                    final MutableDirectBuffer aadBuffer = kind.of(aad);

                    final int sealed = aead.seal(
                        nonceBuffer, 0, aadBuffer, 0, aad.length, slot, OFFSET, length, slot, OFFSET);
                    assertEquals(length + Aead.TAG_LENGTH, sealed, what);
                    assertArrayEquals(seal(reference, BufferKind.HEAP_ARRAY, nonce, aad, plaintext),
                        slice(slot, OFFSET, sealed), what);

                    final int opened = aead.open(
                        nonceBuffer, 0, aadBuffer, 0, aad.length, slot, OFFSET, sealed, slot, OFFSET);
                    assertEquals(length, opened, what);
                    assertArrayEquals(plaintext, slice(slot, OFFSET, opened), what);
                }
            }
        }
    }

    /**
     * OpenSSL stages heap records through a scratch area of the calling thread, shared by every instance that thread
     * uses: tunnels interleaved on one event loop, records that grow it between two instances' calls, and an
     * instance handed to another thread (made on the control thread, used on a loop) must still give the JDK's bytes.
     */
    @ParameterizedTest(name = "AES-{0}, {1}")
    @MethodSource("cases")
    void shouldGiveJdkBytesWhenInstancesShareAThreadAndChangeThreads(final int keyLength, final BufferKind kind)
        throws Exception
    {
        final Random random = new Random(0xACE + keyLength * 31L + kind.ordinal());
        final byte[] keyA = randomBytes(random, keyLength);
        final byte[] keyB = randomBytes(random, keyLength);
        try (Aead tunnelA = Implementation.OPENSSL.create(keyA);
            Aead tunnelB = Implementation.OPENSSL.create(keyB);
            Aead jdkA = Implementation.JDK.create(keyA);
            Aead jdkB = Implementation.JDK.create(keyB))
        {
            final java.util.concurrent.ExecutorService loop = java.util.concurrent.Executors.newSingleThreadExecutor();
            try
            {
                for (final int length : LENGTHS)
                {
                    final byte[] nonce = randomBytes(random, Aead.NONCE_LENGTH);
                    final byte[] nextNonce = randomBytes(random, Aead.NONCE_LENGTH);
                    final byte[] aad = randomBytes(random, 13);
                    final byte[] plaintext = randomBytes(random, length);
                    final String what = "length " + length;
                    // here, then on the other thread, then here again: each instance's thread changes every time
                    assertArrayEquals(seal(jdkA, kind, nonce, aad, plaintext),
                        seal(tunnelA, kind, nonce, aad, plaintext), what);
                    final byte[] sealedB = loop.submit(() -> seal(tunnelB, kind, nonce, aad, plaintext)).get();
                    assertArrayEquals(seal(jdkB, kind, nonce, aad, plaintext), sealedB, what);
                    final byte[] sealedA = loop.submit(() -> seal(tunnelA, kind, nextNonce, aad, plaintext)).get();
                    assertArrayEquals(seal(jdkA, kind, nextNonce, aad, plaintext), sealedA, what);
                    assertArrayEquals(plaintext, open(tunnelB, kind, nonce, aad, sealedB), what);
                    assertArrayEquals(plaintext, open(tunnelA, kind, nextNonce, aad, sealedA), what);
                }
            }
            finally
            {
                loop.shutdownNow();
            }
        }
    }

    static byte[] seal(
        final Aead aead, final BufferKind kind, final byte[] nonce, final byte[] aad, final byte[] plaintext)
    {
        final MutableDirectBuffer out = kind.allocate(OFFSET + plaintext.length + Aead.TAG_LENGTH);
        final MutableDirectBuffer in = kind.allocate(OFFSET + plaintext.length);
        in.putBytes(OFFSET, plaintext);
        final MutableDirectBuffer aadBuffer = kind.allocate(OFFSET + aad.length);
        aadBuffer.putBytes(OFFSET, aad);
        final MutableDirectBuffer nonceBuffer = kind.allocate(OFFSET + nonce.length);
        nonceBuffer.putBytes(OFFSET, nonce);

        final int written = aead.seal(
            nonceBuffer, OFFSET, aadBuffer, OFFSET, aad.length, in, OFFSET, plaintext.length, out, OFFSET);
        assertEquals(plaintext.length + Aead.TAG_LENGTH, written, aead.name());
        return slice(out, OFFSET, written);
    }

    static byte[] open(
        final Aead aead, final BufferKind kind, final byte[] nonce, final byte[] aad, final byte[] record)
    {
        final MutableDirectBuffer out = kind.allocate(OFFSET + record.length);
        final MutableDirectBuffer in = kind.allocate(OFFSET + record.length);
        in.putBytes(OFFSET, record);

        final int read = aead.open(
            kind.of(nonce), 0, aad.length == 0 ? null : kind.of(aad), 0, aad.length, in, OFFSET, record.length,
            out, OFFSET);
        assertEquals(record.length - Aead.TAG_LENGTH, read, aead.name());
        return slice(out, OFFSET, read);
    }

    static byte[] slice(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    static byte[] randomBytes(final Random random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
