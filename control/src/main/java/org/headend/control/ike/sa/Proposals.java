package org.headend.control.ike.sa;

import java.util.List;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.codec.Proposal;
import org.headend.control.ike.codec.Transform;
import org.headend.control.ike.crypto.IkeSuite;

/**
 * Proposal selection (RFC 7296 §2.7, §3.3.6): the responder's preference order wins, and a proposal is acceptable
 * when it offers every transform of one of our suites. The answer echoes the chosen proposal's number with exactly
 * one transform of each type.
 */
final class Proposals
{
    /** The chosen IKE suite and the proposal that offered it. */
    record IkeChoice(IkeSuite suite, Proposal offered)
    {
        /** The single-proposal answer, with {@code spi} (empty in IKE_SA_INIT, our new SPI in a rekey). */
        Proposal answer(final byte[] spi)
        {
            final List<Transform> transforms = suite.aead()
                ? List.of(new Transform(Ike.TRANSFORM_ENCR, suite.encryption(), suite.keyBits()),
                    new Transform(Ike.TRANSFORM_PRF, suite.prf().id()),
                    new Transform(Ike.TRANSFORM_DH, suite.group().number()))
                : List.of(new Transform(Ike.TRANSFORM_ENCR, suite.encryption(), suite.keyBits()),
                    new Transform(Ike.TRANSFORM_PRF, suite.prf().id()),
                    new Transform(Ike.TRANSFORM_INTEG, suite.integrity()),
                    new Transform(Ike.TRANSFORM_DH, suite.group().number()));
            return new Proposal(offered.number(), Ike.PROTOCOL_IKE, spi, transforms);
        }
    }

    /** The chosen ESP transform set. {@code group} is 0 without PFS. */
    record EspChoice(Proposal offered, int keyBits, boolean esn, int group)
    {
        Proposal answer(final int ourSpi)
        {
            final byte[] spi = {(byte)(ourSpi >>> 24), (byte)(ourSpi >>> 16), (byte)(ourSpi >>> 8), (byte)ourSpi};
            final List<Transform> base = List.of(new Transform(Ike.TRANSFORM_ENCR, Ike.ENCR_AES_GCM_16, keyBits),
                new Transform(Ike.TRANSFORM_ESN, esn ? Ike.ESN_YES : Ike.ESN_NONE));
            final List<Transform> transforms = group == 0 ? base : java.util.stream.Stream.concat(base.stream(),
                java.util.stream.Stream.of(new Transform(Ike.TRANSFORM_DH, group))).toList();
            return new Proposal(offered.number(), Ike.PROTOCOL_ESP, spi, transforms);
        }

        int outboundSpi()
        {
            final byte[] spi = offered.spi();
            return (spi[0] & 0xff) << 24 | (spi[1] & 0xff) << 16 | (spi[2] & 0xff) << 8 | spi[3] & 0xff;
        }
    }

    private Proposals()
    {
    }

    /** Our first suite that one of the offered IKE proposals fully offers, or null. */
    static IkeChoice selectIke(final List<Proposal> offered, final List<IkeSuite> ours)
    {
        for (final IkeSuite suite : ours)
        {
            for (final Proposal proposal : offered)
            {
                if (proposal.protocol() == Ike.PROTOCOL_IKE && offers(proposal, suite))
                {
                    return new IkeChoice(suite, proposal);
                }
            }
        }
        return null;
    }

    private static boolean offers(final Proposal proposal, final IkeSuite suite)
    {
        final boolean integrityOk = suite.aead()
            ? proposal.ofType(Ike.TRANSFORM_INTEG).stream().allMatch(t -> t.id() == 0)
            : has(proposal, Ike.TRANSFORM_INTEG, suite.integrity(), 0);
        return has(proposal, Ike.TRANSFORM_ENCR, suite.encryption(), suite.keyBits())
            && has(proposal, Ike.TRANSFORM_PRF, suite.prf().id(), 0) && integrityOk
            && has(proposal, Ike.TRANSFORM_DH, suite.group().number(), 0);
    }

    /**
     * Our first AES-GCM-16 key size an offered ESP proposal has, with its ESN choice (no ESN preferred).
     *
     * @param pfsGroup the KE payload's group when the exchange carries one (a rekey with PFS), else 0: then a
     *                 proposal must offer that group; without KE, DH transforms are ignored (the first CHILD_SA
     *                 in IKE_AUTH never has one, RFC 7296 §1.2)
     */
    static EspChoice selectEsp(final List<Proposal> offered, final List<Integer> keyBits, final int pfsGroup)
    {
        for (final int bits : keyBits)
        {
            for (final Proposal proposal : offered)
            {
                if (proposal.protocol() != Ike.PROTOCOL_ESP || proposal.spi().length != 4
                    || !has(proposal, Ike.TRANSFORM_ENCR, Ike.ENCR_AES_GCM_16, bits)
                    || pfsGroup != 0 && !has(proposal, Ike.TRANSFORM_DH, pfsGroup, 0))
                {
                    continue;
                }
                final List<Transform> esn = proposal.ofType(Ike.TRANSFORM_ESN);
                final boolean noEsn = esn.isEmpty() || esn.stream().anyMatch(t -> t.id() == Ike.ESN_NONE);
                return new EspChoice(proposal, bits, !noEsn, pfsGroup);
            }
        }
        return null;
    }

    private static boolean has(final Proposal proposal, final int type, final int id, final int keyBits)
    {
        for (final Transform transform : proposal.ofType(type))
        {
            if (transform.id() == id && transform.keyLength() == keyBits)
            {
                return true;
            }
        }
        return false;
    }
}
