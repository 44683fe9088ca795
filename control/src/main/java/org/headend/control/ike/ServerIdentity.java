package org.headend.control.ike;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.Trustpoint;

/**
 * The certificate chain and key the headend's IKE AUTH is signed with (RSA or ECDSA, RFC 7427): those of the
 * trustpoint {@code crypto ikev2 remote-access trustpoint NAME} names (its {@code identity-certificate} PEM file on
 * disk0:, leaf first, then the key), else the appliance's built-in certificate.
 *
 * @param key   signs AUTH
 * @param chain sent as CERT payloads, leaf first
 */
record ServerIdentity(PrivateKey key, List<X509Certificate> chain)
{
    ServerIdentity
    {
        chain = List.copyOf(chain);
    }

    /**
     * The identity for {@code config}: the remote-access trustpoint's, else {@code builtIn}.
     *
     * @throws IllegalArgumentException naming the line, when the trustpoint is missing, has no identity certificate,
     *                                  or its file does not hold an RSA or EC key belonging to its first certificate
     */
    static ServerIdentity of(final HeadendConfig config, final ServerIdentity builtIn,
        final Function<String, Path> flash)
    {
        final String name = config.globals().ikev2().remoteAccessTrustpoint();
        if (name == null)
        {
            return builtIn;
        }
        final String line = "crypto ikev2 remote-access trustpoint " + name;
        final Trustpoint trustpoint = config.trustpoints().get(name);
        if (trustpoint == null)
        {
            throw new IllegalArgumentException(line + ": no crypto ca trustpoint " + name);
        }
        if (trustpoint.identityCertificate() == null)
        {
            throw new IllegalArgumentException(line + ": trustpoint " + name
                + " has no identity-certificate (crypto ca trustpoint " + name + " / identity-certificate disk0:/FILE)");
        }
        try
        {
            return read(flash.apply(trustpoint.identityCertificate()));
        }
        catch (final IOException | GeneralSecurityException | IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(line + ": " + trustpoint.identityCertificate() + ": "
                + (ex.getMessage() == null ? ex.toString() : ex.getMessage()), ex);
        }
    }

    private static ServerIdentity read(final Path file) throws IOException, GeneralSecurityException
    {
        final List<X509Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        try (PEMParser pem = new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII)))
        {
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
                    default -> throw new IllegalArgumentException("holds an encrypted key, or something else than "
                        + "certificates and a key");
                };
                if (info != null)
                {
                    if (key != null)
                    {
                        throw new IllegalArgumentException("holds more than one private key");
                    }
                    key = new JcaPEMKeyConverter().getPrivateKey(info);
                }
            }
        }
        if (chain.isEmpty() || key == null)
        {
            throw new IllegalArgumentException("it must hold the certificate chain and the private key (PEM)");
        }
        if (!"RSA".equals(key.getAlgorithm()) && !"EC".equals(key.getAlgorithm()))
        {
            throw new IllegalArgumentException("IKEv2 signs with RSA or ECDSA keys, not " + key.getAlgorithm());
        }
        if (!belongTogether(key, chain.getFirst().getPublicKey()))
        {
            throw new IllegalArgumentException("the private key does not belong to the first certificate");
        }
        return new ServerIdentity(key, chain);
    }

    private static boolean belongTogether(final PrivateKey key, final PublicKey certified)
        throws GeneralSecurityException
    {
        final String algorithm = "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
        final byte[] probe = "headend IKEv2 identity check".getBytes(StandardCharsets.US_ASCII);
        final java.security.Signature signer = java.security.Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        final byte[] signature = signer.sign();
        final java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
        verifier.initVerify(certified);
        verifier.update(probe);
        return verifier.verify(signature);
    }
}
