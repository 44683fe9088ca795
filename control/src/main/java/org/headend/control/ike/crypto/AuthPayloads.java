package org.headend.control.ike.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.HexFormat;
import org.headend.control.ike.codec.Ike;

/**
 * The AUTH payload data (RFC 7296 §2.15, §2.16; RFC 7427): the octets each side signs, the shared-key MAC (PSK,
 * or an EAP method's MSK or SK_p when the method made none) and our signature with the certificate's key.
 */
public final class AuthPayloads
{
    private static final byte[] KEY_PAD = "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII);
    /** RFC 7427 Appendix A: DER AlgorithmIdentifiers, each preceded by its length in the AUTH data. */
    private static final byte[] SHA256_WITH_RSA = HexFormat.of().parseHex("300d06092a864886f70d01010b0500");
    private static final byte[] ECDSA_WITH_SHA256 = HexFormat.of().parseHex("300a06082a8648ce3d040302");
    private static final byte[] ECDSA_WITH_SHA384 = HexFormat.of().parseHex("300a06082a8648ce3d040303");
    private static final byte[] ECDSA_WITH_SHA512 = HexFormat.of().parseHex("300a06082a8648ce3d040304");

    /** Our signature: the AUTH method and its data. */
    public record Signed(int method, byte[] data)
    {
    }

    private AuthPayloads()
    {
    }

    /** RealMessage | Nonce (the other side's) | prf(SK_p, ID') where ID' is the whole ID payload body. */
    public static byte[] signedOctets(final PrfAlgorithm prf, final byte[] realMessage, final byte[] otherNonce,
        final byte[] skP, final byte[] idBody)
    {
        return KeySchedule.concat(realMessage, otherNonce, prf.prf(skP, idBody));
    }

    /** AUTH = prf(prf(key, "Key Pad for IKEv2"), signed octets): for a PSK, or an EAP MSK (or SK_p). */
    public static byte[] sharedKeyAuth(final PrfAlgorithm prf, final byte[] key, final byte[] signedOctets)
    {
        return prf.prf(prf.prf(key, KEY_PAD), signedOctets);
    }

    /** Whether a received shared-key AUTH is right, compared in constant time. */
    public static boolean verifySharedKey(final PrfAlgorithm prf, final byte[] key, final byte[] signedOctets,
        final byte[] received)
    {
        return MessageDigest.isEqual(sharedKeyAuth(prf, key, signedOctets), received);
    }

    /**
     * Signs with RFC 7427 Digital Signature (method 14): SHA-256 with RSA (PKCS#1 v1.5), or ECDSA with the hash that
     * matches the curve, DER-encoded.
     */
    public static Signed sign(final PrivateKey key, final byte[] signedOctets) throws GeneralSecurityException
    {
        final byte[] algorithm;
        final String jcaName;
        if (key instanceof RSAKey)
        {
            algorithm = SHA256_WITH_RSA;
            jcaName = "SHA256withRSA";
        }
        else if (key instanceof ECKey ec)
        {
            final int bits = ec.getParams().getCurve().getField().getFieldSize();
            algorithm = bits <= 256 ? ECDSA_WITH_SHA256 : bits <= 384 ? ECDSA_WITH_SHA384 : ECDSA_WITH_SHA512;
            jcaName = bits <= 256 ? "SHA256withECDSA" : bits <= 384 ? "SHA384withECDSA" : "SHA512withECDSA";
        }
        else
        {
            throw new GeneralSecurityException("no IKE signature for a " + key.getAlgorithm() + " key");
        }
        final Signature signature = Signature.getInstance(jcaName);
        signature.initSign(key);
        signature.update(signedOctets);
        final byte[] value = signature.sign();
        final byte[] data = new byte[1 + algorithm.length + value.length];
        data[0] = (byte)algorithm.length;
        System.arraycopy(algorithm, 0, data, 1, algorithm.length);
        System.arraycopy(value, 0, data, 1 + algorithm.length, value.length);
        return new Signed(Ike.AUTH_DIGITAL_SIGNATURE, data);
    }
}
