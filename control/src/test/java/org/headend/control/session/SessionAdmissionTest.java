package org.headend.control.session;

import static org.headend.control.session.SessionBench.CLIENT;
import static org.headend.control.session.SessionBench.GROUP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import org.headend.control.config.ConfigException;
import org.headend.control.config.ConfigStore;
import org.headend.dataplane.api.TunnelListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who gets a session and which address: the session limit ({@code vpn-sessiondb
 * max-anyconnect-premium-or-essentials-limit}), which logs off the session whose client has been away longest and
 * refuses a login when every client is connected, and a local user's fixed address ({@code vpn-framed-ip-address}).
 */
class SessionAdmissionTest
{
    private static final String CONFIG = """
        ip local pool POOL 192.168.100.10-192.168.100.20 mask 255.255.255.0
        username demo password demo-secret
        username fixed password fixed-secret
        username fixed attributes
         vpn-framed-ip-address 192.168.101.7 255.255.255.0
        username inpool password inpool-secret
        username inpool attributes
         vpn-framed-ip-address 192.168.100.10 255.255.255.0
        tunnel-group DefaultWEBVPNGroup general-attributes
         address-pool POOL
        vpn-sessiondb max-anyconnect-premium-or-essentials-limit 3
        """;

    private SessionBench bench;
    private ConfigStore config;
    private AddressPools pools;
    private SessionManager sessions;

    @BeforeEach
    void setUp() throws ConfigException
    {
        bench = new SessionBench(() -> { });
        config = bench.config();
        pools = bench.pools();
        sessions = bench.sessions();
        bench.configure(CONFIG);
        sessions.sessionLimit(() -> config.current().globals().sessionLimit());
    }

    @AfterEach
    void tearDown()
    {
        bench.close();
    }

    private Session login(final String user)
    {
        final SessionManager.Login login = sessions.open(user, GROUP, "DfltGrpPolicy", CLIENT);
        return login == null ? null : login.session();
    }

    /** A tunnel up for the session the way the gateway brings it up; returns its id. */
    private int connect(final Session session)
    {
        return bench.connect(session).id();
    }

    private void lose(final Session session, final int tunnelId)
    {
        sessions.onTunnelClosed(session, tunnelId, TunnelListener.CloseCause.DPD_TIMEOUT, "no answer");
    }

    private void advanceSeconds(final long seconds)
    {
        bench.advanceSeconds(seconds);
    }

    @Test
    void shouldLogOffTheSessionAwayLongestWhenTheLimitIsReached()
    {
        final Session first = login("demo");
        final int firstTunnel = connect(first);
        final Session second = login("demo");
        final int secondTunnel = connect(second);
        final Session third = login("demo");
        connect(third);
        lose(second, secondTunnel);
        advanceSeconds(60);
        lose(first, firstTunnel);
        advanceSeconds(60);

        final Session fourth = login("fixed");
        assertNotNull(fourth, "a client away makes room for a new login");
        assertTrue(second.ended(), "the one away longest (120 s) goes");
        assertFalse(first.ended(), "away 60 s: kept while one logoff is enough");
        assertFalse(third.ended());
        assertEquals(3, sessions.list().size());
    }

    @Test
    void shouldRefuseALoginWhenEverySessionHasItsClientConnected()
    {
        for (int i = 0; i < 3; i++)
        {
            connect(login("demo"));
        }
        assertNull(login("fixed"));
        assertTrue(sessions.atCapacity());
        assertEquals(3, sessions.list().size(), "no connected client is logged off for a newcomer");
    }

    @Test
    void shouldAdmitWithoutLimitWhenNoneIsConfigured() throws ConfigException
    {
        config.replace(CONFIG.replace("vpn-sessiondb max-anyconnect-premium-or-essentials-limit 3\n", ""), "test");
        for (int i = 0; i < 5; i++)
        {
            assertNotNull(login("demo"));
        }
        assertFalse(sessions.atCapacity());
    }

    @Test
    void shouldGiveAUserHisFixedAddressOutsideThePoolAndRefuseItToASecondSession() throws Exception
    {
        final Session first = login("fixed");
        final int tunnel = connect(first);
        assertEquals(AddressPools.toInt((Inet4Address)InetAddress.getByName("192.168.101.7")),
            first.lease().address());
        assertEquals(AddressPools.toInt((Inet4Address)InetAddress.getByName("255.255.255.0")), first.lease().mask());
        assertEquals(0, pools.leased("POOL"));

        final Session second = login("fixed");
        assertNull(sessions.lease(second, List.of("POOL")), "the address is in use: no tunnel for the second");

        lose(first, tunnel);
        final int again = connect(first);
        assertEquals(AddressPools.toInt((Inet4Address)InetAddress.getByName("192.168.101.7")),
            first.lease().address(), "kept for the reconnect");
        sessions.end(first, "test");
        assertNotNull(sessions.lease(second, List.of("POOL")), "free again once the first session ends");
        assertTrue(again > tunnel);
    }

    @Test
    void shouldGiveTheFixedAddressToANewLoginOfTheUserWhoseEarlierClientIsAway() throws Exception
    {
        final Session first = login("fixed");
        final int tunnel = connect(first);
        lose(first, tunnel);

        final Session again = login("fixed");
        connect(again);
        assertEquals(AddressPools.toInt((Inet4Address)InetAddress.getByName("192.168.101.7")),
            again.lease().address(), "the user logged in again: the new login gets the address");
        assertTrue(first.ended(), "the earlier session, whose client was away, is over");

        final Session third = login("fixed");
        assertNull(sessions.lease(third, List.of("POOL")), "taken from a session without a tunnel only");
    }

    @Test
    void shouldKeepAFixedAddressInsideThePoolFromOtherUsers() throws Exception
    {
        connect(login("inpool"));
        final Session other = login("demo");
        connect(other);
        assertEquals(AddressPools.toInt((Inet4Address)InetAddress.getByName("192.168.100.11")),
            other.lease().address(), "the pool skips the address fixed to inpool");
    }
}
