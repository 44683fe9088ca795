package org.headend.control.auth.radius;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.headend.control.auth.radius.DynamicAuthorizationServer.Counter;
import org.headend.control.auth.radius.DynamicAuthorizationServer.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The RFC 5176 listener on a loopback port: it acts only on requests from a configured server signed with that
 * server's key, answers them signed, and never acts twice on the same request or on one with a stale timestamp.
 */
class DynamicAuthorizationServerTest
{
    private static final byte[] KEY = "coa-key".getBytes(StandardCharsets.US_ASCII);
    private static final long NOW_SECONDS = 1_800_000_000L;

    private final List<DynamicAuthorizationServer.Request> handled = Collections.synchronizedList(new ArrayList<>());
    private DynamicAuthorizationServer server;
    private DatagramSocket client;

    @BeforeEach
    void start() throws Exception
    {
        server = DynamicAuthorizationServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            request ->
            {
                handled.add(request);
                return CompletableFuture.completedFuture("alice".equals(request.packet().text(
                    RadiusPacket.USER_NAME)) ? Verdict.ACK
                    : Verdict.nak(DynamicAuthorizationPacket.SESSION_CONTEXT_NOT_FOUND));
            }, System::nanoTime, () -> NOW_SECONDS);
        server.peers(List.of(new DynamicAuthorizationServer.Peer(InetAddress.getLoopbackAddress(), KEY, "RAD")));
        client = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        client.setSoTimeout(2000);
    }

    @AfterEach
    void stop()
    {
        server.close();
        client.close();
    }

    private RadiusPacket exchange(final byte[] request, final byte[] key) throws Exception
    {
        client.send(new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), server.port()));
        final byte[] buffer = new byte[4096];
        final DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
        try
        {
            client.receive(answer);
        }
        catch (final SocketTimeoutException ex)
        {
            return null;
        }
        return RadiusPacket.decodeResponse(buffer, answer.getLength(), Arrays.copyOfRange(request, 4, 20), key, true);
    }

    private static byte[] disconnect(final int identifier, final String user, final long timestamp)
    {
        final List<RadiusPacket.Attribute> attributes = new ArrayList<>();
        attributes.add(RadiusPacket.Attribute.text(RadiusPacket.USER_NAME, user));
        if (timestamp != 0)
        {
            attributes.add(RadiusPacket.Attribute.integer(DynamicAuthorizationPacket.EVENT_TIMESTAMP, timestamp));
        }
        return DynamicAuthorizationPacket.request(DynamicAuthorizationPacket.DISCONNECT_REQUEST, identifier, KEY,
            attributes);
    }

    @Test
    void shouldActOnASignedRequestAndAnswerWithTheHandlersVerdict() throws Exception
    {
        final RadiusPacket ack = exchange(disconnect(1, "alice", NOW_SECONDS - 10), KEY);
        assertEquals(DynamicAuthorizationPacket.DISCONNECT_ACK, ack.code());
        final RadiusPacket nak = exchange(disconnect(2, "nobody", 0), KEY);
        assertEquals(DynamicAuthorizationPacket.DISCONNECT_NAK, nak.code());
        assertArrayEquals(new byte[] {0, 0, 1, (byte)0xf7}, nak.first(DynamicAuthorizationPacket.ERROR_CAUSE));
        assertEquals(2, handled.size());
        assertEquals("RAD", handled.getFirst().peer().group());
    }

    @Test
    void shouldIgnoreAnotherKeyAndUnknownSourcesWithoutAnswering() throws Exception
    {
        final byte[] forged = DynamicAuthorizationPacket.request(DynamicAuthorizationPacket.DISCONNECT_REQUEST, 3,
            "guess".getBytes(StandardCharsets.US_ASCII),
            List.of(RadiusPacket.Attribute.text(RadiusPacket.USER_NAME, "alice")));
        assertNull(exchange(forged, KEY));
        server.peers(List.of(new DynamicAuthorizationServer.Peer(InetAddress.getByName("192.0.2.1"), KEY, "RAD")));
        assertNull(exchange(disconnect(4, "alice", 0), KEY));
        assertEquals(0, handled.size());
        assertEquals(1, server.count(Counter.MALFORMED_OR_FORGED));
        assertEquals(1, server.count(Counter.UNKNOWN_SOURCE));
    }

    @Test
    void shouldNotActTwiceOnARepeatedRequestButAnswerItAgain() throws Exception
    {
        final byte[] request = disconnect(5, "alice", NOW_SECONDS);
        final RadiusPacket first = exchange(request, KEY);
        final RadiusPacket again = exchange(request, KEY);
        assertEquals(DynamicAuthorizationPacket.DISCONNECT_ACK, first.code());
        assertArrayEquals(first.authenticator(), again.authenticator(), "the same answer");
        assertEquals(1, handled.size());
        assertEquals(1, server.count(Counter.DUPLICATE));
    }

    @Test
    void shouldDropRequestsWhoseEventTimestampIsOutsideTheWindow() throws Exception
    {
        assertNull(exchange(disconnect(6, "alice", NOW_SECONDS - DynamicAuthorizationServer.WINDOW_SECONDS - 1),
            KEY));
        assertNull(exchange(disconnect(7, "alice", NOW_SECONDS + DynamicAuthorizationServer.WINDOW_SECONDS + 1),
            KEY));
        assertEquals(0, handled.size());
        assertEquals(2, server.count(Counter.STALE));
    }
}
