package org.headend.control.auth.ldap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Which certificates an LDAP server may present: those that chain to the CA certificates of the trustpoints with
 * {@code validation-usage ssl-server} (or of the host's older {@code ldap-trusted-ca} PEM file), else to the JDK's
 * default trust store (public CAs). The chain is checked by the
 * JDK's PKIX trust manager; that the certificate names the configured address by the JDK's endpoint
 * identification ({@link EndpointCheckingSocketFactory}). There is no "trust anything" mode.
 */
final class LdapTrust
{
    /** The most CA certificates read from one file. */
    static final int MAX_CERTIFICATES = 64;
    /** The largest CA file read. */
    static final long MAX_FILE_BYTES = 1 << 20;

    private LdapTrust()
    {
    }

    /** A TLS context trusting the CA certificates in {@code pemFiles}, or the default trust store when none. */
    static SSLContext context(final java.util.List<Path> pemFiles) throws IOException, GeneralSecurityException
    {
        final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore store = null;
        for (final Path pemFile : pemFiles)
        {
            store = add(store == null ? emptyStore() : store, pemFile);
        }
        factory.init(store);
        final TrustManager[] managers = factory.getTrustManagers();
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, managers, null);
        return context;
    }

    private static KeyStore emptyStore() throws IOException, GeneralSecurityException
    {
        final KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        return store;
    }

    private static KeyStore add(final KeyStore store, final Path pemFile) throws IOException, GeneralSecurityException
    {
        if (Files.size(pemFile) > MAX_FILE_BYTES)
        {
            throw new IOException(pemFile.getFileName() + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        final Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(pemFile))
        {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certificates.isEmpty() || certificates.size() > MAX_CERTIFICATES)
        {
            throw new IOException(pemFile.getFileName() + " holds " + certificates.size()
                + " certificates; 1-" + MAX_CERTIFICATES + " PEM CA certificates are expected");
        }
        int n = store.size();
        for (final Certificate certificate : certificates)
        {
            store.setCertificateEntry("ca-" + n++, certificate);
        }
        return store;
    }
}
