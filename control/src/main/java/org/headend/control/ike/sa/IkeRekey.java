package org.headend.control.ike.sa;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.codec.PayloadSet;
import org.headend.control.ike.codec.PayloadWriter;
import org.headend.control.ike.crypto.DhGroup;
import org.headend.control.ike.crypto.IkeKeys;
import org.headend.control.ike.crypto.IkeSuite;
import org.headend.control.ike.crypto.KeySchedule;

/**
 * Rekeying an IKE SA at the client's request (RFC 7296 §1.3.2, §2.18): CREATE_CHILD_SA with an IKE proposal
 * carrying the client's new SPI, a nonce and a KE. The new SA's SKEYSEED comes from the old SK_d (with the old
 * SA's PRF); the children and the session move to it, and the old SA lingers only to answer the client's DELETE.
 */
final class IkeRekey
{
    private IkeRekey()
    {
    }

    static void answer(final IkeSa old, final PayloadSet payloads, final PayloadWriter inner,
        final List<IkeAction> out, final long nowNanos)
    {
        final ResponderContext context = old.context();
        final byte[] spi = payloads.proposals().get(0).spi();
        if (payloads.keData() == null || spi.length != 8)
        {
            inner.notify(Ike.INVALID_SYNTAX, new byte[0]);
            return;
        }
        final List<IkeSuite> sameGroup = context.policy.ikeSuites().stream()
            .filter(s -> s.group().number() == payloads.keGroup()).toList();
        final Proposals.IkeChoice choice = Proposals.selectIke(payloads.proposals(), sameGroup);
        if (choice == null)
        {
            if (Proposals.selectIke(payloads.proposals(), context.policy.ikeSuites()) != null)
            {
                old.invalidKe(inner);
            }
            else
            {
                inner.notify(Ike.NO_PROPOSAL_CHOSEN, new byte[0]);
            }
            return;
        }
        final DhGroup group = choice.suite().group();
        final KeyPair pair = group.generate();
        final byte[] sharedSecret;
        try
        {
            sharedSecret = group.agree(pair, payloads.keData());
        }
        catch (final GeneralSecurityException ex)
        {
            inner.notify(Ike.INVALID_SYNTAX, new byte[0]);
            return;
        }
        final long spiI = ByteBuffer.wrap(spi).getLong();
        final long spiR = context.newSpi();
        final byte[] ni = payloads.nonce();
        final byte[] nr = context.nonce();
        final byte[] skeyseed = KeySchedule.rekeySkeyseed(old.suite().prf(), old.keys().skD(), sharedSecret, ni, nr);
        final IkeKeys keys = KeySchedule.ikeKeys(choice.suite(), skeyseed, ni, nr, spiI, spiR);
        final IkeSa replacement = new IkeSa(context, spiI, spiR, choice.suite(), keys, ni, nr, new byte[0],
            new byte[0], old.natDetected(), old.peer(), old.local(), nowNanos);
        if (old.peerFragments())
        {
            replacement.peerTakesFragments();
        }
        inner.securityAssociation(List.of(choice.answer(ByteBuffer.allocate(8).putLong(spiR).array())));
        inner.nonce(nr);
        inner.keyExchange(group.number(), group.publicValue(pair));
        old.handOver(replacement);
        out.add(new IkeAction.Rekeyed(old, replacement));
    }
}
