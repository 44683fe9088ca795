package org.headend.perf.loadgen;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.headend.control.tls.OneSidedTrust;

/**
 * openconnect's {@code --servercert pin-sha256:…}: the server is trusted when the SHA-256 of its certificate's
 * SubjectPublicKeyInfo equals the pin; without a pin any certificate is taken (a load generator on a test bed).
 */
final class PinTrustManager extends OneSidedTrust
{
    private final byte[] pin;

    /** @param pin {@code pin-sha256:BASE64}, or null to accept any certificate */
    PinTrustManager(final String pin)
    {
        if (pin == null)
        {
            this.pin = null;
            return;
        }
        if (!pin.startsWith("pin-sha256:"))
        {
            throw new IllegalArgumentException("--servercert must be pin-sha256:BASE64");
        }
        this.pin = Base64.getDecoder().decode(pin.substring("pin-sha256:".length()));
    }

    @Override
    protected void checkServer(final X509Certificate[] chain) throws CertificateException
    {
        if (pin == null)
        {
            return;
        }
        if (chain == null || chain.length == 0)
        {
            throw new CertificateException("no server certificate");
        }
        try
        {
            final byte[] got = MessageDigest.getInstance("SHA-256").digest(chain[0].getPublicKey().getEncoded());
            if (!MessageDigest.isEqual(got, pin))
            {
                throw new CertificateException("server key does not match the pin");
            }
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new CertificateException(ex);
        }
    }

    @Override
    protected void checkClient(final X509Certificate[] chain) throws CertificateException
    {
        throw new CertificateException("a client does not check clients");
    }
}
