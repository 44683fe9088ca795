package org.headend.control.auth.saml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Function;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.SamlIdp;
import org.headend.control.config.Trustpoint;

/**
 * Our own SAML key ({@code trustpoint sp NAME}): the trustpoint's {@code identity-certificate} file, PEM with our
 * certificate first and the unencrypted private key, read when it is used (a renewed key takes effect at once).
 * The key signs AuthnRequests and LogoutRequests and decrypts encrypted assertions; the certificate is what the
 * IdP is given for both.
 *
 * @param key         the private key (RSA or EC)
 * @param certificate our certificate
 */
public record SpCredentials(PrivateKey key, X509Certificate certificate)
{
    /** The credentials of {@code idp}'s {@code trustpoint sp}, or null when it has none. */
    static SpCredentials of(final HeadendConfig cfg, final SamlIdp idp, final Function<String, Path> flash)
        throws SamlException
    {
        if (idp.spTrustpoint() == null)
        {
            return null;
        }
        final Trustpoint trustpoint = cfg.trustpoints().get(idp.spTrustpoint());
        if (trustpoint == null || trustpoint.identityCertificate() == null)
        {
            throw new SamlException("trustpoint sp " + idp.spTrustpoint() + " has no identity-certificate");
        }
        try
        {
            return read(flash.apply(trustpoint.identityCertificate()));
        }
        catch (final IOException | CertificateException | IllegalArgumentException ex)
        {
            throw new SamlException("trustpoint sp " + idp.spTrustpoint() + ": " + trustpoint.identityCertificate()
                + " cannot be read: " + ex.getMessage(), ex);
        }
    }

    /** Reads a PEM file holding certificates (ours first) and exactly one unencrypted private key. */
    static SpCredentials read(final Path file) throws IOException, CertificateException
    {
        X509Certificate first = null;
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
                        if (first == null)
                        {
                            first = new JcaX509CertificateConverter().getCertificate(holder);
                        }
                        yield null;
                    }
                    case PEMKeyPair pair -> pair.getPrivateKeyInfo();
                    case PrivateKeyInfo plain -> plain;
                    default -> throw new IllegalArgumentException("it holds an encrypted key, or something else than "
                        + "certificates and a key");
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
        if (first == null || key == null)
        {
            throw new IllegalArgumentException("it must hold our certificate and its private key (PEM)");
        }
        return new SpCredentials(key, first);
    }
}
