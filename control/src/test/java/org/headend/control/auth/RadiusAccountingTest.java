package org.headend.control.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.headend.control.auth.radius.RadiusPacket;
import org.headend.control.config.ConfigCursor;
import org.headend.control.config.ConfigStore;
import org.headend.control.session.SessionView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Periodic Interim-Updates ({@code interim-accounting-update periodic N}) against a loopback accounting server:
 * one per session every N hours, under one Acct-Session-Id, with the session's counters split into octets and
 * gigawords; sessions that came up together get theirs spread over the minute of the pass, not in one burst.
 */
class RadiusAccountingTest
{
    private static final String SECRET = "s3cret";
    private static final long HOUR = 3_600_000_000_000L;

    private final DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    private final LinkedBlockingQueue<RadiusPacket> received = new LinkedBlockingQueue<>();
    private final ConfigStore config = ConfigStore.embeddedDefault("pw");
    private final long[] now = {1_000_000_000L};
    private Logins logins;
    private RadiusAccounting accounting;

    RadiusAccountingTest() throws Exception
    {
    }

    @BeforeEach
    void start() throws Exception
    {
        final Thread thread = new Thread(this::serve, "fake-accounting");
        thread.setDaemon(true);
        thread.start();
        ConfigCursor at = config.apply(ConfigCursor.TOP, "aaa-server RAD protocol radius", "test", 1);
        config.apply(at, " interim-accounting-update periodic 2", "test", 2);
        at = config.apply(ConfigCursor.TOP, "aaa-server RAD (inside) host 127.0.0.1", "test", 3);
        config.apply(at, " key " + SECRET, "test", 4);
        config.apply(at, " accounting-port " + server.getLocalPort(), "test", 5);
        at = config.apply(ConfigCursor.TOP, "tunnel-group DefaultWEBVPNGroup general-attributes", "test", 6);
        config.apply(at, " accounting-server-group RAD", "test", 7);
        logins = new Logins(config::current, new FailedLoginLimiter(), () -> now[0]);
        logins.apply(config.current());
        accounting = new RadiusAccounting(config::current, logins, () -> now[0]);
    }

    @AfterEach
    void stop()
    {
        logins.close();
        server.close();
    }

    @Test
    void shouldSendOneInterimUpdateEveryPeriodWithTheCountersUnderOneSessionId() throws Exception
    {
        final long sixGigabytes = 6L << 30;
        final SessionView session = view(7, sixGigabytes + 1000);
        join(session); // the session's period starts here
        assertArrayEquals(new byte[] {0, 0, 0, 3}, next().first(RadiusPacket.ACCT_STATUS_TYPE),
            "the Interim-Update of the tunnel joining");
        now[0] += 2 * HOUR - 1;
        pass(index -> index == 7 ? session : null);
        now[0] += 1;
        pass(index -> index == 7 ? session : null);
        pass(index -> index == 7 ? session : null);
        final RadiusPacket first = next();
        assertArrayEquals(new byte[] {0, 0, 0, 3}, first.first(RadiusPacket.ACCT_STATUS_TYPE), "Interim-Update");
        assertEquals((2L << 30) + 1000, integer(first, RadiusPacket.ACCT_OUTPUT_OCTETS), "6 GiB + 1000 = 1 x 4 GiB + this");
        assertEquals(sixGigabytes + 1000, integer(first, RadiusPacket.ACCT_OUTPUT_GIGAWORDS) << 32
            | integer(first, RadiusPacket.ACCT_OUTPUT_OCTETS));
        assertEquals(1, integer(first, RadiusPacket.ACCT_OUTPUT_GIGAWORDS));
        assertEquals(300, integer(first, RadiusPacket.ACCT_INPUT_OCTETS));
        assertEquals(0, integer(first, RadiusPacket.ACCT_INPUT_GIGAWORDS));
        assertEquals(4_500_000, integer(first, RadiusPacket.ACCT_OUTPUT_PACKETS));
        assertEquals(7200, integer(first, RadiusPacket.ACCT_SESSION_TIME));
        assertArrayEquals(new byte[] {(byte)192, (byte)168, 100, 10}, first.first(RadiusPacket.FRAMED_IP_ADDRESS));

        now[0] += 2 * HOUR;
        pass(index -> index == 7 ? session : null);
        final RadiusPacket second = next();
        assertEquals(first.text(RadiusPacket.ACCT_SESSION_ID), second.text(RadiusPacket.ACCT_SESSION_ID));
        accounting.stop(session, "the client logged out");
        final RadiusPacket stop = next();
        assertArrayEquals(new byte[] {0, 0, 0, 2}, stop.first(RadiusPacket.ACCT_STATUS_TYPE),
            "the Stop comes next: no Interim-Update was sent early or twice");
        assertEquals(first.text(RadiusPacket.ACCT_SESSION_ID), stop.text(RadiusPacket.ACCT_SESSION_ID));
    }

    @Test
    void shouldSpreadTheInterimUpdatesOfSessionsThatCameUpTogetherOverTheMinute() throws Exception
    {
        final List<SessionView> sessions = new ArrayList<>();
        for (int index = 1; index <= 2 * RadiusAccounting.SLICES; index++)
        {
            sessions.add(view(index, 1000L * index));
            join(sessions.getLast()); // a login storm: all in the same instant
            next();
        }
        now[0] += 2 * HOUR;
        final Set<String> updated = new HashSet<>();
        for (int tick = 0; tick < RadiusAccounting.SLICES; tick++)
        {
            final List<Integer> read = new ArrayList<>();
            accounting.periodic(index ->
            {
                read.add(index);
                return sessions.get(index - 1);
            });
            final int slice = tick;
            assertEquals(2, read.size(), "tick " + tick + " reads the counters of two sessions only: " + read);
            for (int k = 0; k < 2; k++)
            {
                final String id = next().text(RadiusPacket.ACCT_SESSION_ID);
                final int index = Integer.parseInt(id.substring(8), 16);
                assertEquals(slice, index % RadiusAccounting.SLICES, "tick " + tick + " sent the update of " + index);
                assertEquals(accounting.sessionId(index), id);
                updated.add(id);
            }
        }
        assertEquals(2 * RadiusAccounting.SLICES, updated.size(), "every session got its update within the minute");
        pass(index -> sessions.get(index - 1));
        accounting.stop(sessions.getFirst(), "the client logged out");
        assertArrayEquals(new byte[] {0, 0, 0, 2}, next().first(RadiusPacket.ACCT_STATUS_TYPE),
            "a second pass in the same period sent nothing");
    }

    /** A session of DefaultWEBVPNGroup, up two hours, that sent {@code bytesTx}. */
    private static SessionView view(final int index, final long bytesTx)
    {
        return new SessionView(index, "alice", "192.168.100.10", "10.77.0.2", List.of(), bytesTx, 300, 4_500_000, 30,
            "GP", "DefaultWEBVPNGroup", Instant.now(), Duration.ofHours(2), Duration.ZERO, "ua", null, 0, 0);
    }

    /** A tunnel joins {@code session}: its accounting record starts (with an Interim-Update). */
    private void join(final SessionView session)
    {
        accounting.views(ignored -> session);
        accounting.tunnelUp(null, null, 0);
    }

    /** One whole periodic pass: a tick per slice. */
    private void pass(final IntFunction<SessionView> sessions)
    {
        for (int tick = 0; tick < RadiusAccounting.SLICES; tick++)
        {
            accounting.periodic(sessions);
        }
    }

    private RadiusPacket next() throws InterruptedException
    {
        final RadiusPacket packet = received.poll(10, TimeUnit.SECONDS);
        if (packet == null)
        {
            throw new AssertionError("no accounting request arrived");
        }
        return packet;
    }

    private static long integer(final RadiusPacket packet, final int type)
    {
        final byte[] value = packet.first(type);
        return (value[0] & 0xffL) << 24 | (value[1] & 0xff) << 16 | (value[2] & 0xff) << 8 | value[3] & 0xff;
    }

    /** Acknowledges every request, its Response Authenticator made with the secret, and queues it. */
    private void serve()
    {
        final byte[] buffer = new byte[4096];
        while (!server.isClosed())
        {
            try
            {
                final DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                server.receive(in);
                final RadiusPacket request = RadiusPacket.decode(buffer, in.getLength());
                received.add(request);
                final byte[] out = new byte[20];
                out[0] = (byte)RadiusPacket.ACCOUNTING_RESPONSE;
                out[1] = (byte)request.identifier();
                out[3] = 20;
                System.arraycopy(request.authenticator(), 0, out, 4, 16);
                final MessageDigest md5 = MessageDigest.getInstance("MD5");
                md5.update(out);
                md5.update(SECRET.getBytes(StandardCharsets.UTF_8));
                System.arraycopy(md5.digest(), 0, out, 4, 16);
                server.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
            }
            catch (final Exception ex)
            {
                return;
            }
        }
    }
}
