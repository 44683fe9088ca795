package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code webvpn} → {@code saml idp} and the tunnel-group's {@code saml identity-provider} / authentication saml. */
class SamlConfigTest
{
    private static final String CONFIG = """
        ldap attribute-map SAMLGROUPS
         map-name groups Group-Policy
        webvpn
         saml idp https://idp.example.com/saml/metadata
          url sign-in https://idp.example.com/sso?app=vpn
          url sign-out https://idp.example.com/logout
          base-url https://vpn.example.com
          trustpoint idp IDP-TP
          timeout assertion 900
          username-attribute uid
          attribute-map SAMLGROUPS
        tunnel-group SSO type remote-access
        tunnel-group SSO webvpn-attributes
         saml identity-provider https://idp.example.com/saml/metadata
         authentication saml
        """;

    @Test
    void shouldCompileTheIdpAndTheTunnelGroupThatUsesIt() throws Exception
    {
        final HeadendConfig cfg = ConfigLanguageTest.compile(CONFIG);
        final SamlIdp idp = cfg.samlIdps().get("https://idp.example.com/saml/metadata");
        assertEquals("https://idp.example.com/sso?app=vpn", idp.signInUrl());
        assertEquals("https://idp.example.com/logout", idp.signOutUrl());
        assertEquals("IDP-TP", idp.idpTrustpoint());
        assertEquals(Duration.ofSeconds(900), idp.assertionTimeout());
        assertEquals("uid", idp.usernameAttribute());
        assertEquals("SAMLGROUPS", idp.attributeMap());
        assertEquals("https://vpn.example.com/saml/sp/metadata/SSO", idp.spEntityId("SSO"));
        assertEquals("https://vpn.example.com/+CSCOE+/saml/sp/acs?tgname=SSO", idp.acsUrl("SSO"));
        final TunnelGroup group = cfg.tunnelGroup("SSO").orElseThrow();
        assertEquals(TunnelAuthentication.SAML, group.authentication());
        assertEquals("https://idp.example.com/saml/metadata", group.samlIdentityProvider());
        assertNull(cfg.defaultTunnelGroup().samlIdentityProvider());
    }

    @Test
    void shouldPrintTheBlockBackAsWritten() throws Exception
    {
        final String shown = ConfigLanguageTest.render(CONFIG);
        assertTrue(shown.contains("""
            webvpn
            """), shown);
        assertTrue(shown.contains("""
             saml idp https://idp.example.com/saml/metadata
              url sign-in https://idp.example.com/sso?app=vpn
              url sign-out https://idp.example.com/logout
              base-url https://vpn.example.com
              trustpoint idp IDP-TP
              timeout assertion 900
              username-attribute uid
              attribute-map SAMLGROUPS
            """), shown);
        assertTrue(shown.contains(" saml identity-provider https://idp.example.com/saml/metadata\n"), shown);
        assertTrue(shown.contains(" authentication saml\n"), shown);
        assertEquals(ConfigLanguageTest.compile(CONFIG), ConfigLanguageTest.compile(shown));
    }

    @Test
    void shouldTakeUriAttributeNamesAndTheSpTrustpoint() throws Exception
    {
        final String config = """
            ldap attribute-map CLAIMS
             map-name http://schemas.microsoft.com/ws/2008/06/identity/claims/groups Group-Policy
             map-value http://schemas.microsoft.com/ws/2008/06/identity/claims/groups 5a1c-staff STAFF
            webvpn
             saml idp https://sts.example.net/tenant/
              trustpoint sp SP-TP
              username-attribute urn:oid:0.9.2342.19200300.100.1.1
              attribute-map CLAIMS
            """;
        final HeadendConfig cfg = ConfigLanguageTest.compile(config);
        final SamlIdp idp = cfg.samlIdps().get("https://sts.example.net/tenant/");
        assertEquals("SP-TP", idp.spTrustpoint());
        assertEquals("urn:oid:0.9.2342.19200300.100.1.1", idp.usernameAttribute());
        assertTrue(cfg.ldapAttributeMaps().get("CLAIMS").names()
            .containsKey("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"));
        final String shown = ConfigLanguageTest.render(config);
        assertTrue(shown.contains("  trustpoint sp SP-TP\n") && shown.contains(
            "  username-attribute urn:oid:0.9.2342.19200300.100.1.1\n"), shown);
        assertEquals(cfg, ConfigLanguageTest.compile(shown));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile("""
            webvpn
             saml idp https://idp.example.com/saml
              username-attribute ftp://idp.example.com/uid
            """), "a URI name is urn: or http(s)://");
    }

    @Test
    void shouldRefuseBadValues()
    {
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile("""
            webvpn
             saml idp https://idp.example.com/saml
              url sign-in ftp://idp.example.com/sso
            """));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile("""
            webvpn
             saml idp https://idp.example.com/saml
              base-url https://vpn.example.com/
            """), "no trailing slash: the paths are appended to it");
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile("""
            webvpn
             saml idp https://idp.example.com/saml
              attribute-map NOSUCHMAP
            """));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile("""
            tunnel-group SSO type remote-access
            tunnel-group SSO webvpn-attributes
             authentication saml certificate
            """));
    }
}
