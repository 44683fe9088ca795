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
 */
public record ClientInfo(String address, int port, int localPort, String userAgent, String tlsProtocol,
    String cipherSuite)
{
}
