package org.headend.control.auth.saml;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.Function;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.SamlIdp;
import org.headend.control.config.Trustpoint;
import org.headend.control.tls.IdentityPem;

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
        catch (final IOException | GeneralSecurityException | IllegalArgumentException ex)
        {
            throw new SamlException("trustpoint sp " + idp.spTrustpoint() + ": " + trustpoint.identityCertificate()
                + " cannot be read: " + ex.getMessage(), ex);
        }
    }

    /** Reads a PEM file holding certificates (ours first) and exactly one unencrypted private key of ours. */
    static SpCredentials read(final Path file) throws IOException, GeneralSecurityException
    {
        final IdentityPem identity = IdentityPem.read(file);
        return new SpCredentials(identity.key(), identity.certificate());
    }
}
