package org.headend.control.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager for one side of TLS: the JDK asks each question in three forms (plain, with the socket, with the
 * engine) and both sides of this project answer them alike, so the forms end in {@link #checkClient} and
 * {@link #checkServer}. No CA is named to the peer.
 */
public abstract class OneSidedTrust extends X509ExtendedTrustManager
{
    private static final X509Certificate[] NONE = new X509Certificate[0];

    /** Whether a client's chain is taken; throws when it is not. */
    protected abstract void checkClient(X509Certificate[] chain) throws CertificateException;

    /** Whether a server's chain is taken; throws when it is not. */
    protected abstract void checkServer(X509Certificate[] chain) throws CertificateException;

    @Override
    public final void checkClientTrusted(final X509Certificate[] chain, final String authType)
        throws CertificateException
    {
        checkClient(chain);
    }

    @Override
    public final void checkClientTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
        throws CertificateException
    {
        checkClient(chain);
    }

    @Override
    public final void checkClientTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
        throws CertificateException
    {
        checkClient(chain);
    }

    @Override
    public final void checkServerTrusted(final X509Certificate[] chain, final String authType)
        throws CertificateException
    {
        checkServer(chain);
    }

    @Override
    public final void checkServerTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
        throws CertificateException
    {
        checkServer(chain);
    }

    @Override
    public final void checkServerTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
        throws CertificateException
    {
        checkServer(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers()
    {
        return NONE;
    }
}
