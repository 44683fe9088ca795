package org.headend.control.dtls;

import java.io.IOException;
import java.security.SecureRandom;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SessionParameters;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.util.Arrays;
import org.headend.crypto.kdf.BcKeyBlock;
import org.headend.dataplane.api.DtlsKeys;

/**
 * The two BouncyCastle DTLS 1.2 servers (docs/protocol/tunnel-and-dtls.md §5.6): PSK-NEGOTIATE, a real PSK handshake
 * keyed by the TLS exporter of the CONNECT connection, and the Cisco-style resumption of a session that never
 * existed, keyed by the client's {@code X-DTLS-Master-Secret}. Both hand the record keys over instead of keeping
 * BC's record layer.
 */
final class HandshakeServers
{
    /**
     * The data plane starts its sequence numbers here: BC used the low numbers of epoch 1 for its Finished and any
     * retransmission of it, and the client's replay window must never see a number twice.
     */
    static final long FIRST_DATA_SEQUENCE = 1024;
    /**
     * A handshake that has not finished by then is abandoned. A real one takes a few round trips (a few seconds
     * with losses and retransmissions); openconnect itself gives up after 12 s and retries later. Short, so that a
     * slot held by a sender who never goes on (a replayed ClientHello) comes free soon.
     */
    static final int HANDSHAKE_TIMEOUT_MILLIS = 5_000;

    private HandshakeServers()
    {
    }

    static TlsCrypto crypto()
    {
        return new BcTlsCrypto(new SecureRandom());
    }

    /** The record keys of a finished handshake: the RFC 5246 key block derived with the suite's PRF. */
    static DtlsKeys keys(final TlsContext context, final DtlsSuite suite)
    {
        return DtlsKeys.forServer(BcKeyBlock.derive(context.getSecurityParametersConnection(), suite.keyLength()),
            FIRST_DATA_SEQUENCE, suite.asaName(), suite.hashName());
    }

    /** PSK-NEGOTIATE: plain PSK suites (what GnuTLS-built openconnect offers), the exporter output as the key. */
    static final class Psk extends PSKTlsServer
    {
        private volatile DtlsKeys keys;

        Psk(final byte[] psk)
        {
            super(crypto(), new TlsPSKIdentityManager()
            {
                @Override
                public byte[] getHint()
                {
                    return null;
                }

                @Override
                public byte[] getPSK(final byte[] identity)
                {
                    // openconnect sends the identity "psk"; the key is the session's, whatever the identity says
                    return psk.clone();
                }
            });
        }

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
            return new int[] {DtlsSuite.PSK_AES128.code(), DtlsSuite.PSK_AES256.code()};
        }

        @Override
        public void notifySecureRenegotiation(final boolean secureRenegotiation)
        {
            // GnuTLS opens this socket without extensions, so no renegotiation_info: acceptable, we never renegotiate
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
            final int suite = context.getSecurityParametersConnection().getCipherSuite();
            keys = HandshakeServers.keys(context, suite == DtlsSuite.PSK_AES256.code()
                ? DtlsSuite.PSK_AES256 : DtlsSuite.PSK_AES128);
        }
    }

    /**
     * Resumption: the client "resumes" the session named by the CONNECT answer's Session-ID with its own master
     * secret; no certificate, no key exchange. A full handshake is never offered (the client would disable DTLS).
     */
    static final class Resumption extends AbstractTlsServer
    {
        private final byte[] sessionId;
        private final byte[] masterSecret;
        private final DtlsSuite suite;
        private volatile DtlsKeys keys;

        Resumption(final byte[] sessionId, final byte[] masterSecret, final DtlsSuite suite)
        {
            super(crypto());
            this.sessionId = sessionId.clone();
            this.masterSecret = masterSecret.clone();
            this.suite = suite;
        }

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
            return new int[] {suite.code()};
        }

        @Override
        public TlsSession getSessionToResume(final byte[] id)
        {
            if (!Arrays.constantTimeAreEqual(id, sessionId))
            {
                return null;
            }
            // a fresh session object every attempt: BC invalidates one when a handshake aborts
            return TlsUtils.importSession(sessionId, new SessionParameters.Builder()
                .setCipherSuite(suite.code())
                .setNegotiatedVersion(ProtocolVersion.DTLSv12)
                .setMasterSecret(getCrypto().createSecret(masterSecret))
                .setExtendedMasterSecret(false)
                .build());
        }

        @Override
        public int getSelectedCipherSuite() throws IOException
        {
            // BC runs its normal selection even when resuming; clients without extensions would make it fail
            return context.getSecurityParametersHandshake().isResumedSession() ? suite.code()
                : super.getSelectedCipherSuite();
        }

        @Override
        public boolean shouldUseExtendedMasterSecret()
        {
            // the pretend session has no extended master secret; negotiating it would force a full handshake
            return false;
        }

        @Override
        public boolean allowLegacyResumption()
        {
            return true;
        }

        @Override
        public void notifySecureRenegotiation(final boolean secureRenegotiation)
        {
            // clients opened without extensions send no renegotiation_info; we never renegotiate
        }

        @Override
        public TlsCredentials getCredentials()
        {
            // the resumption path never asks; a client that does not resume gets no full handshake
            return null;
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
            keys = HandshakeServers.keys(context, suite);
        }
    }
}
