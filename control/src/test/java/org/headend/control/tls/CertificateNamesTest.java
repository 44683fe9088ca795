package org.headend.control.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.security.cert.X509Certificate;
import org.headend.control.config.CertificateUsername;
import org.headend.control.config.CertificateUsername.Attribute;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The user name a client certificate gives under {@code username-from-certificate}. */
class CertificateNamesTest
{
    private static TestPki ca;

    @BeforeAll
    static void createCa() throws Exception
    {
        ca = TestPki.ca("Names CA");
    }

    @Test
    void shouldTakeTheCommonNameByDefault() throws Exception
    {
        final X509Certificate alice = ca.issue("CN=alice,OU=Staff,O=Example", null);
        assertEquals("alice", CertificateNames.username(alice, CertificateUsername.DEFAULT));
    }

    @Test
    void shouldTakeTheNamedAttributeAndTheSecondaryWhenThePrimaryIsMissing() throws Exception
    {
        final X509Certificate bob = ca.issue("CN=Bob Smith,E=bob@example.com,UID=bsmith,OU=Eng", null);
        assertEquals("bob@example.com", CertificateNames.username(bob, rule(Attribute.EA, null)));
        assertEquals("bsmith", CertificateNames.username(bob, rule(Attribute.UID, null)));
        assertEquals("Eng", CertificateNames.username(bob, rule(Attribute.OU, null)));
        assertEquals("Bob Smith", CertificateNames.username(bob, rule(Attribute.SN, Attribute.CN)));
        assertNull(CertificateNames.username(bob, rule(Attribute.SN, null)));
    }

    @Test
    void shouldTakeTheUpnFromTheSubjectAlternativeNames() throws Exception
    {
        final X509Certificate carol = ca.issue("CN=Carol", "carol@corp.example");
        assertEquals("carol@corp.example", CertificateNames.username(carol, rule(Attribute.UPN, Attribute.CN)));
        final X509Certificate noUpn = ca.issue("CN=dave", null);
        assertEquals("dave", CertificateNames.username(noUpn, rule(Attribute.UPN, Attribute.CN)));
    }

    @Test
    void shouldGiveTheWholeSubjectForUseEntireName() throws Exception
    {
        final X509Certificate erin = ca.issue("CN=erin,O=Example", null);
        // RFC 2253 prints the last RDN first: this one was encoded CN first
        assertEquals("O=Example,CN=erin",
            CertificateNames.username(erin, new CertificateUsername(Attribute.CN, null, true)));
    }

    @Test
    void shouldRefuseNamesWithControlCharactersOrTooLong() throws Exception
    {
        final X509Certificate control = ca.issue("CN=mallory\u0007\u001b[2J", null);
        assertNull(CertificateNames.username(control, CertificateUsername.DEFAULT));
        final X509Certificate blank = ca.issue("CN= ", null);
        assertNull(CertificateNames.username(blank, CertificateUsername.DEFAULT));
        final X509Certificate longName = ca.issue("CN=x,OU=" + "y".repeat(40), null);
        final String tooLong = "CN=x,OU=" + "y".repeat(40) + ",O=" + "z".repeat(CertificateNames.MAX_NAME);
        assertNull(CertificateNames.username(ca.issue(tooLong, null), new CertificateUsername(Attribute.CN, null,
            true)));
        assertEquals("x", CertificateNames.username(longName, CertificateUsername.DEFAULT));
    }

    private static CertificateUsername rule(final Attribute primary, final Attribute secondary)
    {
        return new CertificateUsername(primary, secondary, false);
    }
}
