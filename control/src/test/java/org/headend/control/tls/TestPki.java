package org.headend.control.tls;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A CA that issues client certificates and CRLs for tests (EC P-256: fast to generate). */
public final class TestPki
{
    private static final AtomicLong SERIALS = new AtomicLong(1000);

    public final X509Certificate certificate;
    private final PrivateKey key;

    private TestPki(final X509Certificate certificate, final PrivateKey key)
    {
        this.certificate = certificate;
        this.key = key;
    }

    /** A self-signed root CA named {@code CN=name}. */
    public static TestPki ca(final String name) throws Exception
    {
        final KeyPair pair = keyPair();
        final X500Name subject = new X500Name("CN=" + name);
        final JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
            Date.from(Instant.now().minus(Duration.ofDays(1))), Date.from(Instant.now().plus(Duration.ofDays(30))),
            subject, pair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new TestPki(sign(builder, pair.getPrivate()), pair.getPrivate());
    }

    /** A client certificate for {@code subject} (an X.500 name), valid now, with the UPN {@code upn} when not null. */
    public X509Certificate issue(final String subject, final String upn) throws Exception
    {
        return issue(subject, upn, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(7)),
            KeyPurposeId.id_kp_clientAuth);
    }

    X509Certificate issue(final String subject, final String upn, final Instant from, final Instant until,
        final KeyPurposeId usage) throws Exception
    {
        final KeyPair pair = keyPair();
        final JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
            X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), serial(), Date.from(from),
            Date.from(until), new X500Name(subject), pair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage));
        if (upn != null)
        {
            final ASN1EncodableVector otherName = new ASN1EncodableVector();
            otherName.add(new ASN1ObjectIdentifier("1.3.6.1.4.1.311.20.2.3"));
            otherName.add(new DERTaggedObject(true, 0, new DERUTF8String(upn)));
            builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.otherName, new DERSequence(otherName))));
        }
        return sign(builder, key);
    }

    /** A CRL of this CA, current for a week, listing {@code revoked}. */
    X509CRL crl(final List<X509Certificate> revoked) throws Exception
    {
        final X509v2CRLBuilder builder = new X509v2CRLBuilder(
            X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
            Date.from(Instant.now().minus(Duration.ofMinutes(5))));
        builder.setNextUpdate(Date.from(Instant.now().plus(Duration.ofDays(7))));
        for (final X509Certificate certificate : revoked)
        {
            builder.addCRLEntry(certificate.getSerialNumber(), new Date(), CRLReason.keyCompromise);
        }
        return new JcaX509CRLConverter().getCRL(builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
            .build(key)));
    }

    private static X509Certificate sign(final JcaX509v3CertificateBuilder builder, final PrivateKey key)
        throws Exception
    {
        return new JcaX509CertificateConverter().getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static KeyPair keyPair() throws Exception
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial()
    {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }
}
