package org.headend.control.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The front door's trust manager: it takes whatever client certificate chain is offered, so that the handshake
 * never fails on a certificate (a password-only client, or one whose certificate is refused, still gets an answer it
 * can show). The TLS layer has still checked that the client holds the certificate's key; whether the chain is
 * trusted is decided at login by {@link ClientCertificateValidator}, off the event loop. Nothing may treat the
 * session's peer certificates as trusted without that check. It names no acceptable CA in the CertificateRequest:
 * some clients then send nothing when their certificate is from another CA, and the user would see a less clear
 * refusal. This is a server: it never checks a server's chain.
 */
public final class DeferredClientTrust extends X509ExtendedTrustManager
{
    private static final X509Certificate[] NONE = new X509Certificate[0];

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType)
    {
        // deferred to the login: see the class comment
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
    {
        // deferred to the login
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
    {
        // deferred to the login
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType) throws CertificateException
    {
        throw new CertificateException("the front door does not connect to servers");
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
        throws CertificateException
    {
        throw new CertificateException("the front door does not connect to servers");
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
        throws CertificateException
    {
        throw new CertificateException("the front door does not connect to servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers()
    {
        return NONE;
    }
}
