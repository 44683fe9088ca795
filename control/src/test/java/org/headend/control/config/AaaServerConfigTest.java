package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code aaa-server} groups and hosts, and the lines that name them, compiled the ASA way. */
class AaaServerConfigTest
{
    private static final String GROUPS = """
        aaa-server RAD protocol radius
         max-failed-attempts 2
         reactivation-mode depletion deadtime 5
        aaa-server RAD (inside) host 10.0.0.5
         key s3cret
         authentication-port 1812
         accounting-port 1813
         timeout 5
         retry-interval 2
        aaa-server RAD (inside) host 10.0.0.6
         key other
        """;

    @Test
    void shouldCompileAGroupWithItsHostsInOrder() throws ConfigException
    {
        final HeadendConfig config = ConfigLanguageTest.compile(GROUPS);
        final AaaServerGroup group = config.aaaServer("RAD").orElseThrow();
        assertEquals(2, group.maxFailedAttempts());
        assertEquals(5, group.deadtimeMinutes());
        assertFalse(group.timedReactivation());
        assertEquals(2, group.hosts().size());
        final AaaServerHost first = group.hosts().get(0);
        assertEquals("10.0.0.5", first.address().getHostAddress());
        assertEquals("inside", first.nameif());
        assertEquals("s3cret", first.key());
        assertEquals(1812, first.authenticationPort());
        assertEquals(1813, first.accountingPort());
        assertEquals(5, first.timeoutSeconds());
        assertEquals(2, first.retryIntervalSeconds());
        final AaaServerHost second = group.hosts().get(1);
        assertEquals(AaaServerHost.DEFAULT_AUTHENTICATION_PORT, second.authenticationPort());
        assertEquals(AaaServerHost.DEFAULT_TIMEOUT_SECONDS, second.timeoutSeconds());
    }

    @Test
    void shouldLetTunnelGroupsAndSshNameTheGroupWithALocalFallback() throws ConfigException
    {
        final HeadendConfig config = ConfigLanguageTest.compile(GROUPS + """
            tunnel-group T type remote-access
            tunnel-group T general-attributes
             authentication-server-group RAD LOCAL
             accounting-server-group RAD
            aaa authentication ssh console RAD LOCAL
            """);
        final TunnelGroup group = config.tunnelGroup("T").orElseThrow();
        assertEquals("RAD", group.authenticationServerGroup());
        assertTrue(group.authenticationFallbackLocal());
        assertEquals("RAD", group.accountingServerGroup());
        assertEquals(AaaServerGroup.LOCAL, config.defaultTunnelGroup().authenticationServerGroup());
        assertEquals("RAD", config.management().sshAuthServerGroup());
        assertTrue(config.management().sshAuthFallbackLocal());
    }

    @Test
    void shouldRefuseGroupsThatDoNotExistAndHostsWithoutAGroup()
    {
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile("""
            tunnel-group T type remote-access
            tunnel-group T general-attributes
             authentication-server-group NOPE
            """));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "aaa-server NOPE (inside) host 10.0.0.5\n key k\n"));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "aaa-server LOCAL protocol radius\n"));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "aaa-server R protocol radius\naaa-server R (inside) host 10.0.0.5\n retry-interval 11\n"));
    }
}
