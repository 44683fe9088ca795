package org.headend.control.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.headend.control.config.AclAddress;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.HeadendConfig;
import org.headend.control.http.ClientInfo;
import org.headend.control.session.AddressPools;
import org.headend.control.session.SessionManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What an IKEv2 client is told to tunnel under each split-tunnel-policy (TSr and INTERNAL_IP4_SUBNET). */
class IpsecAccessTest
{
    private static final ClientInfo CLIENT = new ClientInfo("10.77.0.2", 4500, 4500, "", "IKEv2", "");
    private static final AddressPools.Lease LEASE = new AddressPools.Lease("POOL", 0xC0A8_640A, 0xFFFF_FF00);

    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void tearDown()
    {
        control.shutdownNow();
    }

    private List<String> told(final String policy) throws Exception
    {
        final ConfigStore store = ConfigStore.embeddedDefault("unused-password");
        store.replace("""
            access-list SPLIT standard permit 192.168.1.0 255.255.255.0
            access-list SPLIT standard permit 10.20.0.0 255.255.0.0
            group-policy DfltGrpPolicy attributes
             vpn-tunnel-protocol ikev2
            POLICY
            """.replace("POLICY", policy), "test");
        final HeadendConfig config = store.current();
        final SessionManager sessions = new SessionManager(control, null, new AddressPools(Set.of(), Set.of()), null,
            config::effectivePolicy, System::nanoTime, Clock.systemUTC());
        final SessionManager.Login login = sessions.open("demo", "DefaultRAGroup", "DfltGrpPolicy", CLIENT);
        assertNotNull(login);
        final IpsecAccess access = IpsecAccess.of(config, config.effectivePolicy("DefaultRAGroup", "demo"),
            login.session(), LEASE);
        return access.ipv4Includes().stream().map(IpsecAccessTest::text).toList();
    }

    private static String text(final AclAddress block)
    {
        return block.network().getHostAddress() + "/" + block.prefixLength();
    }

    @Test
    void shouldTellTheIncludeListUnderTunnelspecified() throws Exception
    {
        assertEquals(List.of("192.168.1.0/24", "10.20.0.0/16"), told("""
             split-tunnel-policy tunnelspecified
             split-tunnel-network-list value SPLIT"""));
    }

    @Test
    void shouldTellEverythingButTheExcludedNetworksUnderExcludespecified() throws Exception
    {
        final List<String> blocks = told("""
             split-tunnel-policy excludespecified
             split-tunnel-network-list value SPLIT""");
        assertEquals(15 + 23, blocks.size(), "a block per level below each half's excluded network: " + blocks);
        assertTrue(blocks.contains("192.168.0.0/24") && blocks.contains("10.21.0.0/16")
            && blocks.contains("128.0.0.0/2"), blocks.toString());
        assertTrue(blocks.stream().noneMatch(b -> b.startsWith("192.168.1.") || b.startsWith("10.20.")),
            "the excluded networks are not told: " + blocks);
    }

    @Test
    void shouldTellNothingUnderTunnelall() throws Exception
    {
        assertEquals(List.of(), told(" split-tunnel-policy tunnelall"), "the client's own TSr stands");
    }
}
