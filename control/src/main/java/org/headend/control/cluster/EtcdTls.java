package org.headend.control.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.headend.control.config.Trustpoint;
import org.headend.control.tls.IdentityPem;

/**
 * TLS to etcd ({@code cluster etcd-trustpoint NAME}): etcd's server certificate must chain to the trustpoint's
 * {@code ca-certificate} (and only to it, not to the JDK's CAs), and the member presents the trustpoint's
 * {@code identity-certificate} (chain and unencrypted key in one PEM file), which etcd's
 * {@code --client-cert-auth} checks. Read once, when the member joins.
 */
final class EtcdTls
{
    private static final char[] NO_PASSWORD = new char[0];

    private EtcdTls()
    {
    }

    /** The context for {@code trustpoint} (named {@code name}); a clear error when it cannot serve. */
    static SSLContext context(final Trustpoint trustpoint, final String name, final Function<String, Path> flash)
    {
        final String line = "cluster etcd-trustpoint " + name;
        if (trustpoint == null)
        {
            throw new IllegalArgumentException(line + ": no crypto ca trustpoint " + name);
        }
        if (trustpoint.caCertificate() == null || trustpoint.identityCertificate() == null)
        {
            throw new IllegalArgumentException(line + ": trustpoint " + name + " needs both ca-certificate (etcd's "
                + "CA) and identity-certificate (this member's client certificate and key)");
        }
        try
        {
            final KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            int n = 0;
            try (InputStream in = Files.newInputStream(flash.apply(trustpoint.caCertificate())))
            {
                for (final Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in))
                {
                    trusted.setCertificateEntry("ca" + n++, ca);
                }
            }
            if (n == 0)
            {
                throw new IllegalArgumentException(line + ": " + trustpoint.caCertificate() + " holds no certificate");
            }
            final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory
                .getDefaultAlgorithm());
            trust.init(trusted);
            final KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            final IdentityPem identity;
            try
            {
                identity = IdentityPem.read(flash.apply(trustpoint.identityCertificate()));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException(line + ": " + trustpoint.identityCertificate() + ": "
                    + ex.getMessage(), ex);
            }
            own.setKeyEntry("member", identity.key(), NO_PASSWORD,
                identity.chain().toArray(X509Certificate[]::new));
            final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(own, NO_PASSWORD);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        }
        catch (final IOException | GeneralSecurityException ex)
        {
            throw new IllegalArgumentException(line + ": " + ex.getMessage(), ex);
        }
    }
}
