package org.headend.control.tls;

import java.security.cert.X509Certificate;

/**
 * What {@link ClientCertificateValidator} decided about the certificate of one connection.
 *
 * @param leaf       the client's certificate, or null when it sent none
 * @param trustpoint the trustpoint that validated it, or null when refused
 * @param refusal    why it is refused, shown to the user; null when it is valid
 */
public record CertificateCheck(X509Certificate leaf, String trustpoint, String refusal)
{
    public static final String NONE_SENT = "A client certificate is required; none was sent.";

    public boolean valid()
    {
        return refusal == null;
    }

    static CertificateCheck refused(final X509Certificate leaf, final String why)
    {
        return new CertificateCheck(leaf, null, "Certificate validation failed: " + why);
    }
}
