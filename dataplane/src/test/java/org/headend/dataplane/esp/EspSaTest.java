package org.headend.dataplane.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Function;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.crypto.Aead;
import org.headend.crypto.jca.JcaAesGcm;
import org.headend.crypto.openssl.EvpAesGcm;
import org.headend.dataplane.api.EspSa;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ESP with AES-GCM (RFC 4303, RFC 4106) against the ESP packets of draft-mcgrew-gcm-test-01 and against the JDK's
 * AES-GCM as an independent oracle, with both of crypto-offload's implementations.
 */
class EspSaTest
{
    private static final HexFormat HEX = HexFormat.of();

    private static Function<byte[], Aead> implementation(final String name)
    {
        if (name.equals("openssl"))
        {
            Assumptions.assumeTrue(EvpAesGcm.isAvailable(), "libcrypto not available");
            return EvpAesGcm::new;
        }
        return JcaAesGcm::new;
    }

    /** An ESP packet: SPI ‖ low sequence number ‖ IV ‖ ciphertext and ICV, as it would arrive. */
    private static UnsafeBuffer packet(final String spi, final String low, final String iv, final String ciphertext)
    {
        return new UnsafeBuffer(HEX.parseHex(spi + low + iv + ciphertext));
    }

    /** draft-mcgrew-gcm-test-01 §4, test case 3: AES-256, 32-bit sequence number 2. */
    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void shouldOpenTheDraftsAes256Packet(final String implementation)
    {
        final EspSa sa = new EspSa(0x4a2cbfe3, HEX.parseHex(
            "abbccddef00112233445566778899aababbccddef00112233445566778899aab"), HEX.parseHex("11223344"), false, 64);
        final UnsafeBuffer packet = packet("4a2cbfe3", "00000002", "0102030405060708",
            "ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763"
                + "748a637985771d347f0545659f14e99def842d8eb335f4eecfdbf831824b4c49" + "15956c96");
        try (InboundSa inbound = new InboundSa(sa, implementation(implementation), null))
        {
            final int length = inbound.open(packet, 0, packet.capacity());
            assertEquals(48, length, "the inner IPv4 packet without its 2 bytes of padding and the trailer");
            assertEquals(1, inbound.nextHeader());
            assertArrayEquals(HEX.parseHex("4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee000000000"
                + "7002400020bf0000020405b401010402"), Arrays.copyOfRange(packet.byteArray(), 16, 16 + length));
        }
    }

    /**
     * draft-mcgrew-gcm-test-01 §4, test case 1 (the AES-128 one with extended sequence number 0x87654321_00000000):
     * the packet carries only the low half, 0, so the receiver must infer the high half from its window, which here
     * sits just before the wrap of the low counter.
     */
    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void shouldOpenTheDraftsEsnPacketAcrossTheWrapOfTheLowCounter(final String implementation)
    {
        final byte[] key = HEX.parseHex("4c80cdefbb5d10da906ac73c3613a634");
        final byte[] salt = HEX.parseHex("2e443b68");
        final Function<byte[], Aead> aead = implementation(implementation);
        try (InboundSa inbound = new InboundSa(new EspSa(0x4321, key, salt, true, 128), aead, null))
        {
            // the SA has received up to just before the wrap of the low counter
            inbound.replayWindow().accept(0x87654320_FFFFFFF0L);

            final UnsafeBuffer packet = packet("00004321", "00000000", "4956ed7e3b244cfe",
                "fecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34"
                    + "cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce"
                    + "61bc17d768fd9732459018148f6cbe722fd04796562dfdb4");
            final int length = inbound.open(packet, 0, packet.capacity());
            assertEquals(68, length);
            assertEquals(1, inbound.nextHeader());
            assertArrayEquals(HEX.parseHex("45000048699a000080114db7c0a80102c0a801010a9bf15638d3010000010000"
                + "00000000045f736970045f756470037369700963796265726369747902646b00" + "00210001"),
                Arrays.copyOfRange(packet.byteArray(), 16, 16 + length));
            assertEquals(InboundSa.REPLAYED, inbound.open(packet, 0, packet.capacity()), "the same packet again");
        }
    }

    /** The sealer writes RFC 4303/4106 as the JDK reads it: nonce salt ‖ IV, AAD SPI ‖ [high] ‖ low. */
    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void shouldSealWhatAnIndependentAesGcmOpens(final String implementation) throws Exception
    {
        final byte[] key = new byte[32];
        Arrays.fill(key, (byte)0x5a);
        final byte[] salt = {9, 8, 7, 6};
        for (final boolean esn : new boolean[] {false, true})
        {
            try (OutboundSa sa = new OutboundSa(new EspSa(0x01020304, key, salt, esn, 0),
                implementation(implementation)))
            {
                sa.skipTo(esn ? 0x00000007_FFFFFFFFL : 41);
                for (int length = 20; length <= 24; length++)
                {
                    final byte[] inner = new byte[length];
                    inner[0] = 0x45;
                    inner[length - 1] = (byte)length;
                    final UnsafeBuffer out = new UnsafeBuffer(new byte[OutboundSa.sealedLength(length)]);
                    final int sealed = sa.seal(new UnsafeBuffer(inner), 0, length, 4, out, 0);
                    assertEquals(OutboundSa.sealedLength(length), sealed);
                    assertEquals(0, (sealed - 16 - 16) % 4, "payload and trailer end on a 4-byte boundary");

                    final ByteBuffer wire = ByteBuffer.wrap(out.byteArray(), 0, sealed);
                    final long seq = sa.lastSequence();
                    assertEquals(0x01020304, wire.getInt(0));
                    assertEquals((int)seq, wire.getInt(4), "the low half of the sequence number");
                    assertEquals(seq, wire.getLong(8), "the IV is the 64-bit sequence number");
                    final byte[] nonce = ByteBuffer.allocate(12).put(salt).putLong(seq).array();
                    final byte[] aad = esn
                        ? ByteBuffer.allocate(12).putInt(0x01020304).putInt((int)(seq >>> 32)).putInt((int)seq).array()
                        : ByteBuffer.allocate(8).putInt(0x01020304).putInt((int)seq).array();
                    final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                    cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
                    cipher.updateAAD(aad);
                    final byte[] plain = cipher.doFinal(out.byteArray(), 16, sealed - 16);
                    final int padding = plain[plain.length - 2];
                    assertEquals(4, plain[plain.length - 1], "next header IPv4");
                    assertEquals(length, plain.length - 2 - padding);
                    assertArrayEquals(inner, Arrays.copyOf(plain, length));
                    for (int i = 0; i < padding; i++)
                    {
                        assertEquals(i + 1, plain[length + i], "RFC 4303 default padding 1, 2, 3");
                    }
                }
            }
        }
    }

    @Test
    void shouldSealTheSameBytesWithOpensslAndTheJdk()
    {
        Assumptions.assumeTrue(EvpAesGcm.isAvailable(), "libcrypto not available");
        final EspSa sa = new EspSa(0x7777, new byte[16], new byte[] {1, 2, 3, 4}, true, 0);
        try (OutboundSa openssl = new OutboundSa(sa, EvpAesGcm::new);
             OutboundSa jdk = new OutboundSa(sa, JcaAesGcm::new))
        {
            final byte[] inner = new byte[1400];
            Arrays.fill(inner, (byte)0x60);
            for (int i = 0; i < 3; i++)
            {
                final UnsafeBuffer a = new UnsafeBuffer(new byte[OutboundSa.sealedLength(inner.length)]);
                final UnsafeBuffer b = new UnsafeBuffer(new byte[OutboundSa.sealedLength(inner.length)]);
                assertEquals(openssl.seal(new UnsafeBuffer(inner), 0, inner.length, 41, a, 0),
                    jdk.seal(new UnsafeBuffer(inner), 0, inner.length, 41, b, 0));
                assertArrayEquals(a.byteArray(), b.byteArray());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void shouldRefuseDamagedTruncatedAndBadlyPaddedPackets(final String implementation)
    {
        final Function<byte[], Aead> aead = implementation(implementation);
        final EspSa sa = new EspSa(0x1000, new byte[16], new byte[4], false, 64);
        try (OutboundSa sender = new OutboundSa(sa, aead); InboundSa receiver = new InboundSa(sa, aead, null))
        {
            final UnsafeBuffer good = new UnsafeBuffer(new byte[OutboundSa.sealedLength(40)]);
            final int sealed = sender.seal(new UnsafeBuffer(new byte[40]), 0, 40, 4, good, 0);
            for (int i = 4; i < sealed; i++)
            {
                final UnsafeBuffer damaged = new UnsafeBuffer(Arrays.copyOf(good.byteArray(), sealed));
                damaged.putByte(i, (byte)(damaged.getByte(i) ^ 0x10));
                final int opened = receiver.open(damaged, 0, sealed);
                assertTrue(opened == InboundSa.AUTH_FAILED || opened == InboundSa.REPLAYED,
                    "byte " + i + " flipped, yet: " + opened);
            }
            assertEquals(InboundSa.MALFORMED, receiver.open(good, 0, EspFormat.MIN_LENGTH - 1));

            // a pad length longer than the payload authenticates, but is refused
            final UnsafeBuffer forged = forge(new byte[16], new byte[4], 0x1000, 7, new byte[] {1, (byte)0xFF, 4});
            assertEquals(InboundSa.MALFORMED, receiver.open(forged, 0, forged.capacity()));

            assertEquals(40, receiver.open(good, 0, sealed), "the undamaged packet still opens");
        }
    }

    /** An ESP packet built with the JDK alone: {@code plaintext} is the whole encrypted part, trailer included. */
    static UnsafeBuffer forge(final byte[] key, final byte[] salt, final int spi, final int seq, final byte[] plaintext)
    {
        try
        {
            final byte[] nonce = ByteBuffer.allocate(12).put(salt).putLong(seq).array();
            final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(ByteBuffer.allocate(8).putInt(spi).putInt(seq).array());
            final byte[] sealed = cipher.doFinal(plaintext);
            return new UnsafeBuffer(ByteBuffer.allocate(16 + sealed.length).putInt(spi).putInt(seq).putLong(seq)
                .put(sealed).array());
        }
        catch (final java.security.GeneralSecurityException ex)
        {
            throw new AssertionError(ex);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void shouldCarryExtendedSequenceNumbersAcrossTheWrapOfTheLowHalfInAnyOrder(final String implementation)
    {
        final Function<byte[], Aead> aead = implementation(implementation);
        final EspSa sa = new EspSa(0x5000, new byte[32], new byte[] {4, 3, 2, 1}, true, 64);
        try (OutboundSa sender = new OutboundSa(sa, aead); InboundSa receiver = new InboundSa(sa, aead, null))
        {
            sender.skipTo(0x1_FFFF_FFFCL);
            receiver.replayWindow().accept(0x1_FFFF_FFFCL);
            final byte[][] packets = new byte[6][];
            for (int i = 0; i < packets.length; i++)
            {
                final UnsafeBuffer out = new UnsafeBuffer(new byte[OutboundSa.sealedLength(30)]);
                final int length = sender.seal(new UnsafeBuffer(new byte[30]), 0, 30, 4, out, 0);
                packets[i] = Arrays.copyOf(out.byteArray(), length);
            }
            assertEquals(0, ByteBuffer.wrap(packets[3]).getInt(4), "the fourth carries low half 0: 2^33");
            // the newest first, then the ones before the wrap arrive late, then the rest
            for (final int i : new int[] {4, 0, 2, 1, 3, 5})
            {
                assertEquals(30, receiver.open(new UnsafeBuffer(packets[i].clone()), 0, packets[i].length),
                    "packet " + i + " with low half " + Integer.toHexString(ByteBuffer.wrap(packets[i]).getInt(4)));
            }
            for (final byte[] packet : packets)
            {
                assertEquals(InboundSa.REPLAYED, receiver.open(new UnsafeBuffer(packet.clone()), 0, packet.length));
            }
        }
    }

    @Test
    void shouldStopSealingWhenThe32BitCounterRunsOutWithoutEsn()
    {
        final EspSa sa = new EspSa(0x1000, new byte[16], new byte[4], false, 0);
        try (OutboundSa sender = new OutboundSa(sa, JcaAesGcm::new))
        {
            sender.skipTo(0xFFFF_FFFEL);
            final UnsafeBuffer out = new UnsafeBuffer(new byte[OutboundSa.sealedLength(20)]);
            assertTrue(sender.seal(new UnsafeBuffer(new byte[20]), 0, 20, 4, out, 0) > 0, "the last number, 2^32 - 1");
            assertEquals(OutboundSa.SEQUENCE_EXHAUSTED, sender.seal(new UnsafeBuffer(new byte[20]), 0, 20, 4, out, 0));
        }
    }
}
