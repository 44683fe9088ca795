package org.headend.control.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The headend's TLS server certificate and key. On first start a self-signed ECDSA P-256 certificate is generated and
 * kept in the state directory ({@code server-cert.pem}, {@code server-key.pem}, the key mode 0600: readable only by
 * the user the appliance runs as, which runs the TLS stack); later starts reuse it, so clients' pins stay valid (an
 * RSA pair an earlier release generated is read as it is).
 * <p>
 * ECDSA rather than the ASA's RSA-2048 because every full handshake signs once: the JDK signs with P-256 in a
 * fraction of RSA-2048's time, which is server CPU at every connect ({@code perf/scripts/connect-cost.sh}).
 * openconnect (GnuTLS and OpenSSL builds) and AnyConnect with its Suite B support (3.1 and later) accept ECDSA server
 * certificates; an administrator who needs RSA installs it as a trustpoint ({@code ssl trust-point}).
 */
public final class ServerIdentity
{
    public static final String CERT_FILE = "server-cert.pem";
    public static final String KEY_FILE = "server-key.pem";

    private final X509Certificate certificate;
    private final PrivateKey key;

    private ServerIdentity(final X509Certificate certificate, final PrivateKey key)
    {
        this.certificate = certificate;
        this.key = key;
    }

    /**
     * Loads the identity from {@code stateDir}, generating it first if it is not there.
     *
     * @param commonName the subject CN for a newly generated certificate (the hostname)
     */
    public static ServerIdentity loadOrCreate(final Path stateDir, final String commonName)
        throws IOException, GeneralSecurityException
    {
        final Path certFile = stateDir.resolve(CERT_FILE);
        final Path keyFile = stateDir.resolve(KEY_FILE);
        if (Files.exists(certFile) && Files.exists(keyFile))
        {
            final X509Certificate certificate = readCertificate(certFile);
            return new ServerIdentity(certificate, readKey(keyFile, certificate.getPublicKey().getAlgorithm()));
        }
        final ServerIdentity identity = generate(commonName);
        writeAtomically(keyFile, identity.pem(identity.key), true);
        writeAtomically(certFile, identity.pem(identity.certificate), false);
        return identity;
    }

    static ServerIdentity generate(final String commonName) throws GeneralSecurityException
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        final KeyPair pair = generator.generateKeyPair();
        final X500Name subject = new X500Name("CN=" + commonName.replaceAll("[^A-Za-z0-9.-]", "-"));
        final Instant now = Instant.now();
        final JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
            new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(Duration.ofDays(3650))), subject, pair.getPublic());
        try
        {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, commonName)));
            final X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new ServerIdentity(certificate, pair.getPrivate());
        }
        catch (final IOException | OperatorCreationException ex)
        {
            throw new GeneralSecurityException("cannot build the self-signed certificate", ex);
        }
    }

    public X509Certificate certificate()
    {
        return certificate;
    }

    public PrivateKey key()
    {
        return key;
    }

    /** openconnect's {@code --servercert} value: {@code pin-sha256:} + base64 SHA-256 of the public key info. */
    public String pinSha256()
    {
        return "pin-sha256:" + Base64.getEncoder().encodeToString(digest("SHA-256",
            certificate.getPublicKey().getEncoded()));
    }

    /** Upper-case hex SHA-1 of the certificate's DER, the {@code server-cert-hash} of the auth answer. */
    public String sha1Hex()
    {
        try
        {
            return HexFormat.of().withUpperCase().formatHex(digest("SHA-1", certificate.getEncoded()));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static byte[] digest(final String algorithm, final byte[] data)
    {
        try
        {
            return MessageDigest.getInstance(algorithm).digest(data);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(algorithm + " is not available", ex);
        }
    }

    private String pem(final Object object) throws IOException
    {
        final StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out))
        {
            writer.writeObject(object instanceof PrivateKey k
                ? new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", k.getEncoded()) : object);
        }
        return out.toString();
    }

    private static X509Certificate readCertificate(final Path file) throws IOException, GeneralSecurityException
    {
        try (var in = Files.newInputStream(file))
        {
            return (X509Certificate)CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** The PKCS#8 key of {@code algorithm} (the certificate's: RSA from earlier releases, EC now). */
    private static PrivateKey readKey(final Path file, final String algorithm)
        throws IOException, GeneralSecurityException
    {
        final String text = Files.readString(file, StandardCharsets.US_ASCII);
        final String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance(algorithm).generatePrivate(
            new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static void writeAtomically(final Path file, final String text, final boolean secret) throws IOException
    {
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
        try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE))
        {
            channel.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
