package org.headend.crypto.kdf;

import java.util.Arrays;

/**
 * The TLS 1.2 / DTLS 1.2 key block for AES-GCM suites, split into the four values the record layer needs.
 * <p>
 * RFC 5246 §6.3: {@code key_block = PRF(master_secret, "key expansion", server_random + client_random)}, cut into
 * client_write_MAC_key, server_write_MAC_key, client_write_key, server_write_key, client_write_IV,
 * server_write_IV, in that order. For AES-GCM (RFC 5288 §3) the MAC keys are empty and each IV is the 4-byte
 * implicit part ("salt") of the nonce; the record carries the other 8 bytes, so the nonce of a record is
 * {@code write_IV + explicit_nonce} and the {@link org.headend.crypto.Aead} key is the write key.
 * <p>
 * The server seals with the server write key and IV and opens with the client ones; the client the other way.
 * Control-plane code: it allocates. Immutable; accessors return copies.
 */
public final class Tls12KeyBlock
{
    /** PRF label for the key block, RFC 5246 §6.3. */
    public static final String KEY_EXPANSION_LABEL = "key expansion";
    /** PRF label for the master secret, RFC 5246 §8.1. */
    public static final String MASTER_SECRET_LABEL = "master secret";
    /** Master secret length, RFC 5246 §8.1. */
    public static final int MASTER_SECRET_LENGTH = 48;
    /** Length of client_random and server_random, RFC 5246 §7.4.1.2. */
    public static final int RANDOM_LENGTH = 32;
    /** AES-GCM implicit nonce ("salt") length, RFC 5288 §3. */
    public static final int GCM_FIXED_IV_LENGTH = 4;
    /** AES-GCM explicit nonce length carried in each record, RFC 5288 §3. */
    public static final int GCM_EXPLICIT_NONCE_LENGTH = 8;

    private final byte[] clientWriteKey;
    private final byte[] serverWriteKey;
    private final byte[] clientWriteIv;
    private final byte[] serverWriteIv;

    private Tls12KeyBlock(
        final byte[] clientWriteKey, final byte[] serverWriteKey,
        final byte[] clientWriteIv, final byte[] serverWriteIv)
    {
        this.clientWriteKey = clientWriteKey;
        this.serverWriteKey = serverWriteKey;
        this.clientWriteIv = clientWriteIv;
        this.serverWriteIv = serverWriteIv;
    }

    /**
     * @param keyLength AES key length, 16 or 32.
     * @return key block bytes an AES-GCM suite uses: two keys and two 4-byte IVs.
     */
    public static int aesGcmKeyBlockLength(final int keyLength)
    {
        return 2 * keyLength + 2 * GCM_FIXED_IV_LENGTH;
    }

    /**
     * Derive the key block from the master secret and split it.
     *
     * @param prf          the suite's PRF: {@link Tls12Prf#P_SHA256} for AES-128-GCM suites, {@link Tls12Prf#P_SHA384}
     *                     for AES-256-GCM-SHA384 ones.
     * @param masterSecret 48 bytes.
     * @param clientRandom 32 bytes from ClientHello.
     * @param serverRandom 32 bytes from ServerHello.
     * @param keyLength    16 or 32.
     * @return the split key block.
     */
    public static Tls12KeyBlock deriveAesGcm(
        final Tls12Prf prf, final byte[] masterSecret, final byte[] clientRandom, final byte[] serverRandom,
        final int keyLength)
    {
        checkLength(masterSecret, MASTER_SECRET_LENGTH, "master secret");
        return deriveAesGcm(prf, prf.key(masterSecret), clientRandom, serverRandom, keyLength);
    }

    /**
     * Derive the key block from a master secret the TLS library keeps to itself and lends only as an HMAC key (the
     * DTLS handshakes' path: BouncyCastle's master secret never leaves it), and split it.
     *
     * @param prf          the suite's PRF.
     * @param masterSecret the master secret as an HMAC key of {@code prf}'s hash.
     * @param clientRandom 32 bytes from ClientHello.
     * @param serverRandom 32 bytes from ServerHello.
     * @param keyLength    16 or 32.
     * @return the split key block.
     */
    public static Tls12KeyBlock deriveAesGcm(
        final Tls12Prf prf, final Tls12Prf.HmacKey masterSecret, final byte[] clientRandom,
        final byte[] serverRandom, final int keyLength)
    {
        final byte[] keyBlock = prf.derive(
            masterSecret, KEY_EXPANSION_LABEL, concatRandoms(serverRandom, clientRandom),
            aesGcmKeyBlockLength(checkKeyLength(keyLength)));
        try
        {
            return splitAesGcm(keyBlock, keyLength);
        }
        finally
        {
            Arrays.fill(keyBlock, (byte)0);
        }
    }

    /**
     * Split a derived key block.
     *
     * @param keyBlock  at least {@link #aesGcmKeyBlockLength(int)} bytes; any more are ignored.
     * @param keyLength 16 or 32.
     * @return the split key block.
     */
    public static Tls12KeyBlock splitAesGcm(final byte[] keyBlock, final int keyLength)
    {
        checkKeyLength(keyLength);
        if (keyBlock.length < aesGcmKeyBlockLength(keyLength))
        {
            throw new IllegalArgumentException("key block of " + keyBlock.length + " bytes is shorter than " +
                aesGcmKeyBlockLength(keyLength));
        }
        // The MAC keys come first but are empty for AEAD suites, so the write keys start at 0.
        int offset = 0;
        final byte[] clientKey = Arrays.copyOfRange(keyBlock, offset, offset += keyLength);
        final byte[] serverKey = Arrays.copyOfRange(keyBlock, offset, offset += keyLength);
        final byte[] clientIv = Arrays.copyOfRange(keyBlock, offset, offset += GCM_FIXED_IV_LENGTH);
        final byte[] serverIv = Arrays.copyOfRange(keyBlock, offset, offset + GCM_FIXED_IV_LENGTH);
        return new Tls12KeyBlock(clientKey, serverKey, clientIv, serverIv);
    }

    /**
     * The master secret from the pre-master secret, RFC 5246 §8.1 (without the extended master secret of
     * RFC 7627, which hashes the handshake instead of taking the randoms).
     *
     * @param prf             the suite's PRF.
     * @param preMasterSecret the pre-master secret (for plain PSK: RFC 4279 §2's zeros-and-PSK layout).
     * @param clientRandom    32 bytes.
     * @param serverRandom    32 bytes.
     * @return 48 bytes.
     */
    public static byte[] masterSecret(
        final Tls12Prf prf, final byte[] preMasterSecret, final byte[] clientRandom, final byte[] serverRandom)
    {
        return prf.derive(
            preMasterSecret, MASTER_SECRET_LABEL, concatRandoms(clientRandom, serverRandom), MASTER_SECRET_LENGTH);
    }

    /**
     * @return a copy of client_write_key: the server opens with it.
     */
    public byte[] clientWriteKey()
    {
        return clientWriteKey.clone();
    }

    /**
     * @return a copy of server_write_key: the server seals with it.
     */
    public byte[] serverWriteKey()
    {
        return serverWriteKey.clone();
    }

    /**
     * @return a copy of client_write_IV, the 4-byte implicit nonce of the client's records.
     */
    public byte[] clientWriteIv()
    {
        return clientWriteIv.clone();
    }

    /**
     * @return a copy of server_write_IV, the 4-byte implicit nonce of the server's records.
     */
    public byte[] serverWriteIv()
    {
        return serverWriteIv.clone();
    }

    /**
     * Wipe the keys and IVs held here once they have been handed on.
     */
    public void wipe()
    {
        Arrays.fill(clientWriteKey, (byte)0);
        Arrays.fill(serverWriteKey, (byte)0);
        Arrays.fill(clientWriteIv, (byte)0);
        Arrays.fill(serverWriteIv, (byte)0);
    }

    private static byte[] concatRandoms(final byte[] first, final byte[] second)
    {
        checkLength(first, RANDOM_LENGTH, "random");
        checkLength(second, RANDOM_LENGTH, "random");
        final byte[] seed = new byte[2 * RANDOM_LENGTH];
        System.arraycopy(first, 0, seed, 0, RANDOM_LENGTH);
        System.arraycopy(second, 0, seed, RANDOM_LENGTH, RANDOM_LENGTH);
        return seed;
    }

    private static int checkKeyLength(final int keyLength)
    {
        if (keyLength != 16 && keyLength != 32)
        {
            throw new IllegalArgumentException("AES-GCM key length must be 16 or 32, not " + keyLength);
        }
        return keyLength;
    }

    private static void checkLength(final byte[] value, final int length, final String what)
    {
        if (value.length != length)
        {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, not " + value.length);
        }
    }
}
