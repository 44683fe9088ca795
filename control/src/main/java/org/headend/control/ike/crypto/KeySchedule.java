package org.headend.control.ike.crypto;

import java.util.Arrays;

/**
 * The IKEv2 key derivations (RFC 7296 §2.13, §2.14, §2.17, §2.18): SKEYSEED, the IKE SA keys, a rekeyed IKE SA's
 * SKEYSEED and a CHILD_SA's KEYMAT.
 */
public final class KeySchedule
{
    private KeySchedule()
    {
    }

    /** SKEYSEED = prf(Ni | Nr, g^ir). */
    public static byte[] skeyseed(final PrfAlgorithm prf, final byte[] ni, final byte[] nr, final byte[] sharedSecret)
    {
        return prf.prf(concat(ni, nr), sharedSecret);
    }

    /** SKEYSEED of a rekeyed IKE SA = prf(SK_d (old), g^ir (new) | Ni | Nr) (§2.18). */
    public static byte[] rekeySkeyseed(final PrfAlgorithm prf, final byte[] oldSkD, final byte[] sharedSecret,
        final byte[] ni, final byte[] nr)
    {
        return prf.prf(oldSkD, sharedSecret, ni, nr);
    }

    /** {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr). */
    public static IkeKeys ikeKeys(final IkeSuite suite, final byte[] skeyseed, final byte[] ni, final byte[] nr,
        final long spiI, final long spiR)
    {
        final int prfLength = suite.prf().length();
        final int a = suite.integrityKeyLength();
        final int e = suite.encryptionKeyLength();
        final byte[] seed = concat(ni, nr, long8(spiI), long8(spiR));
        final byte[] all = suite.prf().prfPlus(skeyseed, seed, 3 * prfLength + 2 * a + 2 * e);
        int at = 0;
        final byte[] skD = Arrays.copyOfRange(all, at, at += prfLength);
        final byte[] skAi = Arrays.copyOfRange(all, at, at += a);
        final byte[] skAr = Arrays.copyOfRange(all, at, at += a);
        final byte[] skEi = Arrays.copyOfRange(all, at, at += e);
        final byte[] skEr = Arrays.copyOfRange(all, at, at += e);
        final byte[] skPi = Arrays.copyOfRange(all, at, at += prfLength);
        final byte[] skPr = Arrays.copyOfRange(all, at, at += prfLength);
        Arrays.fill(all, (byte)0);
        return new IkeKeys(skD, skAi, skAr, skEi, skEr, skPi, skPr);
    }

    /**
     * KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) (§2.17): {@code length} bytes; the initiator-to-responder keys
     * come first.
     *
     * @param sharedSecret the PFS exchange's g^ir, or null without one
     */
    public static byte[] childKeymat(final PrfAlgorithm prf, final byte[] skD, final byte[] sharedSecret,
        final byte[] ni, final byte[] nr, final int length)
    {
        final byte[] seed = sharedSecret == null ? concat(ni, nr) : concat(sharedSecret, ni, nr);
        return prf.prfPlus(skD, seed, length);
    }

    static byte[] long8(final long value)
    {
        final byte[] out = new byte[8];
        for (int i = 0; i < 8; i++)
        {
            out[i] = (byte)(value >>> (56 - 8 * i));
        }
        return out;
    }

    static byte[] concat(final byte[]... parts)
    {
        int length = 0;
        for (final byte[] part : parts)
        {
            length += part.length;
        }
        final byte[] out = new byte[length];
        int at = 0;
        for (final byte[] part : parts)
        {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
