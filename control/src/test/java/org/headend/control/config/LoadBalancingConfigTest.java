package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code vpn load-balancing}: parsed, printed back, compiled; no cluster without it. */
class LoadBalancingConfigTest
{
    private static final String CONFIG = """
        vpn load-balancing
         cluster ip address 192.0.2.100
         cluster key s3cretKey
         cluster etcd-endpoints http://192.0.2.11:2379 http://192.0.2.12:2379 http://192.0.2.13:2379
         priority 9
         nat 203.0.113.5
         participate
        """;

    @Test
    void shouldCompileTheMembersSettingsAndPrintThemBack() throws Exception
    {
        final LoadBalancing lb = ConfigLanguageTest.compile(CONFIG).globals().loadBalancing();
        assertTrue(lb.active());
        assertEquals(InetAddress.getByName("192.0.2.100"), lb.clusterAddress());
        assertEquals("s3cretKey", lb.clusterKey());
        assertEquals(9, lb.priority());
        assertEquals(InetAddress.getByName("203.0.113.5"), lb.nat());
        assertEquals(List.of(URI.create("http://192.0.2.11:2379"), URI.create("http://192.0.2.12:2379"),
            URI.create("http://192.0.2.13:2379")), lb.etcdEndpoints());
        final String shown = ConfigLanguageTest.render(CONFIG);
        assertTrue(shown.contains("vpn load-balancing\n cluster ip address 192.0.2.100\n"), shown);
        assertTrue(shown.contains(" priority 9\n"), shown);
        assertTrue(shown.contains(" participate\n"), shown);
        assertFalse(lb.toString().contains("s3cretKey"), "the key never reaches a log line");
    }

    @Test
    void shouldNameTheTrustpointForTlsToEtcdAndPrintItBack() throws Exception
    {
        final String tls = CONFIG.replace(" priority 9\n", " cluster etcd-trustpoint ETCD-CA\n priority 9\n")
            .replace("http://", "https://");
        final LoadBalancing lb = ConfigLanguageTest.compile(tls).globals().loadBalancing();
        assertEquals("ETCD-CA", lb.etcdTrustpoint());
        assertTrue(ConfigLanguageTest.render(tls).contains(" cluster etcd-trustpoint ETCD-CA\n"));
        assertEquals(null, ConfigLanguageTest.compile(CONFIG).globals().loadBalancing().etcdTrustpoint());
    }

    @Test
    void shouldNameTheEtcdUserAndKeepItsPasswordOutOfLogLines() throws Exception
    {
        final String auth = CONFIG.replace(" priority 9\n", " cluster etcd-user vpn-member password Etcd-Pw-42\n priority 9\n");
        final LoadBalancing lb = ConfigLanguageTest.compile(auth).globals().loadBalancing();
        assertEquals(new LoadBalancing.EtcdUser("vpn-member", "Etcd-Pw-42"), lb.etcdUser());
        assertTrue(ConfigLanguageTest.render(auth).contains(" cluster etcd-user vpn-member password Etcd-Pw-42\n"),
            "the saved configuration keeps it");
        assertFalse(lb.toString().contains("Etcd-Pw-42"), lb.toString());
        assertTrue(lb.toString().contains("vpn-member"), lb.toString());
        assertEquals(null, ConfigLanguageTest.compile(CONFIG).globals().loadBalancing().etcdUser());
        final ConfigException noPassword = assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "vpn load-balancing\n cluster etcd-user vpn-member\n"));
        assertEquals(2, noPassword.line(), noPassword.getMessage());
    }

    @Test
    void shouldRunAsASingleHeadendWithoutItOrWithoutParticipate() throws Exception
    {
        assertFalse(ConfigLanguageTest.compile("hostname h\n").globals().loadBalancing().active());
        assertFalse(ConfigLanguageTest.compile(CONFIG.replace(" participate\n", "")).globals().loadBalancing()
            .active());
    }

    @Test
    void shouldRefuseWhatIsNotAnEtcdClientUrlOnItsLine()
    {
        for (final String bad : new String[] {"ftp://192.0.2.11:2379", "http://192.0.2.11", "http://a:1/v3",
            "http://u:p@192.0.2.11:2379", "not-a-url"})
        {
            final ConfigException error = assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
                "vpn load-balancing\n cluster etcd-endpoints " + bad + "\n"), bad);
            assertEquals(2, error.line(), error.getMessage());
        }
    }
}
