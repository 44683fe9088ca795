package org.headend.control.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A trustpoint's {@code identity-certificate} file: one PEM with our certificate first, the rest of its chain, and
 * exactly one unencrypted private key, which must belong to the first certificate. Whatever signs as the appliance
 * (the TLS listeners, the SAML service provider) reads its identity here, so every one refuses the same bad files
 * with the same words.
 *
 * @param chain our certificate first, then its issuers as the file lists them
 * @param key   the private key of {@code chain.getFirst()}
 */
public record IdentityPem(List<X509Certificate> chain, PrivateKey key)
{
    /** Reads {@code file}; a file that is not as described above is refused with the reason. */
    public static IdentityPem read(final Path file) throws IOException, GeneralSecurityException
    {
        final List<X509Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        try (PEMParser pem = new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII)))
        {
            final JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
            for (Object block = pem.readObject(); block != null; block = pem.readObject())
            {
                final PrivateKeyInfo info = switch (block)
                {
                    case X509CertificateHolder holder ->
                    {
                        chain.add(new JcaX509CertificateConverter().getCertificate(holder));
                        yield null;
                    }
                    case PEMKeyPair pair -> pair.getPrivateKeyInfo();
                    case PrivateKeyInfo plain -> plain;
                    default -> throw new IllegalArgumentException("it holds an encrypted key, or something else "
                        + "than certificates and a key");
                };
                if (info != null)
                {
                    if (key != null)
                    {
                        throw new IllegalArgumentException("it holds more than one private key");
                    }
                    key = keys.getPrivateKey(info);
                }
            }
        }
        if (chain.isEmpty() || key == null)
        {
            throw new IllegalArgumentException("it must hold the certificate chain and the private key (PEM)");
        }
        if (!belongTogether(key, chain.getFirst()))
        {
            throw new IllegalArgumentException("the private key does not belong to the first certificate");
        }
        return new IdentityPem(List.copyOf(chain), key);
    }

    /** Our own certificate. */
    public X509Certificate certificate()
    {
        return chain.getFirst();
    }

    /** Whether a signature made with {@code key} verifies with the certificate's public key. */
    private static boolean belongTogether(final PrivateKey key, final X509Certificate certificate)
        throws GeneralSecurityException
    {
        final String algorithm = switch (key.getAlgorithm())
        {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm());
        };
        final byte[] probe = "headend identity check".getBytes(StandardCharsets.US_ASCII);
        final Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        final byte[] signature = signer.sign();
        final Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(probe);
        try
        {
            return verifier.verify(signature);
        }
        catch (final SignatureException ex)
        {
            return false;
        }
    }
}
