package org.headend.control.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.headend.dataplane.api.DtlsKeys;
import org.headend.dataplane.api.HandshakeQueue;
import org.junit.jupiter.api.Test;

/**
 * The cookie exchange in front of the PSK-NEGOTIATE handshake, with BouncyCastle's DTLS client on the other end of an
 * in-memory datagram pipe: the first ClientHello only earns a HelloVerifyRequest, the second (with the cookie) starts
 * the handshake, and the cookie is worth nothing from another port.
 */
class CookieHandshakeTest
{
    private static final byte[] PSK = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("10.77.0.2", 40000);
    private static final InetSocketAddress OTHER_PORT = new InetSocketAddress("10.77.0.2", 40001);
    private static final int HELLO_VERIFY_REQUEST = 3;
    /** Where a DTLS ClientHello datagram holds its session_id's length. */
    private static final int SESSION_ID_LENGTH = 59;

    private final HandshakeQueue toServer = new HandshakeQueue();
    private final BlockingQueue<byte[]> toClient = new LinkedBlockingQueue<>();
    private final List<byte[]> serverSent = new CopyOnWriteArrayList<>();
    private final HelloCookies cookies = new HelloCookies(HandshakeServers.crypto(), 0);

    @Test
    void shouldAnswerTheFirstHelloWithACookieAndHandshakeOnTheSecond() throws Exception
    {
        final CompletableFuture<byte[]> client = connectClientAsync();
        final byte[] first = toServer.poll(10_000);
        assertNull(cookies.verify(CLIENT, first, first.length, sender(), 1), "no handshake without a cookie");
        assertEquals(1, serverSent.size());
        assertEquals(HELLO_VERIFY_REQUEST, serverSent.get(0)[13], "a HelloVerifyRequest");
        assertTrue(serverSent.get(0).length < first.length, "smaller than the hello: no amplification");

        final byte[] second = toServer.poll(10_000);
        final DTLSRequest request = cookies.verify(CLIENT, second, second.length, sender(), 2);
        assertNotNull(request, "the hello with the cookie starts the handshake");

        final HandshakeServers.Psk server = new HandshakeServers.Psk(PSK);
        final HandshakeTransport transport = new HandshakeTransport(this::serverSend, CLIENT, toServer);
        new DTLSServerProtocol().accept(server, transport, request);
        transport.flush();
        final DtlsKeys keys = server.keys();
        assertNotNull(keys);
        final byte[] clientWriteKey = client.get(10, TimeUnit.SECONDS);
        assertArrayEquals(clientWriteKey, keys.clientWriteKey(), "both ends derived the same keys");
        // HelloVerifyRequest; ServerHello + ServerHelloDone; ChangeCipherSpec + Finished: each flight one datagram
        assertEquals(3, serverSent.size());
        assertEquals(1, transport.lastFlight().size());
        assertEquals(20, transport.lastFlight().get(0)[0], "the last flight opens with the ChangeCipherSpec");
    }

    @Test
    void shouldNotAcceptACookieFromAnotherPort() throws Exception
    {
        connectClientAsync();
        final byte[] first = toServer.poll(10_000);
        cookies.verify(CLIENT, first, first.length, sender(), 1);
        final byte[] withCookie = toServer.poll(10_000);
        assertNull(cookies.verify(OTHER_PORT, withCookie, withCookie.length, sender(), 2),
            "a hello replayed from another port must earn its own cookie");
        assertEquals(2, serverSent.size(), "it got a HelloVerifyRequest instead");
        assertNotNull(cookies.verify(CLIENT, withCookie, withCookie.length, sender(), 3));
    }

    @Test
    void shouldAcceptACookieOfThePreviousKeyButNotOlder() throws Exception
    {
        connectClientAsync();
        final byte[] first = toServer.poll(10_000);
        cookies.verify(CLIENT, first, first.length, sender(), 1);
        final byte[] withCookie = toServer.poll(10_000);
        assertNotNull(cookies.verify(CLIENT, withCookie, withCookie.length, sender(), HelloCookies.ROTATE_NANOS + 1),
            "a client caught by a key change is not sent round again");
        assertNull(cookies.verify(CLIENT, withCookie, withCookie.length, sender(), 3 * HelloCookies.ROTATE_NANOS),
            "two key changes later the cookie is stale");
    }

    @Test
    void shouldTellTheHelloThatAnswersACookieFromTheFirst() throws Exception
    {
        connectClientAsync();
        final byte[] first = toServer.poll(10_000);
        assertFalse(HelloCookies.carriesCookie(first, first.length, first[SESSION_ID_LENGTH] & 0xFF));
        cookies.verify(CLIENT, first, first.length, sender(), 1);
        final byte[] second = toServer.poll(10_000);
        assertTrue(HelloCookies.carriesCookie(second, second.length, second[SESSION_ID_LENGTH] & 0xFF),
            "the hello that repeats the first with our cookie");
        assertFalse(HelloCookies.carriesCookie(second, SESSION_ID_LENGTH + 1 + (second[SESSION_ID_LENGTH] & 0xFF),
            second[SESSION_ID_LENGTH] & 0xFF), "a hello cut off before its cookie");
    }

    @Test
    void shouldIgnoreGarbageWithoutAnswering()
    {
        final byte[] garbage = new byte[120];
        garbage[0] = 22;
        garbage[1] = (byte)0xFE;
        garbage[2] = (byte)0xFD;
        assertNull(cookies.verify(CLIENT, garbage, garbage.length, sender(), 1));
        assertEquals(0, serverSent.size());
    }

    private DatagramSender sender()
    {
        return new DatagramSender()
        {
            @Override
            public int getSendLimit()
            {
                return HandshakeTransport.SEND_LIMIT;
            }

            @Override
            public void send(final byte[] buf, final int off, final int len)
            {
                serverSend(buf, off, len);
            }
        };
    }

    private void serverSend(final byte[] datagram, final int offset, final int length)
    {
        final byte[] copy = java.util.Arrays.copyOfRange(datagram, offset, offset + length);
        serverSent.add(copy);
        toClient.add(copy);
    }

    /** A BC PSK client; completes with its write key once its handshake is over. */
    private CompletableFuture<byte[]> connectClientAsync()
    {
        final DatagramTransport pipe = new DatagramTransport()
        {
            @Override
            public int getReceiveLimit()
            {
                return 16 * 1024;
            }

            @Override
            public int getSendLimit()
            {
                return 1200;
            }

            @Override
            public int receive(final byte[] buf, final int off, final int len, final int waitMillis)
                throws IOException
            {
                try
                {
                    final byte[] datagram = toClient.poll(waitMillis, TimeUnit.MILLISECONDS);
                    if (datagram == null)
                    {
                        return -1;
                    }
                    System.arraycopy(datagram, 0, buf, off, datagram.length);
                    return datagram.length;
                }
                catch (final InterruptedException ex)
                {
                    throw new IOException(ex);
                }
            }

            @Override
            public void send(final byte[] buf, final int off, final int len)
            {
                toServer.offer(java.util.Arrays.copyOfRange(buf, off, off + len));
            }

            @Override
            public void close()
            {
            }
        };
        final KeyCapturingClient client = new KeyCapturingClient();
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        // a thread of its own: a client a test leaves waiting must not hold up the next test's
        Thread.ofPlatform().daemon().name("bc-dtls-client").start(() ->
        {
            try
            {
                new DTLSClientProtocol().connect(client, pipe);
                done.complete(client.writeKey);
            }
            catch (final IOException | RuntimeException ex)
            {
                done.completeExceptionally(ex);
            }
        });
        return done;
    }

    /** A GnuTLS-like PSK client: DTLS 1.2, the two PSK AES-GCM suites; remembers its client write key. */
    private static final class KeyCapturingClient extends PSKTlsClient
    {
        private volatile byte[] writeKey;

        KeyCapturingClient()
        {
            super(new BcTlsCrypto(), new BasicTlsPSKIdentity("psk", PSK));
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions()
        {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites()
        {
            return new int[] {DtlsSuite.PSK_AES128.code(), DtlsSuite.PSK_AES256.code()};
        }

        @Override
        public int getHandshakeTimeoutMillis()
        {
            return 15_000;
        }

        @Override
        public void notifyHandshakeComplete() throws IOException
        {
            super.notifyHandshakeComplete();
            final int suite = context.getSecurityParametersConnection().getCipherSuite();
            // the client writes with the key the server reads with
            writeKey = HandshakeServers.keys(context, suite == DtlsSuite.PSK_AES256.code()
                ? DtlsSuite.PSK_AES256 : DtlsSuite.PSK_AES128).clientWriteKey();
        }
    }
}
