package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code aaa-server NAME protocol ldap}, its host lines and {@code ldap attribute-map}, compiled the ASA way. */
class LdapConfigTest
{
    static final String LDAP = """
        ldap attribute-map GROUPS
         map-name memberOf Group-Policy
         map-value memberOf cn=staff,ou=groups,dc=example,dc=com STAFF
         map-value memberOf "CN=VPN Admins,OU=Groups,DC=example,DC=com" ADMINS
        aaa-server DIR protocol ldap
         max-failed-attempts 2
        aaa-server DIR (inside) host 10.0.0.7
         server-port 1636
         ldap-base-dn ou=People,dc=example,dc=com
         ldap-scope subtree
         ldap-naming-attribute uid
         ldap-login-password s3rvice-pw
         ldap-login-dn cn=VPN Service,ou=services,dc=example,dc=com
         ldap-over-ssl enable
         ldap-trusted-ca disk0:/ldap-ca.pem
         server-type openldap
         ldap-attribute-map GROUPS
        aaa-server DIR (inside) host 10.0.0.8
         ldap-over-ssl starttls
         server-type microsoft
        """;

    @Test
    void shouldCompileAnLdapGroupWithItsHostLinesAndDefaults() throws ConfigException
    {
        final HeadendConfig config = ConfigLanguageTest.compile(LDAP);
        final AaaServerGroup group = config.aaaServer("DIR").orElseThrow();
        assertTrue(group.isLdap());
        final LdapHostSettings first = group.hosts().get(0).ldap();
        assertEquals(1636, first.effectivePort());
        assertEquals("ou=People,dc=example,dc=com", first.baseDn());
        assertTrue(first.subtree());
        assertEquals("uid", first.effectiveNamingAttribute());
        assertEquals("cn=VPN Service,ou=services,dc=example,dc=com", first.loginDn());
        assertEquals("s3rvice-pw", first.loginPassword());
        assertEquals(LdapHostSettings.Transport.LDAPS, first.transport());
        assertEquals("disk0:/ldap-ca.pem", first.trustedCaFile());
        assertEquals(LdapHostSettings.ServerType.OPENLDAP, first.serverType());
        assertEquals("GROUPS", first.attributeMap());
        final LdapHostSettings second = group.hosts().get(1).ldap();
        assertEquals(389, second.effectivePort(), "StartTLS starts on the plain LDAP port");
        assertFalse(second.subtree(), "onelevel is the ASA's default scope");
        assertEquals("sAMAccountName", second.effectiveNamingAttribute(), "the AD default naming attribute");
        assertNull(second.loginDn());
    }

    @Test
    void shouldCompileTheAttributeMapInOrderWithQuotedValues() throws ConfigException
    {
        final LdapAttributeMap map = ConfigLanguageTest.compile(LDAP).ldapAttributeMaps().get("GROUPS");
        assertEquals(LdapAttributeMap.Target.GROUP_POLICY, map.names().get("memberof"));
        assertEquals(List.of(
            new LdapAttributeMap.ValueMapping("memberof", "cn=staff,ou=groups,dc=example,dc=com", "STAFF"),
            new LdapAttributeMap.ValueMapping("memberof", "CN=VPN Admins,OU=Groups,DC=example,DC=com", "ADMINS")),
            map.values());
    }

    @Test
    void shouldPrintTheLinesBackSoTheyLoadAgain() throws ConfigException
    {
        final String shown = ConfigLanguageTest.render(LDAP);
        assertTrue(shown.contains(" map-value memberOf \"CN=VPN Admins,OU=Groups,DC=example,DC=com\" ADMINS\n"),
            shown);
        assertTrue(shown.indexOf("ldap attribute-map GROUPS") < shown.indexOf("aaa-server DIR protocol ldap"),
            "the map prints before the servers that use it\n" + shown);
        assertEquals(shown, ConfigLanguageTest.render(shown));
    }

    @Test
    void shouldMaskTheServiceAccountPasswordInShowRunningConfig() throws ConfigException
    {
        final String shown = org.headend.control.cli.AaaServerCommandsAccess.mask(ConfigLanguageTest.render(LDAP));
        assertTrue(shown.contains(" ldap-login-password *****\n"), shown);
        assertFalse(shown.contains("s3rvice-pw"), shown);
    }

    @Test
    void shouldLetATunnelGroupTakeItsUsersGroupPolicyFromAnLdapGroup() throws ConfigException
    {
        final HeadendConfig config = ConfigLanguageTest.compile(LDAP + """
            tunnel-group T type remote-access
            tunnel-group T general-attributes
             authorization-server-group DIR
            """);
        assertEquals("DIR", config.tunnelGroup("T").orElseThrow().authorizationServerGroup());
        assertNull(config.defaultTunnelGroup().authorizationServerGroup());
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "tunnel-group T type remote-access\ntunnel-group T general-attributes\n authorization-server-group LOCAL\n"));
    }

    @Test
    void shouldRefuseLdapLinesInRadiusHostsBadDnsAndUnknownMaps()
    {
        final ConfigException radius = assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "aaa-server R protocol radius\naaa-server R (inside) host 10.0.0.5\n ldap-base-dn dc=example\n"));
        assertTrue(radius.reason().contains("protocol ldap"), radius.getMessage());
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "aaa-server L protocol ldap\naaa-server L (inside) host 10.0.0.5\n ldap-base-dn not a dn\n"));
        final ConfigException map = assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "aaa-server L protocol ldap\naaa-server L (inside) host 10.0.0.5\n ldap-attribute-map NOPE\n"));
        assertTrue(map.reason().contains("does not exist"), map.getMessage());
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "ldap attribute-map M\n map-name memberOf Banner\n"));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "ldap attribute-map M\n map-value memberOf cn=staff,dc=example\n"));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "ldap attribute-map M\n map-value memberOf \"cn=staff STAFF\n"));
    }
}
