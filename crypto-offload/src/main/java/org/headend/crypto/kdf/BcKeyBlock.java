package org.headend.crypto.kdf;

import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.crypto.CryptoHashAlgorithm;
import org.bouncycastle.tls.crypto.TlsCryptoUtils;
import org.bouncycastle.tls.crypto.TlsSecret;

/**
 * The key block of a DTLS 1.2 handshake BouncyCastle finished, derived by {@link Tls12KeyBlock}: BC's master secret
 * never leaves BC, it is only lent as the HMAC key of the PRF. The headend's handshake servers, the load generator's
 * client and the record-layer interop test all take their keys from here.
 */
public final class BcKeyBlock
{
    private BcKeyBlock()
    {
    }

    /**
     * @param connection the finished handshake's {@code getSecurityParametersConnection()}
     * @param keyLength  the AES-GCM key length of its suite, 16 or 32
     * @return the split key block
     */
    public static Tls12KeyBlock derive(final SecurityParameters connection, final int keyLength)
    {
        final int hash = TlsCryptoUtils.getHashForPRF(connection.getPRFAlgorithm());
        final Tls12Prf prf = switch (hash)
        {
            case CryptoHashAlgorithm.sha256 -> Tls12Prf.P_SHA256;
            case CryptoHashAlgorithm.sha384 -> Tls12Prf.P_SHA384;
            default -> throw new IllegalArgumentException("no TLS 1.2 PRF with hash " + hash);
        };
        final TlsSecret master = connection.getMasterSecret();
        return Tls12KeyBlock.deriveAesGcm(prf, data -> master.calculateHMAC(hash, data, 0, data.length),
            connection.getClientRandom(), connection.getServerRandom(), keyLength);
    }
}
