package org.headend.control.ike.sa;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.crypto.DhGroup;
import org.headend.control.ike.crypto.IkeSuite;
import org.headend.control.ike.crypto.PrfAlgorithm;

/**
 * The whole responder under arbitrary datagrams on UDP 500, as anyone may send them: {@link IkeResponder#onDatagram}
 * never throws (an exception would reach the control thread), answers at most one datagram per datagram, and keeps
 * no more than one half-open SA per IKE_SA_INIT. The committed seeds are IKE_SA_INIT requests for each of our groups,
 * so mutations reach proposal selection and the DH checks.
 */
class IkeResponderFuzzTest
{
    private static final InetSocketAddress PEER = new InetSocketAddress("198.51.100.7", 500);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("203.0.113.1", 500);

    private static final IkeHost HOST = new IkeHost()
    {
        @Override
        public byte[] ntPasswordHash(final String username)
        {
            return null;
        }

        @Override
        public ClientConfig admit(final IkeSa sa, final String username)
        {
            return null;
        }

        @Override
        public void release(final IkeSa sa)
        {
        }

        @Override
        public int reserveSpi()
        {
            return 0x100;
        }

        @Override
        public void releaseSpi(final int spi)
        {
        }
    };

    static ResponderPolicy policy()
    {
        return new ResponderPolicy(List.of(
            new IkeSuite(Ike.ENCR_AES_GCM_16, 256, 0, PrfAlgorithm.HMAC_SHA2_384, DhGroup.ECP_384),
            new IkeSuite(Ike.ENCR_AES_GCM_16, 128, 0, PrfAlgorithm.HMAC_SHA2_256, DhGroup.ECP_256),
            new IkeSuite(Ike.ENCR_AES_CBC, 256, Ike.AUTH_HMAC_SHA2_256_128, PrfAlgorithm.HMAC_SHA2_256,
                DhGroup.MODP_2048),
            new IkeSuite(Ike.ENCR_AES_GCM_16, 256, 0, PrfAlgorithm.HMAC_SHA2_512, DhGroup.CURVE25519),
            new IkeSuite(Ike.ENCR_AES_GCM_16, 256, 0, PrfAlgorithm.HMAC_SHA2_512, DhGroup.ECP_521)),
            List.of(256, 128), Ike.ID_FQDN, "vpn.example.test".getBytes(StandardCharsets.US_ASCII), null, List.of(),
            "psk".getBytes(StandardCharsets.US_ASCII), null, 10, 10, 0, 0, true);
    }

    @FuzzTest
    void anyDatagramGetsAtMostOneAnswerAndNeverAnException(final byte[] datagram)
    {
        final IkeResponder responder = new IkeResponder(policy(), HOST, new SecureRandom(), 0);
        final List<IkeAction> actions = responder.onDatagram(datagram, PEER, LOCAL, 1);
        assertTrue(actions.size() <= 1, "one answer at most: " + actions);
        assertTrue(responder.sas().size() <= 1);
        // the same bytes again are a retransmission: the same answer or none, never a second SA
        final List<IkeAction> again = responder.onDatagram(datagram, PEER, LOCAL, 2);
        assertTrue(again.size() <= 1 && responder.sas().size() <= 1);
        responder.onTimer(60_000_000_000L);
        assertTrue(responder.sas().isEmpty(), "a half-open SA times out");
    }
}
