package org.headend.control.ike.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import javax.crypto.interfaces.DHPublicKey;
import javax.crypto.spec.DHParameterSpec;
import javax.crypto.spec.DHPublicKeySpec;

/**
 * The Diffie-Hellman groups the responder offers, through the JDK: MODP-2048 (RFC 3526, group 14), the NIST
 * curves (RFC 5903, groups 19–21: public value x‖y, shared secret x) and X25519 (RFC 8031, group 31: 32 bytes
 * little-endian). Peer public values are checked before use (RFC 6989): 1 &lt; y &lt; p−1 for MODP, on the curve
 * for ECP, a non-zero result for X25519. A key pair is used for one exchange only.
 */
public enum DhGroup
{
    MODP_2048(14, 256),
    ECP_256(19, 64),
    ECP_384(20, 96),
    ECP_521(21, 132),
    CURVE25519(31, 32);

    /** RFC 3526 §3, the 2048-bit MODP prime; generator 2. */
    private static final BigInteger MODP_2048_P = new BigInteger(
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
        + "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
        + "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
        + "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
        + "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
        + "15728E5A8AACAA68FFFFFFFFFFFFFFFF", 16);

    private final int number;
    private final int publicLength;

    DhGroup(final int number, final int publicLength)
    {
        this.number = number;
        this.publicLength = publicLength;
    }

    /** The IANA transform ID (the KE payload's group number). */
    public int number()
    {
        return number;
    }

    /** The length of a public value in the KE payload. */
    public int publicLength()
    {
        return publicLength;
    }

    /** The group of this number, or null when not supported. */
    public static DhGroup of(final int number)
    {
        for (final DhGroup group : values())
        {
            if (group.number == number)
            {
                return group;
            }
        }
        return null;
    }

    public KeyPair generate()
    {
        try
        {
            return switch (this)
            {
                case MODP_2048 ->
                {
                    final KeyPairGenerator generator = KeyPairGenerator.getInstance("DH");
                    generator.initialize(new DHParameterSpec(MODP_2048_P, BigInteger.TWO));
                    yield generator.generateKeyPair();
                }
                case CURVE25519 -> KeyPairGenerator.getInstance("X25519").generateKeyPair();
                default ->
                {
                    final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec(curveName()));
                    yield generator.generateKeyPair();
                }
            };
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("the JDK lacks DH group " + number, ex);
        }
    }

    /** Our public value as the KE payload carries it. */
    public byte[] publicValue(final KeyPair pair)
    {
        return switch (this)
        {
            case MODP_2048 -> fixed(((DHPublicKey)pair.getPublic()).getY(), publicLength);
            case CURVE25519 -> reverse(fixed(((XECPublicKey)pair.getPublic()).getU(), 32));
            default ->
            {
                final ECPoint w = ((ECPublicKey)pair.getPublic()).getW();
                final byte[] out = new byte[publicLength];
                final int half = publicLength / 2;
                System.arraycopy(fixed(w.getAffineX(), half), 0, out, 0, half);
                System.arraycopy(fixed(w.getAffineY(), half), 0, out, half, half);
                yield out;
            }
        };
    }

    /**
     * The shared secret g^ir from our key pair and the peer's public value.
     *
     * @throws GeneralSecurityException when the peer's value has the wrong length or fails the RFC 6989 checks
     */
    public byte[] agree(final KeyPair ours, final byte[] peerPublic) throws GeneralSecurityException
    {
        if (peerPublic.length != publicLength)
        {
            throw new GeneralSecurityException("public value of " + peerPublic.length + " bytes for group " + number);
        }
        final PublicKey peer = peerKey(ours, peerPublic);
        final KeyAgreement agreement = KeyAgreement.getInstance(switch (this)
        {
            case MODP_2048 -> "DH";
            case CURVE25519 -> "X25519";
            default -> "ECDH";
        });
        final PrivateKey privateKey = ours.getPrivate();
        agreement.init(privateKey);
        agreement.doPhase(peer, true);
        final byte[] secret = agreement.generateSecret();
        if (this == CURVE25519 && allZero(secret))
        {
            throw new GeneralSecurityException("X25519 result is zero: a small-order public value");
        }
        return this == MODP_2048 ? fixed(new BigInteger(1, secret), publicLength) : secret;
    }

    private PublicKey peerKey(final KeyPair ours, final byte[] peerPublic) throws GeneralSecurityException
    {
        switch (this)
        {
            case MODP_2048:
            {
                final BigInteger y = new BigInteger(1, peerPublic);
                if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(MODP_2048_P.subtract(BigInteger.ONE)) >= 0)
                {
                    throw new GeneralSecurityException("MODP public value outside 1 < y < p-1");
                }
                return KeyFactory.getInstance("DH").generatePublic(new DHPublicKeySpec(y, MODP_2048_P,
                    BigInteger.TWO));
            }
            case CURVE25519:
            {
                final byte[] u = reverse(peerPublic);
                u[0] &= 0x7f;
                return KeyFactory.getInstance("X25519").generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519,
                    new BigInteger(1, u)));
            }
            default:
            {
                final ECParameterSpec params = ((ECPublicKey)ours.getPublic()).getParams();
                final int half = publicLength / 2;
                final BigInteger x = new BigInteger(1, Arrays.copyOfRange(peerPublic, 0, half));
                final BigInteger y = new BigInteger(1, Arrays.copyOfRange(peerPublic, half, publicLength));
                checkOnCurve(params, x, y);
                return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), params));
            }
        }
    }

    private static void checkOnCurve(final ECParameterSpec params, final BigInteger x, final BigInteger y)
        throws GeneralSecurityException
    {
        final BigInteger p = ((ECFieldFp)params.getCurve().getField()).getP();
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0)
        {
            throw new GeneralSecurityException("ECP coordinate not below the field prime");
        }
        final BigInteger left = y.multiply(y).mod(p);
        final BigInteger right = x.pow(3).add(params.getCurve().getA().multiply(x)).add(params.getCurve().getB()).mod(p);
        if (!left.equals(right))
        {
            throw new GeneralSecurityException("ECP public value is not on the curve");
        }
    }

    private String curveName()
    {
        return switch (this)
        {
            case ECP_256 -> "secp256r1";
            case ECP_384 -> "secp384r1";
            case ECP_521 -> "secp521r1";
            default -> throw new IllegalStateException(name() + " is not a curve");
        };
    }

    /** Big-endian, left-padded to {@code length} bytes. */
    static byte[] fixed(final BigInteger value, final int length)
    {
        final byte[] raw = value.toByteArray();
        final byte[] out = new byte[length];
        final int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }

    private static byte[] reverse(final byte[] in)
    {
        final byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++)
        {
            out[i] = in[in.length - 1 - i];
        }
        return out;
    }

    private static boolean allZero(final byte[] bytes)
    {
        int acc = 0;
        for (final byte b : bytes)
        {
            acc |= b;
        }
        return acc == 0;
    }
}
