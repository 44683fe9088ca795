package org.headend.dataplane.api;

import org.headend.crypto.kdf.Tls12KeyBlock;

/**
 * The keys one DTLS 1.2 AES-GCM session runs with after its handshake (RFC 5246 §6.3 key block, RFC 5288 nonces),
 * handed from control to the data plane. The arrays are owned by the record codec once given to it.
 *
 * @param epoch             the epoch both sides use after ChangeCipherSpec (1 after a first handshake)
 * @param clientWriteKey    the key the client seals with (the headend opens with it)
 * @param serverWriteKey    the key the headend seals with
 * @param clientImplicitIv  the client's 4-byte GCM salt
 * @param serverImplicitIv  the headend's 4-byte GCM salt
 * @param firstSendSequence the first sequence number the data plane may use (the handshake used the ones below)
 * @param cipherName        the suite in ASA words for the CLI, e.g. {@code AES-GCM-256}
 * @param hashName          the PRF hash in ASA words, e.g. {@code SHA384}
 */
public record DtlsKeys(int epoch, byte[] clientWriteKey, byte[] serverWriteKey, byte[] clientImplicitIv,
    byte[] serverImplicitIv, long firstSendSequence, String cipherName, String hashName)
{
    public DtlsKeys
    {
        if (clientImplicitIv.length != 4 || serverImplicitIv.length != 4)
        {
            throw new IllegalArgumentException("AES-GCM implicit IVs are 4 bytes");
        }
        if (clientWriteKey.length != serverWriteKey.length || (clientWriteKey.length != 16 && clientWriteKey.length != 32))
        {
            throw new IllegalArgumentException("AES-GCM keys are 16 or 32 bytes, the same for both directions");
        }
    }

    /** The headend's keys from a handshake's key block (it seals with the server's, opens with the client's); wipes the block. */
    public static DtlsKeys forServer(final Tls12KeyBlock block, final long firstSendSequence, final String cipherName,
        final String hashName)
    {
        try
        {
            return new DtlsKeys(1, block.clientWriteKey(), block.serverWriteKey(), block.clientWriteIv(),
                block.serverWriteIv(), firstSendSequence, cipherName, hashName);
        }
        finally
        {
            block.wipe();
        }
    }

    /**
     * A client's keys in the record codec's terms (it is written from the headend's side, so a client's two
     * directions are swapped); for load generators and tests. Wipes the block.
     */
    public static DtlsKeys forClient(final Tls12KeyBlock block, final long firstSendSequence, final String cipherName,
        final String hashName)
    {
        try
        {
            return new DtlsKeys(1, block.serverWriteKey(), block.clientWriteKey(), block.serverWriteIv(),
                block.clientWriteIv(), firstSendSequence, cipherName, hashName);
        }
        finally
        {
            block.wipe();
        }
    }

    @Override
    public String toString()
    {
        return "DtlsKeys[epoch=" + epoch + ", " + cipherName + "]";
    }
}
