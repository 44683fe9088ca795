package org.headend.control.ike.sa;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.codec.IkeHeader;
import org.headend.control.ike.codec.IkeMessageWriter;
import org.headend.control.ike.codec.IkeParseException;
import org.headend.control.ike.codec.Notification;
import org.headend.control.ike.codec.PayloadSet;
import org.headend.control.ike.codec.PayloadWriter;
import org.headend.control.ike.crypto.DhGroup;
import org.headend.control.ike.crypto.IkeKeys;
import org.headend.control.ike.crypto.IkeSuite;
import org.headend.control.ike.crypto.KeySchedule;

/**
 * The responder's half of IKE_SA_INIT (RFC 7296 §1.2): proposal choice in our order, a KE in the chosen group or
 * INVALID_KE_PAYLOAD naming it, a stateless COOKIE challenge when too many SAs are half open (§2.6), the DH
 * exchange with the peer's value checked, NAT detection both ways (§2.23), and the keys. Errors before any state
 * exists are answered in the clear, as §2.21.1 says.
 */
final class InitExchange
{
    /** Our SIGNATURE_HASH_ALGORITHMS (RFC 7427): SHA2-256, SHA2-384, SHA2-512. */
    private static final byte[] HASH_ALGORITHMS = {0, 2, 0, 3, 0, 4};

    private final ResponderContext context;
    private final Cookies cookies;
    private final IkeMessageWriter writer = new IkeMessageWriter(2048);

    InitExchange(final ResponderContext context, final Cookies cookies)
    {
        this.context = context;
        this.cookies = cookies;
    }

    /** The new half-open SA (its response already in {@code out}), or null when none was created. */
    IkeSa onRequest(final IkeHeader header, final byte[] datagram, final InetSocketAddress peer,
        final InetSocketAddress local, final int halfOpen, final long nowNanos, final List<IkeAction> out)
    {
        final PayloadSet payloads;
        try
        {
            payloads = PayloadSet.decode(header.payloads());
        }
        catch (final IkeParseException ex)
        {
            return null;
        }
        if (payloads.proposals() == null || payloads.keData() == null || payloads.nonce() == null)
        {
            return null;
        }
        final long spiI = header.initiatorSpi();
        final ResponderPolicy policy = context.policy;
        if (halfOpen >= policy.cookieThreshold())
        {
            final Notification cookie = payloads.notification(Ike.COOKIE);
            if (cookie == null || !cookies.valid(cookie.data(), payloads.nonce(), peer.getAddress(), spiI, nowNanos))
            {
                final PayloadWriter answer = writer.begin(spiI, 0, Ike.IKE_SA_INIT, Ike.FLAG_RESPONSE, 0);
                answer.notify(Ike.COOKIE, cookies.make(payloads.nonce(), peer.getAddress(), spiI, nowNanos));
                out.add(new IkeAction.Send(peer, local, writer.finish()));
                return null;
            }
        }
        if (halfOpen >= policy.maxHalfOpen())
        {
            return null;
        }
        final List<IkeSuite> sameGroup = policy.ikeSuites().stream()
            .filter(s -> s.group().number() == payloads.keGroup()).toList();
        Proposals.IkeChoice choice = Proposals.selectIke(payloads.proposals(), sameGroup);
        if (choice == null)
        {
            choice = Proposals.selectIke(payloads.proposals(), policy.ikeSuites());
            final int group = choice == null ? 0 : choice.suite().group().number();
            final PayloadWriter answer = writer.begin(spiI, 0, Ike.IKE_SA_INIT, Ike.FLAG_RESPONSE, 0);
            if (choice == null)
            {
                answer.notify(Ike.NO_PROPOSAL_CHOSEN, new byte[0]);
            }
            else
            {
                answer.notify(Ike.INVALID_KE_PAYLOAD, new byte[] {(byte)(group >>> 8), (byte)group});
            }
            out.add(new IkeAction.Send(peer, local, writer.finish()));
            return null;
        }
        final IkeSuite suite = choice.suite();
        final DhGroup group = suite.group();
        final KeyPair pair = group.generate();
        final byte[] sharedSecret;
        try
        {
            sharedSecret = group.agree(pair, payloads.keData());
        }
        catch (final GeneralSecurityException ex)
        {
            return null;
        }
        final long spiR = context.newSpi();
        final byte[] nr = context.nonce();
        final boolean natDetected = policy.forceNatT() || !matches(payloads, Ike.NAT_DETECTION_SOURCE_IP, spiI, peer)
            || !matches(payloads, Ike.NAT_DETECTION_DESTINATION_IP, spiI, local);
        final PayloadWriter answer = writer.begin(spiI, spiR, Ike.IKE_SA_INIT, Ike.FLAG_RESPONSE, 0);
        answer.securityAssociation(List.of(choice.answer(new byte[0])));
        answer.keyExchange(group.number(), group.publicValue(pair));
        answer.nonce(nr);
        // a forced NAT-T hashes the port we are not on: the client sees our address "changed" and encapsulates
        answer.notify(Ike.NAT_DETECTION_SOURCE_IP, NatDetection.hash(spiI, spiR, policy.forceNatT()
            ? new InetSocketAddress(local.getAddress(), local.getPort() ^ 1) : local));
        answer.notify(Ike.NAT_DETECTION_DESTINATION_IP, NatDetection.hash(spiI, spiR, peer));
        final boolean fragments = policy.fragmentation()
            && payloads.notification(Ike.IKEV2_FRAGMENTATION_SUPPORTED) != null;
        if (fragments)
        {
            answer.notify(Ike.IKEV2_FRAGMENTATION_SUPPORTED, new byte[0]);
        }
        if (policy.serverKey() != null && payloads.notification(Ike.SIGNATURE_HASH_ALGORITHMS) != null)
        {
            answer.notify(Ike.SIGNATURE_HASH_ALGORITHMS, HASH_ALGORITHMS);
        }
        final boolean anyConnect = CiscoClient.announcesEap(payloads.vendorIds());
        if (anyConnect)
        {
            // we speak EAP-AnyConnect: say so the way the client did; other Cisco vendor IDs go unanswered
            answer.vendor(CiscoClient.ANYCONNECT_EAP_VID);
        }
        final byte[] response = writer.finish();
        final byte[] skeyseed = KeySchedule.skeyseed(suite.prf(), payloads.nonce(), nr, sharedSecret);
        final IkeKeys keys = KeySchedule.ikeKeys(suite, skeyseed, payloads.nonce(), nr, spiI, spiR);
        out.add(new IkeAction.Send(peer, local, response));
        final IkeSa sa = new IkeSa(context, spiI, spiR, suite, keys, payloads.nonce(), nr, datagram, response,
            natDetected, peer, local, nowNanos);
        if (fragments)
        {
            sa.peerTakesFragments();
        }
        if (anyConnect)
        {
            sa.ciscoAnyConnect();
        }
        return sa;
    }

    /**
     * Whether one of the peer's NAT_DETECTION notifies of {@code type} matches {@code address}; a peer that sent
     * none is taken as not behind NAT (§2.23 makes them optional).
     */
    private static boolean matches(final PayloadSet payloads, final int type, final long spiI,
        final InetSocketAddress address)
    {
        final byte[] expected = NatDetection.hash(spiI, 0, address);
        boolean any = false;
        for (final Notification notification : payloads.notifications())
        {
            if (notification.type() == type)
            {
                any = true;
                if (java.security.MessageDigest.isEqual(expected, notification.data()))
                {
                    return true;
                }
            }
        }
        return !any;
    }
}
