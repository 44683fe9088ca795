package org.headend.control.http;

/**
 * Who is on the other end of one TLS connection, captured on its event loop.
 *
 * @param address     the client's outside address (no port)
 * @param port        the client's source port
 * @param localPort   the headend's port
 * @param userAgent   the User-Agent, cut to 128 printable characters; empty when absent
 * @param tlsProtocol e.g. {@code TLSv1.3}
 * @param cipherSuite the negotiated suite, e.g. {@code TLS_AES_256_GCM_SHA384}
 * @param certificates the certificate chain the client sent in the handshake, leaf first; empty when none. Not
 *                     validated: see {@code tls.ClientCertificateValidator}
 */
public record ClientInfo(String address, int port, int localPort, String userAgent, String tlsProtocol,
    String cipherSuite, java.util.List<java.security.cert.X509Certificate> certificates)
{
    /** A client that sent no certificate. */
    public ClientInfo(final String address, final int port, final int localPort, final String userAgent,
        final String tlsProtocol, final String cipherSuite)
    {
        this(address, port, localPort, userAgent, tlsProtocol, cipherSuite, java.util.List.of());
    }
}
