package org.headend.control.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.List;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.codec.IkeHeader;
import org.headend.control.ike.codec.IkeMessageWriter;
import org.headend.control.ike.codec.PayloadSet;
import org.headend.control.ike.codec.PayloadWriter;
import org.headend.control.ike.codec.Proposal;
import org.headend.control.ike.codec.Transform;
import org.headend.control.ike.crypto.DhGroup;
import org.headend.control.ike.crypto.IkeKeys;
import org.headend.control.ike.crypto.IkeSuite;
import org.headend.control.ike.crypto.KeySchedule;
import org.headend.control.ike.crypto.PrfAlgorithm;

/**
 * A minimal IKEv2 initiator for the responder's tests, built from the codec and crypto classes: it makes the
 * requests a client sends and opens the responder's answers with its own copy of the keys.
 */
final class TestInitiator
{
    static final InetSocketAddress CLIENT = new InetSocketAddress("198.51.100.7", 500);
    static final InetSocketAddress SERVER = new InetSocketAddress("203.0.113.1", 500);

    private final SecureRandom random = new SecureRandom();
    final long spiI = random.nextLong() | 1;
    long spiR;
    byte[] ni = new byte[32];
    byte[] nr;
    KeyPair dh;
    IkeSuite suite;
    IkeKeys keys;
    byte[] initRequest;
    byte[] initResponse;
    long nextId = 1;
    MessageProtection protection;
    /** Whether IKE_SA_INIT announces IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383). */
    boolean fragmentation;
    /** Vendor IDs IKE_SA_INIT carries (a Cisco AnyConnect client's). */
    final List<byte[]> vendorIds = new java.util.ArrayList<>();

    TestInitiator()
    {
        random.nextBytes(ni);
    }

    /** IKE_SA_INIT offering one proposal of {@code suite}, with a KE of {@code keGroup} and optional notifies. */
    byte[] init(final IkeSuite offered, final DhGroup keGroup, final byte[] cookie, final InetSocketAddress natSource)
    {
        final IkeMessageWriter writer = new IkeMessageWriter(4096);
        final PayloadWriter out = writer.begin(spiI, 0, Ike.IKE_SA_INIT, Ike.FLAG_INITIATOR, 0);
        if (cookie != null)
        {
            out.notify(Ike.COOKIE, cookie);
        }
        out.securityAssociation(List.of(ikeProposal(offered, new byte[0])));
        dh = keGroup.generate();
        out.keyExchange(keGroup.number(), keGroup.publicValue(dh));
        out.nonce(ni);
        out.notify(Ike.NAT_DETECTION_SOURCE_IP, NatDetection.hash(spiI, 0, natSource));
        out.notify(Ike.NAT_DETECTION_DESTINATION_IP, NatDetection.hash(spiI, 0, SERVER));
        if (fragmentation)
        {
            out.notify(Ike.IKEV2_FRAGMENTATION_SUPPORTED, new byte[0]);
        }
        for (final byte[] vid : vendorIds)
        {
            out.vendor(vid);
        }
        initRequest = writer.finish();
        return initRequest;
    }

    static Proposal ikeProposal(final IkeSuite suite, final byte[] spi)
    {
        final List<Transform> transforms = suite.aead()
            ? List.of(new Transform(Ike.TRANSFORM_ENCR, suite.encryption(), suite.keyBits()),
                new Transform(Ike.TRANSFORM_PRF, suite.prf().id()),
                new Transform(Ike.TRANSFORM_DH, suite.group().number()))
            : List.of(new Transform(Ike.TRANSFORM_ENCR, suite.encryption(), suite.keyBits()),
                new Transform(Ike.TRANSFORM_PRF, suite.prf().id()),
                new Transform(Ike.TRANSFORM_INTEG, suite.integrity()),
                new Transform(Ike.TRANSFORM_DH, suite.group().number()));
        return new Proposal(1, Ike.PROTOCOL_IKE, spi, transforms);
    }

    static PayloadSet plain(final byte[] message) throws Exception
    {
        return PayloadSet.decode(header(message).payloads());
    }

    static IkeHeader header(final byte[] message) throws Exception
    {
        return new IkeHeader().wrap(ByteBuffer.wrap(message), 0, message.length);
    }

    /** Takes the IKE_SA_INIT response and derives the keys as the client would. */
    void onInitResponse(final byte[] response) throws Exception
    {
        initResponse = response;
        final IkeHeader header = header(response);
        spiR = header.responderSpi();
        final PayloadSet payloads = plain(response);
        assertNotNull(payloads.proposals(), "an SA payload in the answer");
        final Proposal chosen = payloads.proposals().get(0);
        final Transform encr = chosen.ofType(Ike.TRANSFORM_ENCR).get(0);
        final int integ = chosen.ofType(Ike.TRANSFORM_INTEG).isEmpty() ? 0
            : chosen.ofType(Ike.TRANSFORM_INTEG).get(0).id();
        suite = new IkeSuite(encr.id(), encr.keyLength(), integ,
            PrfAlgorithm.of(chosen.ofType(Ike.TRANSFORM_PRF).get(0).id()),
            DhGroup.of(chosen.ofType(Ike.TRANSFORM_DH).get(0).id()));
        nr = payloads.nonce();
        final byte[] shared = suite.group().agree(dh, payloads.keData());
        keys = KeySchedule.ikeKeys(suite, KeySchedule.skeyseed(suite.prf(), ni, nr, shared), ni, nr, spiI, spiR);
        protection = new MessageProtection(spiI, spiR, suite.cipher(keys.skEr(), keys.skAr()),
            suite.cipher(keys.skEi(), keys.skAi()), true);
    }

    /** Adopts the keys of a rekeyed IKE SA. */
    void rekeyed(final long newSpiI, final long newSpiR, final IkeSuite newSuite, final IkeKeys newKeys)
    {
        protection = new MessageProtection(newSpiI, newSpiR, newSuite.cipher(newKeys.skEr(), newKeys.skAr()),
            newSuite.cipher(newKeys.skEi(), newKeys.skAi()), true);
        keys = newKeys;
        suite = newSuite;
        nextId = 0;
    }

    byte[] request(final int exchange, final PayloadWriter inner) throws Exception
    {
        return protection.seal(exchange, false, nextId++, inner);
    }

    /** The request split into {@code count} SKF fragments (RFC 7383), sealed one by one. */
    List<byte[]> fragmentedRequest(final int exchange, final PayloadWriter inner, final int count) throws Exception
    {
        final byte[] chain = inner.copy(0);
        final long id = nextId++;
        final List<byte[]> out = new java.util.ArrayList<>();
        final int size = (chain.length + count - 1) / count;
        for (int i = 0; i < count; i++)
        {
            final byte[] chunk = java.util.Arrays.copyOfRange(chain, Math.min(i * size, chain.length),
                Math.min((i + 1) * size, chain.length));
            out.add(protection.sealFragment(exchange, false, id, i + 1, count, inner.firstType(), chunk));
        }
        return out;
    }

    /** Answers a request of the responder's. */
    byte[] response(final int exchange, final long id, final PayloadWriter inner) throws Exception
    {
        return protection.seal(exchange, true, id, inner);
    }

    /** Opens a message from the responder. */
    PayloadSet open(final byte[] message) throws Exception
    {
        final IkeHeader header = header(message);
        assertEquals(0, header.flags() & Ike.FLAG_INITIATOR, "the responder never sets the I flag");
        return protection.open(header, message);
    }

    /** Puts the responder's SKF fragments of one message back together, checking each, and decodes it. */
    PayloadSet reassemble(final List<byte[]> datagrams) throws Exception
    {
        final FragmentAssembly assembly = new FragmentAssembly();
        byte[] whole = null;
        for (final byte[] datagram : datagrams)
        {
            final IkeHeader header = header(datagram);
            assertTrue(MessageProtection.fragmented(header), "an SKF fragment");
            final MessageProtection.Fragment fragment = protection.openFragment(header, datagram);
            whole = assembly.add(header.messageId(), fragment.number(), fragment.total(), fragment.firstType(),
                fragment.content());
        }
        assertNotNull(whole, "every fragment arrived");
        return MessageProtection.decode(whole, assembly.firstType());
    }

    static PayloadWriter inner()
    {
        return MessageProtection.inner();
    }

    static void assertResponse(final byte[] message, final long id) throws Exception
    {
        final IkeHeader header = header(message);
        assertTrue(header.isResponse());
        assertEquals(id, header.messageId());
    }
}
