package org.headend.it;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test CA that writes PEM files: its certificate, client certificates with their keys (as openconnect's
 * {@code -c}/{@code -k} take them) and CRLs. The CA's key is EC P-256, the clients' RSA.
 */
final class ClientPki
{
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final X509Certificate certificate;
    private final PrivateKey key;

    /** A client's files. */
    record Client(X509Certificate certificate, Path certFile, Path keyFile)
    {
        /** openconnect's options that present this certificate. */
        List<String> options()
        {
            return List.of("--certificate=" + certFile, "--sslkey=" + keyFile);
        }
    }

    private ClientPki(final X509Certificate certificate, final PrivateKey key)
    {
        this.certificate = certificate;
        this.key = key;
    }

    static ClientPki ca(final String name) throws GeneralSecurityException, IOException
    {
        final KeyPair pair = keyPair();
        final X500Name subject = new X500Name("O=Headend Tests,CN=" + name);
        final JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
            Date.from(Instant.now().minus(Duration.ofDays(1))), Date.from(Instant.now().plus(Duration.ofDays(30))),
            subject, pair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new ClientPki(sign(builder, pair.getPrivate()), pair.getPrivate());
    }

    /** Writes the CA certificate to {@code file} (PEM). */
    void writeCertificate(final Path file) throws IOException, GeneralSecurityException
    {
        write(file, pem("CERTIFICATE", certificate.getEncoded()));
    }

    /** Issues a client certificate for {@code CN=commonName} and writes it and its key under {@code dir}. */
    Client issue(final String commonName, final Path dir) throws GeneralSecurityException, IOException
    {
        // RSA: openconnect's GnuTLS does not read the JDK's PKCS#8 encoding of an EC key
        final KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        final KeyPair pair = rsa.generateKeyPair();
        final JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
            X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), serial(),
            Date.from(Instant.now().minus(Duration.ofDays(1))), Date.from(Instant.now().plus(Duration.ofDays(7))),
            new X500Name("O=Headend Tests,OU=Staff,CN=" + commonName), pair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        final X509Certificate issued = sign(builder, key);
        final Path certFile = dir.resolve(commonName + "-cert.pem");
        final Path keyFile = dir.resolve(commonName + "-key.pem");
        write(certFile, pem("CERTIFICATE", issued.getEncoded()));
        write(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        return new Client(issued, certFile, keyFile);
    }

    /** Writes a CRL of this CA, current for a day, that lists {@code revoked}. */
    void writeCrl(final Path file, final List<X509Certificate> revoked) throws GeneralSecurityException, IOException
    {
        final X509v2CRLBuilder builder = new X509v2CRLBuilder(
            X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
            Date.from(Instant.now().minus(Duration.ofMinutes(5))));
        builder.setNextUpdate(Date.from(Instant.now().plus(Duration.ofDays(1))));
        for (final X509Certificate one : revoked)
        {
            builder.addCRLEntry(one.getSerialNumber(), new Date(), CRLReason.keyCompromise);
        }
        try
        {
            write(file, pem("X509 CRL", builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key))
                .getEncoded()));
        }
        catch (final OperatorCreationException ex)
        {
            throw new GeneralSecurityException(ex);
        }
    }

    private static X509Certificate sign(final JcaX509v3CertificateBuilder builder, final PrivateKey key)
        throws GeneralSecurityException
    {
        try
        {
            return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        }
        catch (final OperatorCreationException ex)
        {
            throw new GeneralSecurityException(ex);
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial()
    {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    private static String pem(final String type, final byte[] der)
    {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
            + "\n-----END " + type + "-----\n";
    }

    private static void write(final Path file, final String text) throws IOException
    {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
