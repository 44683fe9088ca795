package org.headend.control.tls;

import java.io.IOException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.headend.control.config.CertificateUsername;

/**
 * The user name a client certificate gives, per a tunnel-group's {@code username-from-certificate}: a subject
 * attribute (the first one when the subject holds several), the UPN other-name of the subject alternative names, or
 * the whole subject. A name that is empty, too long or holds anything but printable ASCII gives none: it would reach
 * logs, accounting and {@code show vpn-sessiondb}.
 */
public final class CertificateNames
{
    /** Longest user name taken from a certificate; the whole DN ({@code use-entire-name}) may be longer than a typed one. */
    public static final int MAX_NAME = 255;
    private static final String UPN_OID = CertificateUsername.Attribute.UPN.oid();
    private static final int OTHER_NAME = 0;

    private CertificateNames()
    {
    }

    /** The user name {@code certificate} gives under {@code rule}, or null when it has none that may be used. */
    public static String username(final X509Certificate certificate, final CertificateUsername rule)
    {
        if (rule.entireName())
        {
            return usable(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
        }
        final String primary = attribute(certificate, rule.primary());
        if (primary != null || rule.secondary() == null)
        {
            return usable(primary);
        }
        return usable(attribute(certificate, rule.secondary()));
    }

    /** The first value of {@code attribute} in the certificate, or null. */
    static String attribute(final X509Certificate certificate, final CertificateUsername.Attribute attribute)
    {
        if (attribute == CertificateUsername.Attribute.UPN)
        {
            return upn(certificate);
        }
        final X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        for (final RDN rdn : subject.getRDNs(new ASN1ObjectIdentifier(attribute.oid())))
        {
            for (final AttributeTypeAndValue value : rdn.getTypesAndValues())
            {
                if (value.getType().getId().equals(attribute.oid()) && value.getValue() instanceof ASN1String text)
                {
                    return text.getString();
                }
            }
        }
        return null;
    }

    private static String upn(final X509Certificate certificate)
    {
        final Collection<List<?>> names;
        try
        {
            names = certificate.getSubjectAlternativeNames();
        }
        catch (final CertificateParsingException ex)
        {
            return null;
        }
        if (names == null)
        {
            return null;
        }
        for (final List<?> name : names)
        {
            // [type, DER] (newer JDKs append the OID and the decoded value)
            if (name.size() >= 2 && name.get(0) instanceof Integer type && type == OTHER_NAME
                && name.get(1) instanceof byte[] der)
            {
                final String value = otherName(der);
                if (value != null)
                {
                    return value;
                }
            }
        }
        return null;
    }

    /** The value of an OtherName {@code SEQUENCE { type-id OID, value [0] EXPLICIT ANY }} when it is a UPN. */
    private static String otherName(final byte[] der)
    {
        try
        {
            ASN1Primitive parsed = ASN1Primitive.fromByteArray(der);
            // the JDK hands the GeneralName, [0] IMPLICIT OtherName; unwrap to the sequence either way
            if (parsed instanceof ASN1TaggedObject tagged)
            {
                parsed = ASN1Sequence.getInstance(tagged, false);
            }
            final ASN1Sequence sequence = ASN1Sequence.getInstance(parsed);
            if (sequence.size() != 2 || !UPN_OID.equals(ASN1ObjectIdentifier.getInstance(sequence.getObjectAt(0)).getId()))
            {
                return null;
            }
            ASN1Primitive value = sequence.getObjectAt(1).toASN1Primitive();
            while (value instanceof ASN1TaggedObject tagged)
            {
                value = tagged.getExplicitBaseObject().toASN1Primitive();
            }
            return value instanceof ASN1String text ? text.getString() : null;
        }
        catch (final IOException | IllegalArgumentException | IllegalStateException ex)
        {
            return null;
        }
    }

    private static String usable(final String name)
    {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME)
        {
            return null;
        }
        return name.chars().allMatch(c -> c >= 0x20 && c < 0x7f) && !name.isBlank() ? name : null;
    }
}
