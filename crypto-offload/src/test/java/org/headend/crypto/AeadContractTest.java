package org.headend.crypto;

import java.util.Random;

import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.headend.crypto.CrossImplementationTest.randomBytes;
import static org.headend.crypto.CrossImplementationTest.seal;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Aead} contract both implementations must keep: forged records give {@link Aead#AUTH_FAILED} (a code,
 * not an exception), short ones {@link Aead#TOO_SHORT}, an immediately repeated seal nonce
 * {@link Aead#NONCE_REUSED}; caller bugs (ranges, use after close, key size) throw.
 */
class AeadContractTest
{
    private static final int LENGTH = 100;
    private static final int AAD_LENGTH = 13;

    private final Random random = new Random(42);
    private final byte[] key = randomBytes(random, Aead.KEY_LENGTH_128);
    private final byte[] nonce = randomBytes(random, Aead.NONCE_LENGTH);
    private final byte[] aad = randomBytes(random, AAD_LENGTH);
    private final byte[] plaintext = randomBytes(random, LENGTH);

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void shouldReturnAuthFailedWhenTagIsTampered(final Implementation implementation)
    {
        final byte[] record = sealWith(implementation);
        record[record.length - 1] ^= 0x01;
        assertEquals(Aead.AUTH_FAILED, openWith(implementation, key, nonce, aad, record));
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void shouldReturnAuthFailedWhenCiphertextIsTampered(final Implementation implementation)
    {
        final byte[] record = sealWith(implementation);
        record[LENGTH / 2] ^= (byte)0x80;
        assertEquals(Aead.AUTH_FAILED, openWith(implementation, key, nonce, aad, record));
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void shouldReturnAuthFailedWhenAadIsTampered(final Implementation implementation)
    {
        final byte[] record = sealWith(implementation);
        final byte[] otherAad = aad.clone();
        otherAad[0] ^= 0x01;
        assertEquals(Aead.AUTH_FAILED, openWith(implementation, key, nonce, otherAad, record));
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void shouldReturnAuthFailedWhenNonceOrKeyDiffers(final Implementation implementation)
    {
        final byte[] record = sealWith(implementation);
        final byte[] otherNonce = nonce.clone();
        otherNonce[Aead.NONCE_LENGTH - 1] ^= 0x01;
        final byte[] otherKey = key.clone();
        otherKey[0] ^= 0x01;

        assertEquals(Aead.AUTH_FAILED, openWith(implementation, key, otherNonce, aad, record));
        assertEquals(Aead.AUTH_FAILED, openWith(implementation, otherKey, nonce, aad, record));
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void shouldOpenGoodRecordWhenPreviousRecordFailedAuthentication(final Implementation implementation)
    {
        final byte[] good = sealWith(implementation);
        final byte[] forged = good.clone();
        forged[0] ^= 0x01;

        try (Aead aead = implementation.create(key))
        {
            assertEquals(Aead.AUTH_FAILED, open(aead, forged, forged.length));
            assertEquals(LENGTH, open(aead, good, good.length));
        }
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void shouldReturnTooShortWhenRecordIsShorterThanTag(final Implementation implementation)
    {
        final byte[] record = sealWith(implementation);
        try (Aead aead = implementation.create(key))
        {
            assertEquals(Aead.TOO_SHORT, open(aead, record, Aead.TAG_LENGTH - 1));
            assertEquals(Aead.TOO_SHORT, open(aead, record, 0));
        }
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void shouldReturnNonceReusedWhenSealingTwiceWithSameNonce(final Implementation implementation)
    {
        final MutableDirectBuffer out = BufferKind.HEAP_ARRAY.allocate(LENGTH + Aead.TAG_LENGTH);
        final byte[] otherNonce = nonce.clone();
        otherNonce[0] ^= 0x01;

        try (Aead aead = implementation.create(key))
        {
            assertEquals(LENGTH + Aead.TAG_LENGTH, sealInto(aead, nonce, out));
            assertEquals(Aead.NONCE_REUSED, sealInto(aead, nonce, out));
            assertEquals(LENGTH + Aead.TAG_LENGTH, sealInto(aead, otherNonce, out));
        }
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void shouldThrowWhenRangeIsOutsideBuffer(final Implementation implementation)
    {
        final MutableDirectBuffer in = BufferKind.DIRECT_BYTE_BUFFER.of(plaintext);
        final MutableDirectBuffer out = BufferKind.DIRECT_BYTE_BUFFER.allocate(LENGTH + Aead.TAG_LENGTH);
        final MutableDirectBuffer nonceBuffer = BufferKind.DIRECT_BYTE_BUFFER.of(nonce);

        try (Aead aead = implementation.create(key))
        {
            assertThrows(IndexOutOfBoundsException.class,
                () -> aead.seal(nonceBuffer, 0, null, 0, 0, in, 0, LENGTH, out, 1));
            assertThrows(IndexOutOfBoundsException.class,
                () -> aead.seal(nonceBuffer, 0, null, 0, 0, in, 1, LENGTH, out, 0));
            assertThrows(IndexOutOfBoundsException.class,
                () -> aead.seal(nonceBuffer, 1, null, 0, 0, in, 0, LENGTH, out, 0));
            assertThrows(IndexOutOfBoundsException.class,
                () -> aead.seal(nonceBuffer, 0, in, LENGTH - 2, 3, in, 0, LENGTH, out, 0));
            assertThrows(IndexOutOfBoundsException.class,
                () -> aead.seal(nonceBuffer, 0, null, 0, 0, in, 0, -1, out, 0));
            assertThrows(IndexOutOfBoundsException.class,
                () -> aead.open(nonceBuffer, 0, null, 0, 0, out, 0, LENGTH + Aead.TAG_LENGTH, in, 1));
        }
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void shouldThrowWhenUsedAfterClose(final Implementation implementation)
    {
        final Aead aead = implementation.create(key);
        aead.close();
        assertDoesNotThrow(aead::close);
        assertThrows(IllegalStateException.class, () -> sealInto(aead, nonce, BufferKind.HEAP_ARRAY.allocate(200)));
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void shouldRejectKeyWhenLengthIsNot16Or32(final Implementation implementation)
    {
        assertThrows(IllegalArgumentException.class, () -> implementation.create(new byte[24]));
        assertThrows(IllegalArgumentException.class, () -> implementation.create(new byte[0]));
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void shouldNameImplementationAndKeySizeWhenAsked(final Implementation implementation)
    {
        try (Aead aes128 = implementation.create(new byte[16]);
            Aead aes256 = implementation.create(new byte[32]))
        {
            final String prefix = implementation == Implementation.OPENSSL ? "openssl" : "jdk";
            assertTrue(aes128.name().startsWith(prefix + " AES-128-GCM"), aes128.name());
            assertTrue(aes256.name().startsWith(prefix + " AES-256-GCM"), aes256.name());
        }
    }

    private byte[] sealWith(final Implementation implementation)
    {
        try (Aead aead = implementation.create(key))
        {
            return seal(aead, BufferKind.HEAP_ARRAY, nonce, aad, plaintext);
        }
    }

    private int sealInto(final Aead aead, final byte[] nonce, final MutableDirectBuffer out)
    {
        final MutableDirectBuffer in = BufferKind.HEAP_ARRAY.of(plaintext);
        return aead.seal(BufferKind.HEAP_ARRAY.of(nonce), 0, BufferKind.HEAP_ARRAY.of(aad), 0, AAD_LENGTH,
            in, 0, LENGTH, out, 0);
    }

    private int open(final Aead aead, final byte[] record, final int length)
    {
        return aead.open(
            BufferKind.DIRECT_BYTE_BUFFER.of(nonce), 0, BufferKind.DIRECT_BYTE_BUFFER.of(aad), 0, AAD_LENGTH,
            BufferKind.DIRECT_BYTE_BUFFER.of(record), 0, length,
            BufferKind.DIRECT_BYTE_BUFFER.allocate(record.length), 0);
    }

    private static int openWith(
        final Implementation implementation, final byte[] key, final byte[] nonce, final byte[] aad,
        final byte[] record)
    {
        try (Aead aead = implementation.create(key))
        {
            return aead.open(
                BufferKind.HEAP_ARRAY.of(nonce), 0, BufferKind.HEAP_ARRAY.of(aad), 0, aad.length,
                BufferKind.HEAP_ARRAY.of(record), 0, record.length, BufferKind.HEAP_ARRAY.allocate(record.length), 0);
        }
    }
}
