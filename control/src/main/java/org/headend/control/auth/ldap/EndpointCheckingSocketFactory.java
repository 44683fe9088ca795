package org.headend.control.auth.ldap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS sockets that also check the server's certificate names the address connected to (the JDK's "LDAPS"
 * endpoint identification, done inside the handshake by the trust manager): a certificate the CA issued to another
 * server is refused, not only one from an unknown CA.
 */
final class EndpointCheckingSocketFactory extends SSLSocketFactory
{
    private final SSLSocketFactory delegate;

    EndpointCheckingSocketFactory(final SSLSocketFactory delegate)
    {
        this.delegate = delegate;
    }

    private static Socket checked(final Socket socket)
    {
        if (socket instanceof SSLSocket tls)
        {
            final SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("LDAPS");
            tls.setSSLParameters(parameters);
        }
        return socket;
    }

    @Override
    public String[] getDefaultCipherSuites()
    {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites()
    {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException
    {
        return checked(delegate.createSocket());
    }

    @Override
    public Socket createSocket(final Socket socket, final String host, final int port, final boolean autoClose)
        throws IOException
    {
        return checked(delegate.createSocket(socket, host, port, autoClose));
    }

    @Override
    public Socket createSocket(final String host, final int port) throws IOException
    {
        return checked(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(final String host, final int port, final InetAddress localHost, final int localPort)
        throws IOException
    {
        return checked(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(final InetAddress host, final int port) throws IOException
    {
        return checked(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(final InetAddress address, final int port, final InetAddress localAddress,
        final int localPort) throws IOException
    {
        return checked(delegate.createSocket(address, port, localAddress, localPort));
    }
}
