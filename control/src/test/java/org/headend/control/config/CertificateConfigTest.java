package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code crypto ca trustpoint}, {@code authentication} and {@code username-from-certificate}, compiled and shown. */
class CertificateConfigTest
{
    private static final String TRUSTPOINT = """
        crypto ca trustpoint CLIENT-CA
         enrollment terminal
         ca-certificate disk0:/pki/client-ca.pem
         revocation-check crl
         crl file disk0:/pki/client-ca.crl
        """;

    @Test
    void shouldCompileATrustpointWithItsFilesAndRevocationCheck() throws ConfigException
    {
        final Trustpoint trustpoint = ConfigLanguageTest.compile(TRUSTPOINT).trustpoints().get("CLIENT-CA");
        assertTrue(trustpoint.enrollmentTerminal());
        assertEquals("disk0:/pki/client-ca.pem", trustpoint.caCertificate());
        assertEquals(Trustpoint.RevocationCheck.CRL, trustpoint.revocationCheck());
        assertEquals("disk0:/pki/client-ca.crl", trustpoint.crlFile());
        assertEquals(Trustpoint.RevocationCheck.CRL_OR_NONE, ConfigLanguageTest.compile(
            "crypto ca trustpoint T\n revocation-check crl none\n").trustpoints().get("T").revocationCheck());
        final Trustpoint bare = ConfigLanguageTest.compile("crypto ca trustpoint T\n").trustpoints().get("T");
        assertEquals(Trustpoint.RevocationCheck.NONE, bare.revocationCheck());
        assertNull(bare.caCertificate());
    }

    @Test
    void shouldShowTheTrustpointAsItWasTyped() throws ConfigException
    {
        final String shown = ConfigLanguageTest.render(TRUSTPOINT);
        assertTrue(shown.contains(TRUSTPOINT), shown);
    }

    @Test
    void shouldReadValidationUsageAsTheAsaWritesItClientsByDefault() throws ConfigException
    {
        final String text = "crypto ca trustpoint LDAPCA\n enrollment terminal\n validation-usage ssl-server\n"
            + "crypto ca trustpoint BOTH\n validation-usage ssl-client ssl-server\n"
            + "crypto ca trustpoint PLAIN\n enrollment terminal\n";
        final HeadendConfig config = ConfigLanguageTest.compile(text);
        final Trustpoint ldap = config.trustpoints().get("LDAPCA");
        assertTrue(ldap.validatesServers() && !ldap.validatesClients(), ldap.toString());
        final Trustpoint both = config.trustpoints().get("BOTH");
        assertTrue(both.validatesServers() && both.validatesClients(), both.toString());
        final Trustpoint plain = config.trustpoints().get("PLAIN");
        assertTrue(!plain.validatesServers() && plain.validatesClients(), plain.toString());
        final String shown = ConfigLanguageTest.render(text);
        assertTrue(shown.contains("\n validation-usage ssl-server\n") && shown.contains(
            "\n validation-usage ssl-client ssl-server\n"), shown);
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "crypto ca trustpoint X\n validation-usage ssl-server ssl-server\n"));
    }

    @Test
    void shouldReadTheAuthenticationOfATunnelGroupAndAskForCertificatesOnlyThen() throws ConfigException
    {
        final String groups = """
            tunnel-group CERT type remote-access
            tunnel-group CERT general-attributes
             username-from-certificate UPN cn
            tunnel-group CERT webvpn-attributes
             authentication certificate
            tunnel-group BOTH type remote-access
            tunnel-group BOTH webvpn-attributes
             authentication aaa certificate
            """;
        final HeadendConfig config = ConfigLanguageTest.compile(groups);
        final TunnelGroup cert = config.tunnelGroup("CERT").orElseThrow();
        assertEquals(TunnelAuthentication.CERTIFICATE, cert.authentication());
        assertEquals(new CertificateUsername(CertificateUsername.Attribute.UPN, CertificateUsername.Attribute.CN,
            false), cert.usernameFromCertificate());
        assertEquals(TunnelAuthentication.AAA_CERTIFICATE,
            config.tunnelGroup("BOTH").orElseThrow().authentication());
        assertEquals(TunnelAuthentication.AAA, config.defaultTunnelGroup().authentication());
        assertEquals(CertificateUsername.DEFAULT, config.defaultTunnelGroup().usernameFromCertificate());
        assertTrue(config.wantsClientCertificates());
        assertFalse(ConfigLanguageTest.compile("tunnel-group T type remote-access\n").wantsClientCertificates());
        final String shown = ConfigLanguageTest.render(groups);
        assertTrue(shown.contains(" username-from-certificate UPN CN\n"), shown);
        assertTrue(shown.contains(" authentication aaa certificate\n"), shown);
    }

    @Test
    void shouldLetUseEntireNameReplaceTheAttributes() throws ConfigException
    {
        final TunnelGroup group = ConfigLanguageTest.compile("""
            tunnel-group T type remote-access
            tunnel-group T general-attributes
             username-from-certificate EA
             username-from-certificate use-entire-name
            """).tunnelGroup("T").orElseThrow();
        assertTrue(group.usernameFromCertificate().entireName());
    }

    @Test
    void shouldRefuseUnknownAttributesFilesOffDisk0AndDoubledWords()
    {
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "tunnel-group T type remote-access\ntunnel-group T general-attributes\n username-from-certificate XX\n"));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "crypto ca trustpoint T\n ca-certificate tftp://10.0.0.1/ca.pem\n"));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "crypto ca trustpoint T\n crl file disk0:/../x.crl\n"));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "tunnel-group T type remote-access\ntunnel-group T webvpn-attributes\n authentication certificate certificate\n"));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "crypto ca trustpoint T\n revocation-check none none\n"));
    }
}
