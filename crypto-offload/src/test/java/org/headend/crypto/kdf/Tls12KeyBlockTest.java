package org.headend.crypto.kdf;

import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.crypto.CryptoHashAlgorithm;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Key-block layout (RFC 5246 §6.3 with the AES-GCM sizes of RFC 5288 §3) and the order of the randoms in the
 * seeds, which differs between the master secret (client first) and the key block (server first).
 */
class Tls12KeyBlockTest
{
    @Test
    void shouldSplitKeysThenImplicitIvsWhenKeyIs128Bits()
    {
        final byte[] keyBlock = counting(Tls12KeyBlock.aesGcmKeyBlockLength(16));
        assertEquals(40, keyBlock.length);

        final Tls12KeyBlock split = Tls12KeyBlock.splitAesGcm(keyBlock, 16);

        assertArrayEquals(Arrays.copyOfRange(keyBlock, 0, 16), split.clientWriteKey());
        assertArrayEquals(Arrays.copyOfRange(keyBlock, 16, 32), split.serverWriteKey());
        assertArrayEquals(Arrays.copyOfRange(keyBlock, 32, 36), split.clientWriteIv());
        assertArrayEquals(Arrays.copyOfRange(keyBlock, 36, 40), split.serverWriteIv());
    }

    @Test
    void shouldSplitKeysThenImplicitIvsWhenKeyIs256Bits()
    {
        final byte[] keyBlock = counting(Tls12KeyBlock.aesGcmKeyBlockLength(32) + 5);

        final Tls12KeyBlock split = Tls12KeyBlock.splitAesGcm(keyBlock, 32);

        assertArrayEquals(Arrays.copyOfRange(keyBlock, 0, 32), split.clientWriteKey());
        assertArrayEquals(Arrays.copyOfRange(keyBlock, 32, 64), split.serverWriteKey());
        assertArrayEquals(Arrays.copyOfRange(keyBlock, 64, 68), split.clientWriteIv());
        assertArrayEquals(Arrays.copyOfRange(keyBlock, 68, 72), split.serverWriteIv());
    }

    @Test
    void shouldSeedKeyExpansionWithServerRandomFirstWhenDeriving()
    {
        final byte[] master = counting(Tls12KeyBlock.MASTER_SECRET_LENGTH);
        final byte[] clientRandom = filled(Tls12KeyBlock.RANDOM_LENGTH, 0xC1);
        final byte[] serverRandom = filled(Tls12KeyBlock.RANDOM_LENGTH, 0x5E);
        final byte[] serverThenClient = concat(serverRandom, clientRandom);

        for (final Tls12Prf prf : Tls12Prf.values())
        {
            final int keyLength = prf == Tls12Prf.P_SHA256 ? 16 : 32;
            final byte[] expected = prf.derive(master, "key expansion", serverThenClient,
                Tls12KeyBlock.aesGcmKeyBlockLength(keyLength));

            final Tls12KeyBlock derived =
                Tls12KeyBlock.deriveAesGcm(prf, master, clientRandom, serverRandom, keyLength);

            final Tls12KeyBlock split = Tls12KeyBlock.splitAesGcm(expected, keyLength);
            assertArrayEquals(split.clientWriteKey(), derived.clientWriteKey(), prf.name());
            assertArrayEquals(split.serverWriteKey(), derived.serverWriteKey(), prf.name());
            assertArrayEquals(split.clientWriteIv(), derived.clientWriteIv(), prf.name());
            assertArrayEquals(split.serverWriteIv(), derived.serverWriteIv(), prf.name());
        }
    }

    @Test
    void shouldEqualBouncyCastlesKeyExpansionWhenMasterSecretStaysInsideIt()
    {
        final BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
        final byte[] clientRandom = filled(Tls12KeyBlock.RANDOM_LENGTH, 0xC1);
        final byte[] serverRandom = filled(Tls12KeyBlock.RANDOM_LENGTH, 0x5E);
        final int[][] suites = {{PRFAlgorithm.tls_prf_sha256, CryptoHashAlgorithm.sha256, 16},
            {PRFAlgorithm.tls_prf_sha384, CryptoHashAlgorithm.sha384, 32}};
        for (final int[] suite : suites)
        {
            final TlsSecret master = crypto.createSecret(counting(Tls12KeyBlock.MASTER_SECRET_LENGTH));
            final Tls12Prf prf = suite[1] == CryptoHashAlgorithm.sha384 ? Tls12Prf.P_SHA384 : Tls12Prf.P_SHA256;
            final int keyLength = suite[2];
            final byte[] bcBlock = master.deriveUsingPRF(suite[0], "key expansion", concat(serverRandom, clientRandom),
                Tls12KeyBlock.aesGcmKeyBlockLength(keyLength)).extract();

            final Tls12KeyBlock derived = Tls12KeyBlock.deriveAesGcm(prf,
                data -> master.calculateHMAC(suite[1], data, 0, data.length), clientRandom, serverRandom, keyLength);

            final Tls12KeyBlock expected = Tls12KeyBlock.splitAesGcm(bcBlock, keyLength);
            assertArrayEquals(expected.clientWriteKey(), derived.clientWriteKey(), prf.name());
            assertArrayEquals(expected.serverWriteKey(), derived.serverWriteKey(), prf.name());
            assertArrayEquals(expected.clientWriteIv(), derived.clientWriteIv(), prf.name());
            assertArrayEquals(expected.serverWriteIv(), derived.serverWriteIv(), prf.name());
        }
    }

    @Test
    void shouldSeedMasterSecretWithClientRandomFirstWhenDeriving()
    {
        final byte[] preMaster = counting(48);
        final byte[] clientRandom = filled(Tls12KeyBlock.RANDOM_LENGTH, 0xC1);
        final byte[] serverRandom = filled(Tls12KeyBlock.RANDOM_LENGTH, 0x5E);

        assertArrayEquals(
            Tls12Prf.P_SHA256.derive(preMaster, "master secret", concat(clientRandom, serverRandom), 48),
            Tls12KeyBlock.masterSecret(Tls12Prf.P_SHA256, preMaster, clientRandom, serverRandom));
    }

    @Test
    void shouldWipeKeysWhenAsked()
    {
        final Tls12KeyBlock split = Tls12KeyBlock.splitAesGcm(filled(40, 0x77), 16);
        split.wipe();
        assertArrayEquals(new byte[16], split.clientWriteKey());
        assertArrayEquals(new byte[16], split.serverWriteKey());
        assertArrayEquals(new byte[4], split.clientWriteIv());
        assertArrayEquals(new byte[4], split.serverWriteIv());
    }

    @Test
    void shouldRejectInputsWhenLengthsAreWrong()
    {
        final byte[] random = new byte[Tls12KeyBlock.RANDOM_LENGTH];
        assertThrows(IllegalArgumentException.class, () -> Tls12KeyBlock.splitAesGcm(new byte[39], 16));
        assertThrows(IllegalArgumentException.class, () -> Tls12KeyBlock.splitAesGcm(new byte[64], 24));
        assertThrows(IllegalArgumentException.class,
            () -> Tls12KeyBlock.deriveAesGcm(Tls12Prf.P_SHA256, new byte[47], random, random, 16));
        assertThrows(IllegalArgumentException.class,
            () -> Tls12KeyBlock.deriveAesGcm(Tls12Prf.P_SHA256, new byte[48], new byte[31], random, 16));
    }

    @Test
    void shouldUseOpenconnectExporterParametersWhenAsked()
    {
        assertEquals("EXPORTER-openconnect-psk", ExporterLabels.OPENCONNECT_PSK_LABEL);
        assertEquals(32, ExporterLabels.OPENCONNECT_PSK_LENGTH);
    }

    private static byte[] counting(final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)i;
        }
        return bytes;
    }

    private static byte[] filled(final int length, final int value)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte)value);
        return bytes;
    }

    private static byte[] concat(final byte[] first, final byte[] second)
    {
        final byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
