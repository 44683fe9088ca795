package org.headend.control.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.headend.control.config.Trustpoint;

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
            final List<X509Certificate> chain = new ArrayList<>();
            final PrivateKey key = readIdentity(flash.apply(trustpoint.identityCertificate()), chain, line);
            own.setKeyEntry("member", key, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
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

    /** The private key of a PEM file holding a certificate chain (leaf first) and one unencrypted key. */
    private static PrivateKey readIdentity(final Path file, final List<X509Certificate> chain, final String line)
        throws IOException, GeneralSecurityException
    {
        PrivateKeyInfo key = null;
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
                    default -> throw new IllegalArgumentException(line + ": " + file.getFileName()
                        + " holds an encrypted key, or something else than certificates and a key");
                };
                if (info != null && key != null)
                {
                    throw new IllegalArgumentException(line + ": " + file.getFileName() + " holds two keys");
                }
                key = info != null ? info : key;
            }
        }
        if (key == null || chain.isEmpty())
        {
            throw new IllegalArgumentException(line + ": " + file.getFileName()
                + " must hold the member's certificate and its unencrypted private key");
        }
        return new JcaPEMKeyConverter().getPrivateKey(key);
    }
}
