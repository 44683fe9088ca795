package org.headend.control.session;

import static org.headend.control.session.SessionBench.CLIENT;
import static org.headend.control.session.SessionBench.GROUP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.headend.control.config.ConfigException;
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.wire.CstpHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The session timers with an injected clock: idle timeout (user traffic only), the parent session kept without a
 * tunnel until the idle or disconnected timer, the session timeout across reconnects, and vpn-simultaneous-logins.
 * Tunnels are real CSTP handlers on embedded channels, so traffic is counted the way the data plane counts it.
 */
class SessionTimersTest
{
    private static final String BASE = """
        ip local pool POOL 192.168.100.10-192.168.100.20 mask 255.255.255.0
        username demo password demo-secret
        group-policy GP internal
        group-policy GP attributes
         vpn-tunnel-protocol ssl-client
        POLICY
        tunnel-group DefaultWEBVPNGroup general-attributes
         address-pool POOL
         default-group-policy GP
        """;

    private SessionBench bench;
    private AddressPools pools;
    private SessionManager sessions;
    /** Policy look-ups by the session manager: one per session it looks at. */
    private int lookups;

    @BeforeEach
    void setUp()
    {
        bench = new SessionBench(() -> lookups++);
        pools = bench.pools();
        sessions = bench.sessions();
    }

    @AfterEach
    void tearDown()
    {
        bench.close();
    }

    private void policy(final String lines) throws ConfigException
    {
        bench.configure(BASE.replace("POLICY", lines));
    }

    private SessionManager.Login login()
    {
        final SessionManager.Login login = sessions.open("demo", GROUP, "GP", CLIENT);
        assertNotNull(login);
        return login;
    }

    /** Brings a tunnel up for the session the way the gateway does; returns its connection. */
    private EmbeddedChannel connect(final Session session)
    {
        return bench.connect(session).channel();
    }

    /** Lets time pass with the control thread's sweeps, one every sweep period, as in the appliance. */
    private void advanceSeconds(final long seconds)
    {
        for (long left = seconds; left > 0; left -= SessionManager.SWEEP_PERIOD_SECONDS)
        {
            bench.advanceSeconds(Math.min(left, SessionManager.SWEEP_PERIOD_SECONDS));
            sessions.expire();
        }
    }

    private static void frame(final EmbeddedChannel channel, final int type, final byte[] payload)
    {
        final ByteBuf frame = Unpooled.buffer();
        CstpHeader.write(frame, type, payload.length);
        frame.writeBytes(payload);
        channel.writeInbound(frame);
    }

    /** One inner IPv4 packet from the session's address, as the client sends user traffic. */
    private static void data(final EmbeddedChannel channel, final Session session)
    {
        final byte[] packet = new byte[60];
        packet[0] = 0x45;
        packet[3] = 60;
        final int source = session.lease().address();
        for (int i = 0; i < 4; i++)
        {
            packet[12 + i] = (byte)(source >>> 24 - 8 * i);
        }
        frame(channel, CstpHeader.TYPE_DATA, packet);
    }

    /** Whether the headend sent a CSTP DISCONNECT on the channel (which makes openconnect quit for good). */
    private static boolean sentDisconnect(final EmbeddedChannel channel)
    {
        channel.runPendingTasks();
        boolean disconnect = false;
        for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound())
        {
            disconnect |= CstpHeader.type(out, out.readerIndex()) == CstpHeader.TYPE_DISCONNECT;
            out.release();
        }
        return disconnect;
    }

    @Test
    void shouldEndAnIdleSessionWithItsCookieAndAddressWhenNoUserTrafficFlowedForTheIdleTimeout()
        throws ConfigException
    {
        policy(" vpn-idle-timeout 1");
        final SessionManager.Login login = login();
        final EmbeddedChannel tunnel = connect(login.session());
        advanceSeconds(30);
        data(tunnel, login.session());
        advanceSeconds(55);
        assertNotNull(sessions.find(login.token()), "traffic 55 s ago: not idle for a minute yet");
        advanceSeconds(10);
        assertNull(sessions.find(login.token()), "65 s without traffic (one sweep of slack): the cookie is dead");
        assertTrue(sentDisconnect(tunnel), "the client is told not to reconnect");
        assertEquals(0, pools.leased("POOL"), "the address went back to the pool");
        assertTrue(sessions.list().isEmpty());
    }

    @Test
    void shouldNotCountDeadPeerDetectionOrKeepalivesAsTraffic() throws ConfigException
    {
        policy(" vpn-idle-timeout 1");
        final SessionManager.Login login = login();
        final EmbeddedChannel tunnel = connect(login.session());
        for (int i = 0; i < 12; i++)
        {
            frame(tunnel, CstpHeader.TYPE_DPD_REQ, new byte[0]);
            frame(tunnel, CstpHeader.TYPE_KEEPALIVE, new byte[0]);
            advanceSeconds(SessionManager.SWEEP_PERIOD_SECONDS);
        }
        assertTrue(sessions.list().isEmpty(), "DPD and keepalives every 5 s do not count");
    }

    @Test
    void shouldKeepAnActiveSessionBeyondTheIdleTimeout() throws ConfigException
    {
        policy(" vpn-idle-timeout 1");
        final SessionManager.Login login = login();
        final EmbeddedChannel tunnel = connect(login.session());
        for (int i = 0; i < 10; i++)
        {
            data(tunnel, login.session());
            advanceSeconds(40);
        }
        assertNotNull(sessions.find(login.token()), "400 s with traffic every 40 s");
    }

    @Test
    void shouldKeepTheParentSessionWithoutATunnelUntilTheIdleTimeout() throws ConfigException
    {
        policy(" vpn-idle-timeout 2");
        final SessionManager.Login login = login();
        final EmbeddedChannel tunnel = connect(login.session());
        data(tunnel, login.session());
        advanceSeconds(5);
        sessions.onTunnelClosed(login.session(), 1, TunnelListener.CloseCause.PEER_CLOSED, "network lost");
        advanceSeconds(110);
        final Session parent = sessions.find(login.token());
        assertNotNull(parent, "the client may still come back with its cookie");
        assertNotNull(parent.lease());
        advanceSeconds(10);
        assertNull(sessions.find(login.token()), "two minutes without traffic: the parent session is gone");
        assertEquals(0, pools.leased("POOL"));
    }

    @Test
    void shouldKeepTheParentSessionAndItsAddressWhenGatewayDpdDropsTheTunnel() throws ConfigException
    {
        policy(" vpn-idle-timeout 5");
        final SessionManager.Login login = login();
        final EmbeddedChannel tunnel = connect(login.session());
        final int address = login.session().lease().address();
        data(tunnel, login.session());
        sessions.onTunnelClosed(login.session(), 1, TunnelListener.CloseCause.DPD_TIMEOUT, "no answer to DPD");
        assertFalse(sentDisconnect(tunnel), "no DISCONNECT: the client must come back with its cookie");
        advanceSeconds(120);
        final Session parent = sessions.find(login.token());
        assertNotNull(parent, "DPD failure ends the tunnel, not the session");
        assertNull(parent.tunnel());
        connect(parent);
        assertEquals(address, parent.lease().address(), "the reconnect keeps the address");
        assertEquals(1, pools.leased("POOL"));
        advanceSeconds(TimeUnit.MINUTES.toSeconds(5));
        assertNull(sessions.find(login.token()), "the idle timer still ends the session");
        assertEquals(0, pools.leased("POOL"));
    }

    @Test
    void shouldKeepADisconnectedParentSessionForTheAsaDefaultWhenIdleTimeoutIsNone() throws ConfigException
    {
        policy(" vpn-idle-timeout none");
        final SessionManager.Login login = login();
        connect(login.session());
        advanceSeconds(TimeUnit.HOURS.toSeconds(5));
        assertNotNull(sessions.find(login.token()), "no idle timeout: a silent tunnel lives on");
        sessions.onTunnelClosed(login.session(), 1, TunnelListener.CloseCause.PEER_CLOSED, "network lost");
        advanceSeconds(TimeUnit.MINUTES.toSeconds(29));
        assertNotNull(sessions.find(login.token()));
        advanceSeconds(TimeUnit.MINUTES.toSeconds(1));
        assertNull(sessions.find(login.token()), "30 min without a tunnel: the cookie is dead");
    }

    @Test
    void shouldEndTheSessionAtTheSessionTimeoutCountedFromLoginAcrossReconnects() throws ConfigException
    {
        policy(" vpn-idle-timeout 30\n vpn-session-timeout 2");
        final SessionManager.Login login = login();
        connect(login.session());
        advanceSeconds(50);
        assertEquals(70, sessions.maxConnectLeftSeconds(login.session()));
        final EmbeddedChannel second = connect(sessions.find(login.token()));
        data(second, login.session());
        advanceSeconds(60);
        assertEquals(10, sessions.maxConnectLeftSeconds(login.session()), "a reconnect does not reset it");
        data(second, login.session());
        advanceSeconds(10);
        assertNull(sessions.find(login.token()), "two minutes after login, traffic or not");
        assertTrue(sentDisconnect(second));
    }

    @Test
    void shouldLookAtNoSessionBetweenItsTimersWhileItsClientIsAway() throws ConfigException
    {
        policy(" vpn-idle-timeout 30\n vpn-simultaneous-logins 100");
        final List<SessionManager.Login> logins = new ArrayList<>();
        for (int i = 0; i < 50; i++)
        {
            logins.add(login());
        }
        advanceSeconds(SessionManager.SWEEP_PERIOD_SECONDS);
        lookups = 0;
        advanceSeconds(TimeUnit.MINUTES.toSeconds(29));
        assertEquals(0, lookups, "348 sweeps, no timer due: no session looked at (a scan of all looked 17,400 times)");
        assertEquals(50, sessions.count());
        advanceSeconds(TimeUnit.MINUTES.toSeconds(1) + SessionManager.SWEEP_PERIOD_SECONDS);
        assertEquals(0, sessions.count(), "30 min without a tunnel: every session ended on time all the same");
        assertNull(sessions.find(logins.get(0).token()));
    }

    @Test
    void shouldSampleTheTrafficOfSessionsWithATunnelOnceAMinuteRatherThanAtEverySweep() throws ConfigException
    {
        policy(" vpn-idle-timeout 30\n vpn-simultaneous-logins 100");
        final List<EmbeddedChannel> tunnels = new ArrayList<>();
        final List<SessionManager.Login> logins = new ArrayList<>();
        for (int i = 0; i < 10; i++)
        {
            logins.add(login());
            tunnels.add(connect(logins.get(i).session()));
        }
        advanceSeconds(SessionManager.SWEEP_PERIOD_SECONDS);
        lookups = 0;
        advanceSeconds(TimeUnit.MINUTES.toSeconds(10));
        // a sample a minute (the store hears of activity that often), not one at each of the 120 sweeps
        assertTrue(lookups <= 10 * 11, lookups + " looks at 10 sessions in 10 minutes");
        data(tunnels.get(0), logins.get(0).session());
        advanceSeconds(TimeUnit.MINUTES.toSeconds(25));
        assertNotNull(sessions.find(logins.get(0).token()), "traffic 25 min ago: not idle for 30 yet");
        assertNull(sessions.find(logins.get(1).token()), "35 min without traffic: ended");
        advanceSeconds(TimeUnit.MINUTES.toSeconds(9));
        assertNull(sessions.find(logins.get(0).token()), "idle 34 min: ended (a minute of sampling slack)");
    }

    @Test
    void shouldReportNoSessionTimeoutWhenNoneIsSet() throws ConfigException
    {
        policy(" vpn-session-timeout none");
        assertEquals(-1, sessions.maxConnectLeftSeconds(login().session()));
    }

    @Test
    void shouldApplyAChangedIdleTimeoutToRunningSessions() throws ConfigException
    {
        policy(" vpn-idle-timeout 30");
        final SessionManager.Login login = login();
        connect(login.session());
        advanceSeconds(120);
        assertNotNull(sessions.find(login.token()));
        policy(" vpn-idle-timeout 1");
        advanceSeconds(SessionManager.SWEEP_PERIOD_SECONDS);
        assertNull(sessions.find(login.token()), "idle for two minutes, and the limit is now one");
    }

    @Test
    void shouldLogOffTheLongestIdleSessionWhenANewLoginExceedsTheLimit() throws ConfigException
    {
        policy(" vpn-simultaneous-logins 2");
        final SessionManager.Login first = login();
        final EmbeddedChannel firstTunnel = connect(first.session());
        advanceSeconds(10);
        final SessionManager.Login second = login();
        final EmbeddedChannel secondTunnel = connect(second.session());
        advanceSeconds(10);
        data(firstTunnel, first.session());
        advanceSeconds(10);
        final SessionManager.Login third = login();
        assertNull(sessions.find(second.token()), "the second login was idle the longest");
        assertTrue(sentDisconnect(secondTunnel));
        assertNotNull(sessions.find(first.token()), "the oldest login had traffic: it stays");
        assertNotNull(sessions.find(third.token()));
        assertFalse(sentDisconnect(firstTunnel));
        assertEquals(2, sessions.list().size());
    }

    @Test
    void shouldLogOffTheOldestWhenAllAreEquallyIdleAndOnlyOneLoginIsAllowed() throws ConfigException
    {
        policy(" vpn-simultaneous-logins 1");
        final SessionManager.Login first = login();
        advanceSeconds(10);
        final SessionManager.Login second = login();
        assertNull(sessions.find(first.token()));
        assertNotNull(sessions.find(second.token()));
        assertEquals(1, sessions.list().size());
    }

    @Test
    void shouldOpenNoSessionWhenSimultaneousLoginsIsZero() throws ConfigException
    {
        policy(" vpn-simultaneous-logins 0");
        assertNull(sessions.open("demo", GROUP, "GP", CLIENT));
        assertTrue(sessions.list().isEmpty());
    }

    @Test
    void shouldCountSimultaneousLoginsPerUser() throws ConfigException
    {
        policy(" vpn-simultaneous-logins 1");
        final SessionManager.Login demo = login();
        assertNotNull(sessions.open("bob", GROUP, "GP", CLIENT));
        assertNotNull(sessions.find(demo.token()), "another user's login does not log demo off");
    }
}
