package org.headend.control.dtls;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * The stateless cookie exchange of DTLS (RFC 6347 §4.2.1): a ClientHello without the right cookie gets a
 * HelloVerifyRequest and leaves nothing behind; only a client that can receive at its source address and port
 * comes back with the cookie, and only then may a handshake start. The cookie is BouncyCastle's HMAC-SHA256 over the
 * client's address and port and the ClientHello (all but the cookie) under a random key; the key is replaced every
 * {@link #ROTATE_NANOS}, and cookies of the key before are still accepted, so a client caught by a rotation between
 * its two ClientHellos is not sent round again.
 *
 * <p>Thread: the UDP port's event loop only (BouncyCastle's verifier is synchronized; one caller never waits).
 */
final class HelloCookies
{
    static final long ROTATE_NANOS = 60_000_000_000L;
    /**
     * Where a ClientHello's session_id length is: DTLS record header (13), handshake header (12), client_version (2)
     * and random (32); the cookie's length follows the session_id.
     */
    private static final int SESSION_ID_LENGTH_OFFSET = 59;
    /** Checks a cookie against the old key without answering: the current key answers a wrong one. */
    private static final DatagramSender SILENT = new DatagramSender()
    {
        @Override
        public int getSendLimit()
        {
            return 1200;
        }

        @Override
        public void send(final byte[] buf, final int off, final int len)
        {
            // the HelloVerifyRequest comes from the current key
        }
    };

    private final TlsCrypto crypto;
    private DTLSVerifier current;
    private DTLSVerifier previous;
    private long rotatedAt;

    HelloCookies(final TlsCrypto crypto, final long nowNanos)
    {
        this.crypto = crypto;
        this.current = new DTLSVerifier(crypto);
        this.rotatedAt = nowNanos;
    }

    /**
     * The verified request to start a handshake from, or null: then a ClientHello without the right cookie was
     * answered through {@code sender} with a HelloVerifyRequest, and anything else that is no ClientHello was not.
     *
     * @param peer     where the datagram came from: the cookie is bound to it
     * @param datagram the datagram, from offset 0
     * @param length   its length
     * @param sender   sends the HelloVerifyRequest to {@code peer}
     * @param nowNanos the event loop's clock
     */
    DTLSRequest verify(final InetSocketAddress peer, final byte[] datagram, final int length,
        final DatagramSender sender, final long nowNanos)
    {
        if (nowNanos - rotatedAt >= ROTATE_NANOS)
        {
            previous = current;
            current = new DTLSVerifier(crypto);
            rotatedAt = nowNanos;
        }
        final byte[] clientId = clientId(peer);
        if (previous != null)
        {
            final DTLSRequest old = previous.verifyRequest(clientId, datagram, 0, length, SILENT);
            if (old != null)
            {
                return old;
            }
        }
        return current.verifyRequest(clientId, datagram, 0, length, sender);
    }

    /**
     * Whether the ClientHello in {@code datagram} (the first fragment, its session_id {@code sessionIdLength} long)
     * carries a cookie: the second hello of an honest client, which answers our HelloVerifyRequest. A hello cut off
     * before the cookie's length counts as one without.
     */
    static boolean carriesCookie(final byte[] datagram, final int length, final int sessionIdLength)
    {
        final int cookieLength = SESSION_ID_LENGTH_OFFSET + 1 + sessionIdLength;
        return cookieLength < length && datagram[cookieLength] != 0;
    }

    /** The client's address and port: a cookie given to one port is worth nothing from another. */
    private static byte[] clientId(final InetSocketAddress peer)
    {
        final byte[] address = peer.getAddress().getAddress();
        return ByteBuffer.allocate(address.length + 2).put(address).putShort((short)peer.getPort()).array();
    }
}
