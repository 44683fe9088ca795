package org.headend.crypto;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Published AES-GCM vectors through both implementations.
 * <p>
 * Test cases 1-4 and 13-16 are from McGrew and Viega, "The Galois/Counter Mode of Operation (GCM)", appendix B,
 * the vectors NIST SP 800-38D points to; they cover empty plaintext, no AAD, AAD with a plaintext that is not a
 * whole number of blocks, and both key sizes. The AAD-only vectors (empty plaintext, 16-byte AAD) are the first
 * entries of NIST CAVS {@code gcmEncryptExtIV128.rsp} and {@code gcmEncryptExtIV256.rsp} for Keylen/IVlen 96,
 * PTlen 0, AADlen 128, Taglen 128.
 */
class GcmTestVectorsTest
{
    private static final HexFormat HEX = HexFormat.of();

    private static final String SPEC_KEY_128 = "feffe9928665731c6d6a8f9467308308";
    private static final String SPEC_KEY_256 = SPEC_KEY_128 + SPEC_KEY_128;
    private static final String SPEC_NONCE = "cafebabefacedbaddecaf888";
    private static final String SPEC_AAD = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
    private static final String SPEC_PLAINTEXT_64 =
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" +
        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
    private static final String SPEC_PLAINTEXT_60 = SPEC_PLAINTEXT_64.substring(0, 120);
    private static final String CIPHERTEXT_3 =
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e" +
        "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985";
    private static final String CIPHERTEXT_15 =
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa" +
        "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad";
    private static final String ZERO_NONCE = "000000000000000000000000";
    private static final String ZERO_BLOCK = "00000000000000000000000000000000";

    record Vector(String name, String key, String nonce, String aad, String plaintext, String ciphertext, String tag)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    static final List<Vector> VECTORS = List.of(
        new Vector("GCM spec TC1: AES-128, empty plaintext, no AAD",
            ZERO_BLOCK, ZERO_NONCE, "", "", "", "58e2fccefa7e3061367f1d57a4e7455a"),
        new Vector("GCM spec TC2: AES-128, one zero block",
            ZERO_BLOCK, ZERO_NONCE, "", ZERO_BLOCK, "0388dace60b6a392f328c2b971b2fe78",
            "ab6e47d42cec13bdf53a67b21257bddf"),
        new Vector("GCM spec TC3: AES-128, 64 bytes",
            SPEC_KEY_128, SPEC_NONCE, "", SPEC_PLAINTEXT_64, CIPHERTEXT_3, "4d5c2af327cd64a62cf35abd2ba6fab4"),
        new Vector("GCM spec TC4: AES-128, 60 bytes with AAD",
            SPEC_KEY_128, SPEC_NONCE, SPEC_AAD, SPEC_PLAINTEXT_60, CIPHERTEXT_3.substring(0, 120),
            "5bc94fbc3221a5db94fae95ae7121a47"),
        new Vector("NIST CAVS gcmEncryptExtIV128 PTlen=0 AADlen=128 #0: AES-128, empty plaintext with AAD",
            "77be63708971c4e240d1cb79e8d77feb", "e0e00f19fed7ba0136a797f3", "7a43ec1d9c0a5a78a0b16533a6213cab", "",
            "", "209fcc8d3675ed938e9c7166709dd946"),
        new Vector("GCM spec TC13: AES-256, empty plaintext, no AAD",
            ZERO_BLOCK + ZERO_BLOCK, ZERO_NONCE, "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"),
        new Vector("GCM spec TC14: AES-256, one zero block",
            ZERO_BLOCK + ZERO_BLOCK, ZERO_NONCE, "", ZERO_BLOCK, "cea7403d4d606b6e074ec5d3baf39d18",
            "d0d1c8a799996bf0265b98b5d48ab919"),
        new Vector("GCM spec TC15: AES-256, 64 bytes",
            SPEC_KEY_256, SPEC_NONCE, "", SPEC_PLAINTEXT_64, CIPHERTEXT_15, "b094dac5d93471bdec1a502270e3cc6c"),
        new Vector("GCM spec TC16: AES-256, 60 bytes with AAD",
            SPEC_KEY_256, SPEC_NONCE, SPEC_AAD, SPEC_PLAINTEXT_60, CIPHERTEXT_15.substring(0, 120),
            "76fc6ece0f4e1768cddf8853bb2d551b"),
        new Vector("NIST CAVS gcmEncryptExtIV256 PTlen=0 AADlen=128 #0: AES-256, empty plaintext with AAD",
            "78dc4e0aaf52d935c3c01eea57428f00ca1fd475f5da86a49c8dd73d68c8e223", "d79cf22d504cc793c3fb6c8a",
            "b96baa8c1c75a671bfb2d08d06be5f36", "", "", "3e5d486aa2e30b22e040b85723a06e76"));

    static List<Arguments> cases()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final Implementation implementation : Implementation.values())
        {
            for (final Vector vector : VECTORS)
            {
                cases.add(Arguments.of(implementation, vector));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void shouldProducePublishedCiphertextAndTagWhenSealing(final Implementation implementation, final Vector vector)
    {
        final byte[] plaintext = HEX.parseHex(vector.plaintext());
        final byte[] aad = HEX.parseHex(vector.aad());
        final MutableDirectBuffer out = BufferKind.HEAP_ARRAY.allocate(plaintext.length + Aead.TAG_LENGTH);

        try (Aead aead = implementation.create(HEX.parseHex(vector.key())))
        {
            final int written = aead.seal(
                BufferKind.HEAP_ARRAY.of(HEX.parseHex(vector.nonce())), 0,
                BufferKind.HEAP_ARRAY.of(aad), 0, aad.length,
                BufferKind.HEAP_ARRAY.of(plaintext), 0, plaintext.length,
                out, 0);

            assertEquals(plaintext.length + Aead.TAG_LENGTH, written);
            assertArrayEquals(HEX.parseHex(vector.ciphertext() + vector.tag()), bytes(out, written));
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void shouldRecoverPublishedPlaintextWhenOpening(final Implementation implementation, final Vector vector)
    {
        final byte[] record = HEX.parseHex(vector.ciphertext() + vector.tag());
        final byte[] aad = HEX.parseHex(vector.aad());
        final MutableDirectBuffer out = BufferKind.DIRECT_BYTE_BUFFER.allocate(record.length);

        try (Aead aead = implementation.create(HEX.parseHex(vector.key())))
        {
            final int read = aead.open(
                BufferKind.DIRECT_BYTE_BUFFER.of(HEX.parseHex(vector.nonce())), 0,
                BufferKind.DIRECT_BYTE_BUFFER.of(aad), 0, aad.length,
                BufferKind.DIRECT_BYTE_BUFFER.of(record), 0, record.length,
                out, 0);

            assertEquals(record.length - Aead.TAG_LENGTH, read);
            assertArrayEquals(HEX.parseHex(vector.plaintext()), bytes(out, read));
        }
    }

    static byte[] bytes(final MutableDirectBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
