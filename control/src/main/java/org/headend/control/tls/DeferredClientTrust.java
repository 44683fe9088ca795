package org.headend.control.tls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * The front door's trust manager: it takes whatever client certificate chain is offered, so that the handshake
 * never fails on a certificate (a password-only client, or one whose certificate is refused, still gets an answer it
 * can show). The TLS layer has still checked that the client holds the certificate's key; whether the chain is
 * trusted is decided at login by {@link ClientCertificateValidator}, off the event loop. Nothing may treat the
 * session's peer certificates as trusted without that check. It names no acceptable CA in the CertificateRequest:
 * some clients then send nothing when their certificate is from another CA, and the user would see a less clear
 * refusal. This is a server: it never checks a server's chain.
 */
public final class DeferredClientTrust extends OneSidedTrust
{
    @Override
    protected void checkClient(final X509Certificate[] chain)
    {
        // deferred to the login: see the class comment
    }

    @Override
    protected void checkServer(final X509Certificate[] chain) throws CertificateException
    {
        throw new CertificateException("the front door does not connect to servers");
    }
}
