package org.headend.control.auth.radius;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.headend.control.auth.AuthOutcome;
import org.headend.control.auth.AuthRequest;
import org.headend.control.config.AaaServerGroup;
import org.headend.control.config.AaaServerHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The RADIUS client against small servers on loopback that answer as a test needs: accept with attributes,
 * challenge, never, or with a forged answer. The client's own codec is what the servers check requests with.
 */
class RadiusClientTest
{
    private static final String SECRET = "s3cret";
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception
    {
        for (final AutoCloseable c : closing)
        {
            c.close();
        }
    }

    @Test
    void shouldMapAnAcceptToGroupPolicyAndAddress() throws Exception
    {
        final FakeServer server = server(SECRET, request -> answer(request, RadiusPacket.ACCESS_ACCEPT, SECRET,
            List.of(RadiusPacket.Attribute.text(RadiusPacket.CLASS, "OU=STAFF;"),
                new RadiusPacket.Attribute(RadiusPacket.FRAMED_IP_ADDRESS, new byte[] {10, 20, 0, 5}))));
        final AuthOutcome outcome = client(group(1, host(server.port(), 2, 1))).authenticate(
            AuthRequest.first("alice", "alicepw", "192.0.2.1", AuthRequest.Purpose.VPN)).toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
        final AuthOutcome.Accepted accepted = assertInstanceOf(AuthOutcome.Accepted.class, outcome);
        assertEquals("STAFF", accepted.groupPolicy());
        assertEquals("10.20.0.5", accepted.framedAddress().getHostAddress());
        assertEquals("alicepw", server.lastPassword, "the server recovers the PAP password with the secret");
    }

    @Test
    void shouldPassTheChallengeStateBack() throws Exception
    {
        final FakeServer server = server(SECRET, request -> request.first(RadiusPacket.STATE) == null
            ? answer(request, RadiusPacket.ACCESS_CHALLENGE, SECRET, List.of(
                RadiusPacket.Attribute.text(RadiusPacket.REPLY_MESSAGE, "Code?"),
                RadiusPacket.Attribute.text(RadiusPacket.STATE, "step2")))
            : answer(request, "step2".equals(request.text(RadiusPacket.STATE)) ? RadiusPacket.ACCESS_ACCEPT
                : RadiusPacket.ACCESS_REJECT, SECRET, List.of()));
        final RadiusClient client = client(group(1, host(server.port(), 2, 1)));
        final AuthOutcome.Challenged challenged = assertInstanceOf(AuthOutcome.Challenged.class, client.authenticate(
            AuthRequest.first("carol", "carolpw", "192.0.2.1", AuthRequest.Purpose.VPN)).toCompletableFuture()
            .get(5, TimeUnit.SECONDS));
        assertEquals("Code?", challenged.prompt());
        assertInstanceOf(AuthOutcome.Accepted.class, client.authenticate(new AuthRequest("carol", "123456",
            "192.0.2.1", challenged.state(), AuthRequest.Purpose.VPN)).toCompletableFuture().get(5, TimeUnit.SECONDS));
    }

    @Test
    void shouldDropAForgedAnswerAndCountIt() throws Exception
    {
        final FakeServer forger = server(SECRET, request -> answer(request, RadiusPacket.ACCESS_ACCEPT,
            "guessed-secret", List.of()));
        final RadiusClient client = client(group(1, host(forger.port(), 2, 1)));
        final AuthOutcome outcome = client.authenticate(AuthRequest.first("mallory", "x", "192.0.2.1",
            AuthRequest.Purpose.VPN)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertInstanceOf(AuthOutcome.Unavailable.class, outcome, "a forged Accept is never a login");
        final RadiusClient.HostStatus status = client.status().toCompletableFuture().get(5, TimeUnit.SECONDS).get(0);
        assertTrue(status.badAuthenticators() >= 1, status.toString());
        assertEquals(0, status.accepts());
    }

    @Test
    void shouldFailOverToTheNextServerAndMarkTheDeadOneFailed() throws Exception
    {
        final FakeServer silent = server(SECRET, request -> null);
        final FakeServer live = server(SECRET, request -> answer(request, RadiusPacket.ACCESS_REJECT, SECRET,
            List.of()));
        final RadiusClient client = client(group(1, host(silent.port(), 1, 1), host(live.port(), 2, 1)));
        final long started = System.nanoTime();
        assertInstanceOf(AuthOutcome.Rejected.class, client.authenticate(AuthRequest.first("bob", "x", "192.0.2.1",
            AuthRequest.Purpose.VPN)).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(900), "the first had its timeout");
        final List<RadiusClient.HostStatus> status = client.status().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(status.get(0).failed());
        assertEquals(1, status.get(1).rejects());
        final long again = System.nanoTime();
        assertInstanceOf(AuthOutcome.Rejected.class, client.authenticate(AuthRequest.first("bob", "x", "192.0.2.1",
            AuthRequest.Purpose.VPN)).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - again < TimeUnit.MILLISECONDS.toNanos(900), "a failed server is skipped");
    }

    @Test
    void shouldSayUnavailableWhenEveryServerIsFailed() throws Exception
    {
        final FakeServer silent = server(SECRET, request -> null);
        final RadiusClient client = client(group(1, host(silent.port(), 1, 1)));
        final AuthRequest request = AuthRequest.first("bob", "x", "192.0.2.1", AuthRequest.Purpose.VPN);
        assertInstanceOf(AuthOutcome.Unavailable.class, client.authenticate(request).toCompletableFuture()
            .get(10, TimeUnit.SECONDS));
        final long started = System.nanoTime();
        assertInstanceOf(AuthOutcome.Unavailable.class, client.authenticate(request).toCompletableFuture()
            .get(10, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(500), "no wait while depleted");
    }

    @Test
    void shouldSendAccountingToTheAccountingPortAndSeeItAcknowledged() throws Exception
    {
        final List<RadiusPacket> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        final FakeServer server = server(SECRET, request ->
        {
            seen.add(request);
            return answer(request, RadiusPacket.ACCOUNTING_RESPONSE, SECRET, List.of());
        });
        final AaaServerHost host = new AaaServerHost("inside", LOOPBACK, SECRET, 9, server.port(), 2, 1, false);
        final RadiusClient client = client(group(1, host));
        assertTrue(client.account(List.of(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_STATUS_TYPE, 2),
            RadiusPacket.Attribute.integer(RadiusPacket.ACCT_OUTPUT_GIGAWORDS, 1)))
            .toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertEquals(RadiusPacket.ACCOUNTING_REQUEST, seen.get(0).code());
        assertArrayEquals(new byte[] {0, 0, 0, 1}, seen.get(0).first(RadiusPacket.ACCT_OUTPUT_GIGAWORDS));
    }

    @Test
    void shouldCarryTheSessionsAcctSessionIdInTheAccessRequestOnlyWhenItHasOne() throws Exception
    {
        final List<RadiusPacket> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        final FakeServer server = server(SECRET, request ->
        {
            seen.add(request);
            return answer(request, RadiusPacket.ACCESS_REJECT, SECRET, List.of());
        });
        final RadiusClient client = client(group(1, host(server.port(), 2, 1)));
        client.authenticate(new AuthRequest("alice", "pw", "192.0.2.1", null, AuthRequest.Purpose.VPN,
            "0123456789ABCDEF")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        client.authenticate(AuthRequest.first("alice", "pw", "192.0.2.1", AuthRequest.Purpose.MANAGEMENT))
            .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("0123456789ABCDEF", seen.get(0).text(RadiusPacket.ACCT_SESSION_ID));
        assertNull(seen.get(1).first(RadiusPacket.ACCT_SESSION_ID));
    }

    @Test
    void shouldSendMsChapV2AndAcceptOnlyWithTheServersProof() throws Exception
    {
        final List<RadiusPacket> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        final boolean[] proveIt = {true};
        final FakeServer server = server(SECRET, request ->
        {
            seen.add(request);
            final byte[] challenge = request.vendor(311, 11);
            final byte[] response = request.vendor(311, 25);
            final byte[] peer = Arrays.copyOfRange(response, 2, 18);
            final byte[] nt = Arrays.copyOfRange(response, 26, 50);
            if (!Arrays.equals(nt, MsChapV2.ntResponse(challenge, peer, "alice", "alicepw")))
            {
                return answer(request, RadiusPacket.ACCESS_REJECT, SECRET, List.of(RadiusPacket.Attribute.vendor(
                    311, 2, (response[0] + "E=691 R=0").getBytes(StandardCharsets.US_ASCII))));
            }
            final String proof = MsChapV2.authenticatorResponse(proveIt[0] ? "alicepw" : "guess", nt, peer,
                challenge, "alice");
            final byte[] success = new byte[43];
            success[0] = response[0];
            System.arraycopy(proof.getBytes(StandardCharsets.US_ASCII), 0, success, 1, 42);
            return answer(request, RadiusPacket.ACCESS_ACCEPT, SECRET,
                List.of(RadiusPacket.Attribute.vendor(311, 26, success)));
        });
        final AaaServerHost host = new AaaServerHost("inside", LOOPBACK, SECRET, server.port(), server.port() + 1, 2,
            1, false, null, true);
        final RadiusClient client = client(group(1, host));
        assertInstanceOf(AuthOutcome.Accepted.class, login(client, "alicepw"));
        assertNull(seen.get(0).first(RadiusPacket.USER_PASSWORD), "MS-CHAPv2 sends no password");
        assertInstanceOf(AuthOutcome.Rejected.class, login(client, "wrong"));
        proveIt[0] = false;
        final AuthOutcome.Rejected unproven = assertInstanceOf(AuthOutcome.Rejected.class, login(client, "alicepw"));
        assertTrue(unproven.message().contains("MS-CHAP2-Success"), unproven.message());
    }

    @Test
    void shouldRelayEapInFragmentsEchoTheStateAndDecryptTheMskOfTheAccept() throws Exception
    {
        final List<RadiusPacket> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        final byte[] bigRequest = eapPacket(1, 600);
        final byte[] bigResponse = eapPacket(2, 700);
        final byte[] recvKey = new byte[32];
        final byte[] sendKey = new byte[32];
        Arrays.fill(recvKey, (byte)0x11);
        Arrays.fill(sendKey, (byte)0x22);
        final FakeServer server = server(SECRET, request ->
        {
            seen.add(request);
            if (request.first(RadiusPacket.STATE) == null)
            {
                final List<RadiusPacket.Attribute> reply = new ArrayList<>(RadiusEap.split(bigRequest));
                reply.add(RadiusPacket.Attribute.text(RadiusPacket.STATE, "round2"));
                return signed(request, RadiusPacket.ACCESS_CHALLENGE, reply);
            }
            return signed(request, RadiusPacket.ACCESS_ACCEPT, List.of(
                new RadiusPacket.Attribute(RadiusEap.EAP_MESSAGE, new byte[] {3, 9, 0, 4}),
                RadiusPacket.Attribute.vendor(311, 17, hideKey(recvKey, request.authenticator())),
                RadiusPacket.Attribute.vendor(311, 16, hideKey(sendKey, request.authenticator())),
                RadiusPacket.Attribute.text(RadiusPacket.CLASS, "OU=STAFF;")));
        });
        final RadiusClient client = client(group(1, host(server.port(), 2, 1)));
        final byte[] identity = {2, 8, 0, 10, 1, 'a', 'l', 'i', 'c', 'e'};
        final RadiusEap.Answer first = client.relayEap(new AuthRequest("alice", null, "192.0.2.1", null,
            AuthRequest.Purpose.VPN), identity).toCompletableFuture().get(5, TimeUnit.SECONDS);
        final AuthOutcome.Challenged challenged = assertInstanceOf(AuthOutcome.Challenged.class, first.outcome());
        assertArrayEquals(bigRequest, first.eap(), "the challenge's three EAP-Messages joined");
        assertArrayEquals(identity, RadiusEap.join(seen.get(0)));
        assertNull(seen.get(0).first(RadiusPacket.USER_PASSWORD), "EAP carries no password");
        assertEquals("alice", seen.get(0).text(RadiusPacket.USER_NAME));

        final RadiusEap.Answer second = client.relayEap(new AuthRequest("alice", null, "192.0.2.1",
            challenged.state(), AuthRequest.Purpose.VPN), bigResponse).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("round2", seen.get(1).text(RadiusPacket.STATE), "the State echoed");
        assertEquals(3, seen.get(1).attributes().stream().filter(a -> a.type() == RadiusEap.EAP_MESSAGE).count(),
            "700 bytes in 253-byte attributes");
        assertArrayEquals(bigResponse, RadiusEap.join(seen.get(1)));
        final AuthOutcome.Accepted accepted = assertInstanceOf(AuthOutcome.Accepted.class, second.outcome());
        assertEquals("STAFF", accepted.groupPolicy());
        assertArrayEquals(new byte[] {3, 9, 0, 4}, second.eap(), "the server's EAP-Success");
        final byte[] msk = new byte[64];
        System.arraycopy(recvKey, 0, msk, 0, 32);
        System.arraycopy(sendKey, 0, msk, 32, 32);
        assertArrayEquals(msk, second.msk(), "MS-MPPE-Recv-Key then MS-MPPE-Send-Key");
    }

    @Test
    void shouldDropAnEapAnswerWithoutMessageAuthenticator() throws Exception
    {
        final FakeServer server = server(SECRET, request -> answer(request, RadiusPacket.ACCESS_ACCEPT, SECRET,
            List.of(new RadiusPacket.Attribute(RadiusEap.EAP_MESSAGE, new byte[] {3, 9, 0, 4}))));
        final RadiusClient client = client(group(1, host(server.port(), 1, 1)));
        final RadiusEap.Answer answer = client.relayEap(new AuthRequest("alice", null, "192.0.2.1", null,
            AuthRequest.Purpose.VPN), new byte[] {2, 8, 0, 6, 1, 'a'}).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertInstanceOf(AuthOutcome.Unavailable.class, answer.outcome(), "an unsigned Accept is no answer");
        assertEquals(1, client.status().toCompletableFuture().get(5, TimeUnit.SECONDS).get(0).badAuthenticators());
    }

    /** An EAP packet of {@code code} and {@code length} bytes. */
    private static byte[] eapPacket(final int code, final int length)
    {
        final byte[] eap = new byte[length];
        eap[0] = (byte)code;
        eap[1] = 9;
        eap[2] = (byte)(length >>> 8);
        eap[3] = (byte)length;
        eap[4] = 26;
        for (int i = 5; i < length; i++)
        {
            eap[i] = (byte)i;
        }
        return eap;
    }

    /** RFC 2548 §2.4.2 as a server does it: salt, then the key's length, the key and zero padding XORed by blocks. */
    private static byte[] hideKey(final byte[] key, final byte[] requestAuthenticator)
    {
        final int plainLength = (key.length + 1 + 15) / 16 * 16;
        final byte[] plain = new byte[plainLength];
        plain[0] = (byte)key.length;
        System.arraycopy(key, 0, plain, 1, key.length);
        final byte[] out = new byte[2 + plainLength];
        out[0] = (byte)0x85;
        out[1] = 0x21;
        try
        {
            byte[] previous = null;
            for (int block = 0; block < plainLength; block += 16)
            {
                final MessageDigest md5 = MessageDigest.getInstance("MD5");
                md5.update(SECRET.getBytes(StandardCharsets.UTF_8));
                if (previous == null)
                {
                    md5.update(requestAuthenticator);
                    md5.update(out, 0, 2);
                }
                else
                {
                    md5.update(previous);
                }
                final byte[] b = md5.digest();
                for (int i = 0; i < 16; i++)
                {
                    out[2 + block + i] = (byte)(plain[block + i] ^ b[i]);
                }
                previous = Arrays.copyOfRange(out, 2 + block, 2 + block + 16);
            }
        }
        catch (final java.security.NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
        return out;
    }

    /** {@link #answer} with a Message-Authenticator (RFC 3579 §3.2), as every answer about EAP must carry. */
    private static byte[] signed(final RadiusPacket request, final int code,
        final List<RadiusPacket.Attribute> attributes)
    {
        final List<RadiusPacket.Attribute> all = new ArrayList<>(attributes);
        all.add(new RadiusPacket.Attribute(RadiusPacket.MESSAGE_AUTHENTICATOR, new byte[16]));
        final byte[] unsigned = RadiusPacket.encode(code, request.identifier(), request.authenticator(), all);
        final byte[] mac = RadiusPacket.hmacMd5(SECRET.getBytes(StandardCharsets.UTF_8), unsigned);
        all.set(all.size() - 1, new RadiusPacket.Attribute(RadiusPacket.MESSAGE_AUTHENTICATOR, mac));
        return answer(request, code, SECRET, all);
    }

    private static AuthOutcome login(final RadiusClient client, final String password) throws Exception
    {
        return client.authenticate(AuthRequest.first("alice", password, "192.0.2.1", AuthRequest.Purpose.VPN))
            .toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldReadTheGroupPolicyOnlyFromAnOuPart()
    {
        assertEquals("ENG", RadiusClient.groupPolicyOfClass("OU=ENG;"));
        assertEquals("ENG", RadiusClient.groupPolicyOfClass("x=y;OU=ENG"));
        assertNull(RadiusClient.groupPolicyOfClass("ENG"));
        assertNull(RadiusClient.groupPolicyOfClass(null));
    }

    @Test
    void shouldPreferTheAsaGroupPolicyAttributeAndReadFilterIdFromAnAccept() throws Exception
    {
        final AuthOutcome.Accepted asa = accept(RadiusPacket.Attribute.text(RadiusPacket.CLASS, "OU=ENG;"),
            RadiusPacket.Attribute.vendor(3076, 25, "STAFF".getBytes(StandardCharsets.UTF_8)),
            RadiusPacket.Attribute.text(11, "QUARANTINE"));
        assertEquals("STAFF", asa.groupPolicy(), "vendor 3076 Group-Policy wins over Class");
        assertEquals("QUARANTINE", asa.vpnFilter());
        final AuthOutcome.Accepted classOnly = accept(RadiusPacket.Attribute.text(RadiusPacket.CLASS, "OU=ENG;"),
            RadiusPacket.Attribute.text(11, "bad name with blanks"));
        assertEquals("ENG", classOnly.groupPolicy());
        assertNull(classOnly.vpnFilter(), "a name no access-list can have is dropped");
    }

    private static AuthOutcome.Accepted accept(final RadiusPacket.Attribute... attributes) throws Exception
    {
        final byte[] datagram = RadiusPacket.accountingRequest(1, "k".getBytes(StandardCharsets.UTF_8),
            List.of(attributes));
        datagram[0] = RadiusPacket.ACCESS_ACCEPT;
        return assertInstanceOf(AuthOutcome.Accepted.class,
            RadiusClient.outcome(RadiusPacket.decode(datagram, datagram.length), "alice", "G"));
    }

    private RadiusClient client(final AaaServerGroup group) throws Exception
    {
        final RadiusClient client = RadiusClient.start(group, "headend", System::nanoTime);
        closing.add(client);
        return client;
    }

    private static AaaServerGroup group(final int maxFailed, final AaaServerHost... hosts)
    {
        return new AaaServerGroup("G", "radius", maxFailed, false, 10, List.of(hosts));
    }

    private static AaaServerHost host(final int port, final int timeout, final int retry)
    {
        return new AaaServerHost("inside", LOOPBACK, SECRET, port, port + 1, timeout, retry, false);
    }

    private FakeServer server(final String secret, final Function<RadiusPacket, byte[]> answers) throws Exception
    {
        final FakeServer server = new FakeServer(secret, answers);
        closing.add(server);
        return server;
    }

    /** An answer to {@code request}, its Response Authenticator computed with {@code secret}. */
    private static byte[] answer(final RadiusPacket request, final int code, final String secret,
        final List<RadiusPacket.Attribute> attributes)
    {
        int length = 20;
        for (final RadiusPacket.Attribute a : attributes)
        {
            length += 2 + a.value().length;
        }
        final byte[] out = new byte[length];
        out[0] = (byte)code;
        out[1] = (byte)request.identifier();
        out[2] = (byte)(length >> 8);
        out[3] = (byte)length;
        System.arraycopy(request.authenticator(), 0, out, 4, 16);
        int at = 20;
        for (final RadiusPacket.Attribute a : attributes)
        {
            out[at] = (byte)a.type();
            out[at + 1] = (byte)(2 + a.value().length);
            System.arraycopy(a.value(), 0, out, at + 2, a.value().length);
            at += 2 + a.value().length;
        }
        try
        {
            final MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(out);
            md5.update(secret.getBytes(StandardCharsets.UTF_8));
            System.arraycopy(md5.digest(), 0, out, 4, 16);
        }
        catch (final java.security.NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
        return out;
    }

    /** A loopback UDP server that decodes each request and sends what {@code answers} makes of it (or nothing). */
    private static final class FakeServer implements AutoCloseable
    {
        private final DatagramSocket socket = new DatagramSocket(0, LOOPBACK);
        private final Thread thread;
        private volatile String lastPassword;

        FakeServer(final String secret, final Function<RadiusPacket, byte[]> answers) throws Exception
        {
            thread = new Thread(() ->
            {
                final byte[] buffer = new byte[4096];
                while (!socket.isClosed())
                {
                    try
                    {
                        final DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                        socket.receive(in);
                        final RadiusPacket request = RadiusPacket.decode(buffer, in.getLength());
                        final byte[] hidden = request.first(RadiusPacket.USER_PASSWORD);
                        if (hidden != null)
                        {
                            lastPassword = recover(hidden, secret, request.authenticator());
                        }
                        final byte[] out = answers.apply(request);
                        if (out != null)
                        {
                            socket.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
                        }
                    }
                    catch (final Exception ex)
                    {
                        return;
                    }
                }
            }, "fake-radius");
            thread.setDaemon(true);
            thread.start();
        }

        int port()
        {
            return socket.getLocalPort();
        }

        @Override
        public void close()
        {
            socket.close();
        }
    }

    /** RFC 2865 §5.2 undone: p_i = c_i XOR MD5(S + c_{i-1}). */
    private static String recover(final byte[] hidden, final String secret, final byte[] authenticator)
        throws Exception
    {
        final byte[] clear = new byte[hidden.length];
        byte[] previous = authenticator;
        for (int block = 0; block < hidden.length; block += 16)
        {
            final MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(secret.getBytes(StandardCharsets.UTF_8));
            md5.update(previous);
            final byte[] b = md5.digest();
            for (int i = 0; i < 16; i++)
            {
                clear[block + i] = (byte)(hidden[block + i] ^ b[i]);
            }
            previous = Arrays.copyOfRange(hidden, block, block + 16);
        }
        int end = clear.length;
        while (end > 0 && clear[end - 1] == 0)
        {
            end--;
        }
        return new String(clear, 0, end, StandardCharsets.UTF_8);
    }
}
