package org.headend.perf.loadgen;

import java.io.IOException;
import java.security.SecureRandom;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.SessionParameters;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.headend.crypto.kdf.BcKeyBlock;
import org.headend.dataplane.api.DtlsKeys;

/**
 * openconnect's PSK-NEGOTIATE DTLS 1.2 client side (docs/protocol/tunnel-and-dtls.md §5.5) on BouncyCastle: PSK
 * identity {@code psk}, the key exported from this tunnel's TLS session, plain PSK AES-GCM suites, and the App-ID
 * carried in {@code ClientHello.session_id}. BC puts a session id there only when it offers a session to resume, so
 * the client offers a made-up one under the App-ID; it must claim the extended master secret, or BC silently sends an
 * empty id. The server never resumes it and a normal PSK handshake follows. BC keeps only the handshake: the record
 * keys go to the headend's own record codec.
 */
final class PskDtlsClient extends PSKTlsClient
{
    /** openconnect gives up on a DTLS handshake after 12 s and stays on CSTP. */
    static final int HANDSHAKE_TIMEOUT_MILLIS = 12_000;
    /**
     * Our first data sequence number in epoch 1: BC used the lowest for its Finished (and any resend of it), and a
     * peer's replay window must never see a number twice.
     */
    static final long FIRST_DATA_SEQUENCE = 1024;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] appId;
    private volatile DtlsKeys keys;

    PskDtlsClient(final byte[] psk, final byte[] appId)
    {
        super(new BcTlsCrypto(RANDOM), new BasicTlsPSKIdentity("psk", psk));
        this.appId = appId.clone();
    }

    /** The keys of the finished handshake, as the headend's codec expects them from the peer's point of view. */
    DtlsKeys keys()
    {
        return keys;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions()
    {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites()
    {
        return new int[] {CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384};
    }

    @Override
    public TlsSession getSessionToResume()
    {
        final byte[] master = new byte[48];
        RANDOM.nextBytes(master);
        return TlsUtils.importSession(appId, new SessionParameters.Builder()
            .setCipherSuite(CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256)
            .setNegotiatedVersion(ProtocolVersion.DTLSv12)
            .setMasterSecret(getCrypto().createSecret(master))
            .setExtendedMasterSecret(true)
            .build());
    }

    @Override
    public int getHandshakeTimeoutMillis()
    {
        return HANDSHAKE_TIMEOUT_MILLIS;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException
    {
        super.notifyHandshakeComplete();
        keys = mirroredKeys(context.getSecurityParametersConnection());
    }

    /**
     * The RFC 5246 key block (client write key, server write key, client IV, server IV) arranged for
     * {@link org.headend.dataplane.dtls.DtlsRecordCodec}, which is written from the headend's side: it opens with
     * the "client" key and seals with the "server" key, so a client gives it the two directions swapped.
     */
    static DtlsKeys mirroredKeys(final SecurityParameters sp)
    {
        final boolean aes256 = sp.getCipherSuite() == CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384;
        return DtlsKeys.forClient(BcKeyBlock.derive(sp, aes256 ? 32 : 16), FIRST_DATA_SEQUENCE,
            aes256 ? "AES-GCM-256" : "AES-GCM-128", aes256 ? "SHA384" : "SHA256");
    }
}
