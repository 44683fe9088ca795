package org.headend.control.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.headend.control.config.ConfigException;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.grammar.Ipv4;
import org.headend.control.http.ClientInfo;
import org.headend.dataplane.api.Dataplane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster member taking over a session of a member that died, when every member hands out the same pool: the
 * address the dead member's session had may be one this member once tried for a login of its own and was refused
 * by the cluster (kept out of its pool since). The takeover gives the address to the session it belongs to.
 */
class SessionTakeoverTest
{
    private static final ClientInfo CLIENT = new ClientInfo("192.0.2.150", 40000, 443,
        "Open AnyConnect VPN Agent v9.01-3", "TLSv1.3", "TLS_AES_128_GCM_SHA256");
    private static final String GROUP = "DefaultWEBVPNGroup";
    private static final String CONFIG = """
        ip local pool POOL 192.168.100.10-192.168.100.20 mask 255.255.255.0
        username bob password bob-secret
        username carol password carol-secret
        username dana password dana-secret
        username dana attributes
         vpn-framed-ip-address 192.168.101.7 255.255.255.0
        tunnel-group DefaultWEBVPNGroup general-attributes
         address-pool POOL
        """;

    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
    private final ConfigStore config = ConfigStore.embeddedDefault("unused-password");
    private final AddressPools pools = new AddressPools(Set.of(), Set.of());
    private Dataplane dataplane;
    private SessionManager member;

    @BeforeEach
    void setUp() throws ConfigException
    {
        config.replace(CONFIG, "test");
        pools.configure(config.current().pools());
        dataplane = Dataplane.start(List.of(), List.of(), ex -> { });
        member = new SessionManager(control, dataplane, pools, null,
            (group, user) -> config.current().effectivePolicy(group, user), System::nanoTime, Clock.systemUTC());
    }

    @AfterEach
    void tearDown()
    {
        dataplane.close();
        control.shutdownNow();
    }

    private Session login(final String user)
    {
        return member.open(user, GROUP, "DfltGrpPolicy", CLIENT).session();
    }

    /** The session another member wrote to the cluster: alice, on the address {@code address} of the pool. */
    private static SessionRecord elsewhere(final String address)
    {
        return elsewhere("alice", new AddressPools.Lease("POOL", (int)Ipv4.toLong(Ipv4.parse(address)), 0xFFFFFF00));
    }

    private static SessionRecord elsewhere(final String user, final AddressPools.Lease lease)
    {
        final Instant now = Instant.now();
        return new SessionRecord(7, "A11CE0000000000000000000000000000000000000000000000000000000000A", user, GROUP,
            "DfltGrpPolicy", now, now, null, lease, null, "192.0.2.151", "Open AnyConnect VPN Agent v9.01-3");
    }

    @Test
    void shouldTakeOverASessionOnAnAddressTheClusterOnceRefusedHere()
    {
        final Session bob = login("bob");
        assertEquals("192.168.100.10", Ipv4.format(member.lease(bob, List.of("POOL")).address()));
        // alice's session on the other member holds .10: the cluster refuses it to bob, who gets another
        member.addressTaken(bob, false);
        final AddressPools.Lease next = member.lease(bob, List.of("POOL"));
        assertNotEquals("192.168.100.10", Ipv4.format(next.address()));

        final Session alice = member.adopt(elsewhere("192.168.100.10"));

        assertNotNull(alice, "the session whose member died is taken over here");
        assertEquals("192.168.100.10", Ipv4.format(alice.lease().address()), "with the address it had");
    }

    /** A user's vpn-framed-ip-address is the same on every member: her session elsewhere holds it in the cluster. */
    @Test
    void shouldTakeOverASessionOnAFixedAddressTheClusterOnceRefusedHere()
    {
        final Session here = login("dana");
        final AddressPools.Lease fixed = member.lease(here, List.of("POOL"));
        assertEquals("192.168.101.7", Ipv4.format(fixed.address()));
        member.addressTaken(here, false);

        final Session taken = member.adopt(elsewhere("dana", fixed));

        assertNotNull(taken, "the session whose member died is taken over here");
        assertEquals(fixed, taken.lease(), "with the fixed address it had");
    }

    @Test
    void shouldTakeOverASessionOnAnAddressALoginHereLeasedButTheClusterNeverConfirmed()
    {
        final Session bob = login("bob");
        assertEquals("192.168.100.10", Ipv4.format(member.lease(bob, List.of("POOL")).address()));
        // every claim of bob's failed: his CONNECT got 503, and the cluster later gave .10 to alice elsewhere
        member.addressesUnconfirmed(bob);

        final Session alice = member.adopt(elsewhere("192.168.100.10"));

        assertNotNull(alice, "the session whose member died is taken over here");
        assertEquals("192.168.100.10", Ipv4.format(alice.lease().address()));
        assertNotEquals("192.168.100.10", Ipv4.format(member.lease(bob, List.of("POOL")).address()),
            "bob's next CONNECT leases another address");
    }

    @Test
    void shouldStillKeepAnAddressHeldElsewhereOutOfNewLogins()
    {
        final Session bob = login("bob");
        member.lease(bob, List.of("POOL"));
        member.addressTaken(bob, false);
        member.lease(bob, List.of("POOL"));

        final Session carol = login("carol");
        final AddressPools.Lease lease = member.lease(carol, List.of("POOL"));

        assertNotEquals("192.168.100.10", Ipv4.format(lease.address()),
            "an address another member's session holds is not handed out again here");
    }
}
