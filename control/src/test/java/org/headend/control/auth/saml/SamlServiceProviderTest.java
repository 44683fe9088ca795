package org.headend.control.auth.saml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Inflater;
import org.headend.control.config.ConfigStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service provider against responses signed in the test by a test IdP key: the right one is accepted, with the
 * user and the mapped group-policy; each way of forging, bending or reusing one is refused.
 */
class SamlServiceProviderTest
{
    private static final String ACS = "https://vpn.test/+CSCOE+/saml/sp/acs?tgname=SSO";
    private static final String AUDIENCE = "https://vpn.test/saml/sp/metadata/SSO";
    private static final String CONFIG = """
        crypto ca trustpoint IDP
         enrollment terminal
         ca-certificate disk0:/idp.pem
        ldap attribute-map SAMLGROUPS
         map-name groups Group-Policy
         map-value groups vpn-staff STAFF
        group-policy STAFF internal
        webvpn
         saml idp https://idp.test/saml
          url sign-in https://idp.test/sso?x=1
          base-url https://vpn.test
          trustpoint idp IDP
          timeout assertion 600
          attribute-map SAMLGROUPS
        tunnel-group SSO type remote-access
        tunnel-group SSO webvpn-attributes
         saml identity-provider https://idp.test/saml
         authentication saml
        """;

    private static TestIdp idp;
    private static TestIdp otherIdp;

    @TempDir
    Path disk0;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private SamlServiceProvider<String> sp;
    private ConfigStore config;
    private static TestIdp spKey;

    @BeforeEach
    void setUp() throws Exception
    {
        if (idp == null)
        {
            idp = TestIdp.create("idp.test");
            otherIdp = TestIdp.create("idp.test");
        }
        Files.writeString(disk0.resolve("idp.pem"), pem(idp));
        config = ConfigStore.embeddedDefault("pw");
        config.merge(CONFIG.getBytes(StandardCharsets.UTF_8), "test");
        sp = new SamlServiceProvider<>(config::current, path -> disk0.resolve(path.substring("disk0:/".length())),
            clock);
    }

    private static String pem(final TestIdp which) throws Exception
    {
        return "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(which.certificate.getEncoded())
            + "\n-----END CERTIFICATE-----\n";
    }

    /** A request sent by the SP: its ID and RelayState as read back from the redirect URL. */
    private record Sent(String id, String relayState, String url)
    {
    }

    private Sent start() throws Exception
    {
        final String url = sp.start("SSO", "login-1");
        final Map<String, String> query = query(url);
        final Inflater inflater = new Inflater(true);
        inflater.setInput(Base64.getDecoder().decode(query.get("SAMLRequest")));
        final ByteArrayOutputStream xml = new ByteArrayOutputStream();
        final byte[] chunk = new byte[512];
        while (!inflater.finished())
        {
            xml.write(chunk, 0, inflater.inflate(chunk));
        }
        final String request = xml.toString(StandardCharsets.UTF_8);
        final Matcher id = Pattern.compile(" ID=\"([^\"]+)\"").matcher(request);
        assertTrue(id.find(), request);
        assertTrue(request.contains("AssertionConsumerServiceURL=\"" + ACS.replace("&", "&amp;") + "\""), request);
        assertTrue(request.contains("<saml:Issuer>" + AUDIENCE + "</saml:Issuer>"), request);
        return new Sent(id.group(1), query.get("RelayState"), url);
    }

    private static Map<String, String> query(final String url)
    {
        final Map<String, String> values = new HashMap<>();
        for (final String pair : URI.create(url).getRawQuery().split("&"))
        {
            final int eq = pair.indexOf('=');
            values.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    private TestIdp.Response valid(final Sent sent)
    {
        return TestIdp.Response.valid(sent.id(), AUDIENCE, ACS, clock.instant());
    }

    private SamlServiceProvider.Result<String> consume(final String xml, final Sent sent) throws SamlException
    {
        return sp.consume(TestIdp.form(xml), sent.relayState());
    }

    private void assertRefused(final String xml, final Sent sent, final String reason)
    {
        final SamlException refusal = assertThrows(SamlException.class, () -> consume(xml, sent));
        assertTrue(refusal.getMessage().contains(reason), () -> "expected '" + reason + "', got: "
            + refusal.getMessage());
    }

    private String signedWith(final UnaryOperator<TestIdp.Response> change, final Sent sent) throws Exception
    {
        return idp.signAssertion(TestIdp.xml(change.apply(valid(sent))));
    }

    @Test
    void shouldSendTheAuthnRequestToTheSignInUrlAndAcceptTheSignedAnswerWithUserAndMappedGroupPolicy()
        throws Exception
    {
        final Sent sent = start();
        assertTrue(sent.url().startsWith("https://idp.test/sso?x=1&SAMLRequest="), sent.url());
        final SamlServiceProvider.Result<String> result = consume(signedWith(r -> r, sent), sent);
        assertEquals("alice", result.username());
        assertEquals("STAFF", result.groupPolicy(), "groups vpn-staff maps to STAFF");
        assertEquals("SSO", result.tunnelGroup());
        assertEquals("login-1", result.owner());
        assertEquals(0, sp.pending(), "the request is answered");
    }

    /** Gives the IdP's configuration {@code trustpoint sp SP}: our certificate and key in disk0:/sp.pem. */
    private void withSpKey() throws Exception
    {
        if (spKey == null)
        {
            spKey = TestIdp.create("vpn.test");
        }
        Files.writeString(disk0.resolve("sp.pem"), pem(spKey) + "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(spKey.keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        config.merge(("crypto ca trustpoint SP\n identity-certificate disk0:/sp.pem\nwebvpn\n"
            + " saml idp https://idp.test/saml\n  trustpoint sp SP\n").getBytes(StandardCharsets.UTF_8), "test");
    }

    @Test
    void shouldSignTheAuthnRequestWithTheSpKeyOverTheQueryAsSent() throws Exception
    {
        assertNull(query(start().url()).get("Signature"), "no trustpoint sp: unsigned");
        withSpKey();
        final String url = start().url();
        final String raw = URI.create(url).getRawQuery();
        final Map<String, String> query = query(url);
        assertEquals("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", query.get("SigAlg"));
        final String signedPart = raw.substring(raw.indexOf("SAMLRequest="), raw.indexOf("&Signature="));
        assertTrue(signedPart.matches("SAMLRequest=[^&]+&RelayState=[^&]+&SigAlg=[^&]+"), signedPart);
        final java.security.Signature check = java.security.Signature.getInstance("SHA256withRSA");
        check.initVerify(spKey.certificate);
        check.update(signedPart.getBytes(StandardCharsets.US_ASCII));
        assertTrue(check.verify(Base64.getDecoder().decode(query.get("Signature"))), "the IdP can check it");
    }

    @Test
    void shouldDecryptAnEncryptedAssertionWithTheSpKeyAndCheckItAsAPlainOne() throws Exception
    {
        withSpKey();
        for (final String[] algorithms : new String[][] {{"aes128-gcm", "rsa-oaep-mgf1p"},
            {"aes256-cbc", "rsa-oaep-mgf1p"}})
        {
            final Sent sent = start();
            final String encrypted = TestIdp.encryptAssertion(signedWith(r -> r, sent),
                spKey.certificate.getPublicKey(), algorithms[0], algorithms[1]);
            assertTrue(encrypted.contains("EncryptedAssertion") && !encrypted.contains(">alice<"), encrypted);
            final SamlServiceProvider.Result<String> result = consume(idp.signResponse(encrypted), sent);
            assertEquals("alice", result.username(), algorithms[0]);
            assertEquals("STAFF", result.groupPolicy());
        }
    }

    @Test
    void shouldRefuseEncryptedAssertionsThatAreForgedOrCannotBeTrusted() throws Exception
    {
        Sent sent = start();
        final String forUs = TestIdp.encryptAssertion(signedWith(r -> r, sent), idp.keys.getPublic(), "aes128-gcm",
            "rsa-oaep-mgf1p");
        assertRefused(forUs, sent, "no trustpoint sp");
        withSpKey();
        final java.security.PublicKey ours = spKey.certificate.getPublicKey();
        sent = start();
        assertRefused(TestIdp.encryptAssertion(signedWith(r -> r, sent), idp.keys.getPublic(), "aes128-gcm",
            "rsa-oaep-mgf1p"), sent, "cannot be decrypted");
        assertRefused(TestIdp.encryptAssertion(signedWith(r -> r, sent), ours, "aes128-gcm", "rsa-1_5"), sent,
            "RSA-OAEP only");
        // anyone holding our certificate can encrypt: an unsigned assertion inside is refused, even in a signed
        // Response (that signature covers the ciphertext, not what is read)
        final String unsigned = TestIdp.encryptAssertion(TestIdp.xml(valid(sent).withNameId("admin")), ours,
            "aes128-gcm", "rsa-oaep-mgf1p");
        assertRefused(unsigned, sent, "not signed");
        final String good = TestIdp.encryptAssertion(signedWith(r -> r, sent), ours, "aes128-gcm", "rsa-oaep-mgf1p");
        final Matcher cipher = Pattern.compile("(?s).*<xenc:CipherValue>([^<]+)</xenc:CipherValue>.*").matcher(good);
        assertTrue(cipher.matches());
        final byte[] bytes = Base64.getDecoder().decode(cipher.group(1));
        bytes[20] ^= 1;
        assertRefused(good.replace(cipher.group(1), Base64.getEncoder().encodeToString(bytes)), sent,
            "cannot be decrypted");
        final String signedResponse = idp.signResponse(good);
        assertRefused(signedResponse.replace("Destination=\"", "Destination=\"x"), sent, "does not verify");
        // a plain forged assertion beside the encrypted one
        final String forged = TestIdp.xml(valid(sent).withNameId("admin"));
        final String evil = forged.substring(forged.indexOf("<saml:Assertion"), forged.indexOf("</samlp:Response>"));
        assertRefused(good.replace("<saml:EncryptedAssertion", evil + "<saml:EncryptedAssertion"), sent,
            "not exactly one");
        assertEquals("alice", consume(good, sent).username(), "the request is still open for the real answer");
    }

    @Test
    void shouldReadTheUserAndGroupFromUriNamedAttributes() throws Exception
    {
        final String groups = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups";
        config.merge(("ldap attribute-map CLAIMS\n map-name " + groups + " Group-Policy\n map-value " + groups
            + " 5a1c-staff STAFF\nwebvpn\n saml idp https://idp.test/saml\n"
            + "  username-attribute urn:oid:0.9.2342.19200300.100.1.1\n  attribute-map CLAIMS\n")
            .getBytes(StandardCharsets.UTF_8), "test");
        final Sent sent = start();
        final SamlServiceProvider.Result<String> result = consume(signedWith(r -> r.withAttributes(Map.of(
            "urn:oid:0.9.2342.19200300.100.1.1", List.of("carol"), groups, List.of("everyone", "5a1c-staff"))),
            sent), sent);
        assertEquals("carol", result.username());
        assertEquals("STAFF", result.groupPolicy());
    }

    @Test
    void shouldTakeTheIdpsSignedLogoutRequestOnceAndAnswerIt() throws Exception
    {
        config.merge("webvpn\n saml idp https://idp.test/saml\n  url sign-out https://idp.test/slo\n"
            .getBytes(StandardCharsets.UTF_8), "test");
        final Sent sent = start();
        consume(signedWith(r -> r, sent), sent);
        final String slo = "https://vpn.test/+CSCOE+/saml/sp/logout?tgname=SSO";
        final String id = AuthnRequests.newId();
        final String request = TestIdp.logoutRequest(id, "alice", slo, clock.instant());
        final SamlException unsigned = assertThrows(SamlException.class,
            () -> sp.logout("SSO", "tgname=SSO&" + idp.redirectQuery("SAMLRequest", request, false)));
        assertTrue(unsigned.getMessage().contains("not signed"), unsigned.getMessage());
        final SamlException forged = assertThrows(SamlException.class,
            () -> sp.logout("SSO", "tgname=SSO&" + otherIdp.redirectQuery("SAMLRequest", request, true)));
        assertTrue(forged.getMessage().contains("does not verify"), forged.getMessage());
        final String elsewhere = TestIdp.logoutRequest(AuthnRequests.newId(), "alice", "https://evil.test/slo",
            clock.instant());
        assertThrows(SamlException.class,
            () -> sp.logout("SSO", "tgname=SSO&" + idp.redirectQuery("SAMLRequest", elsewhere, true)));

        final SamlServiceProvider.Logout logout = sp.logout("SSO", "tgname=SSO&"
            + idp.redirectQuery("SAMLRequest", request, true));
        assertTrue(logout.request());
        assertEquals("alice", logout.username());
        assertTrue(logout.answer().startsWith("https://idp.test/slo?SAMLResponse="), logout.answer());
        final SamlException replay = assertThrows(SamlException.class,
            () -> sp.logout("SSO", "tgname=SSO&" + idp.redirectQuery("SAMLRequest", request, true)));
        assertTrue(replay.getMessage().contains("replay"), replay.getMessage());
    }

    @Test
    void shouldSendOurLogoutRequestAndTakeOnlyItsAnswer() throws Exception
    {
        assertNull(sp.logoutRequest("SSO", "alice"), "no url sign-out: no single logout");
        config.merge("webvpn\n saml idp https://idp.test/saml\n  url sign-out https://idp.test/slo\n"
            .getBytes(StandardCharsets.UTF_8), "test");
        final String url = sp.logoutRequest("SSO", "alice");
        assertTrue(url.startsWith("https://idp.test/slo?SAMLRequest="), url);
        final Inflater inflater = new Inflater(true);
        inflater.setInput(Base64.getDecoder().decode(query(url).get("SAMLRequest")));
        final byte[] xml = new byte[4096];
        final String request = new String(xml, 0, inflater.inflate(xml), StandardCharsets.UTF_8);
        assertTrue(request.contains("<saml:NameID>alice</saml:NameID>") && request.contains(AUDIENCE), request);
        final Matcher id = Pattern.compile(" ID=\"([^\"]+)\"").matcher(request);
        assertTrue(id.find());
        final String other = TestIdp.logoutResponse(AuthnRequests.newId(), LogoutMessages.SUCCESS, clock.instant());
        assertThrows(SamlException.class,
            () -> sp.logout("SSO", "tgname=SSO&" + idp.redirectQuery("SAMLResponse", other, true)));
        final String answer = TestIdp.logoutResponse(id.group(1), LogoutMessages.SUCCESS, clock.instant());
        final SamlServiceProvider.Logout done = sp.logout("SSO", "tgname=SSO&"
            + idp.redirectQuery("SAMLResponse", answer, true));
        assertTrue(!done.request() && done.answer() == null);
        assertThrows(SamlException.class,
            () -> sp.logout("SSO", "tgname=SSO&" + idp.redirectQuery("SAMLResponse", answer, true)), "once");
    }

    @Test
    void shouldAcceptAResponseSignedAsAWhole() throws Exception
    {
        final Sent sent = start();
        assertEquals("alice", consume(idp.signResponse(TestIdp.xml(valid(sent))), sent).username());
    }

    @Test
    void shouldRefuseATamperedNameId() throws Exception
    {
        final Sent sent = start();
        final String signed = signedWith(r -> r, sent);
        assertRefused(signed.replace(">alice<", ">admin<"), sent, "does not verify");
    }

    @Test
    void shouldRefuseAResponseReSignedWithAnotherKey() throws Exception
    {
        final Sent sent = start();
        assertRefused(otherIdp.signAssertion(TestIdp.xml(valid(sent).withNameId("admin"))), sent, "does not verify");
    }

    @Test
    void shouldRefuseAnUnsignedResponse() throws Exception
    {
        final Sent sent = start();
        assertRefused(TestIdp.xml(valid(sent)), sent, "not signed");
    }

    @Test
    void shouldRefuseASecondForgedAssertionBesideTheSignedOne() throws Exception
    {
        final Sent sent = start();
        final String signed = signedWith(r -> r, sent);
        final String forged = TestIdp.xml(valid(sent).withNameId("admin"));
        final String evil = forged.substring(forged.indexOf("<saml:Assertion"), forged.indexOf("</samlp:Response>"));
        // the forged assertion first (read by a naive consumer), the signed one after it
        assertRefused(signed.replace("<saml:Assertion", evil + "<saml:Assertion"), sent, "not exactly one");
    }

    @Test
    void shouldRefuseTheSignedAssertionMovedAwayAndAForgedOneInItsPlace() throws Exception
    {
        final Sent sent = start();
        final String signed = idp.signResponse(TestIdp.xml(valid(sent)));
        // the classic wrap: the signed Response kept inside an Extensions element, a new Response around a forgery
        final String forged = TestIdp.xml(valid(sent).withNameId("admin"));
        final String wrapped = forged.replace("<samlp:Status>", "<samlp:Extensions>" + signed
            + "</samlp:Extensions><samlp:Status>");
        assertRefused(wrapped, sent, "assertions");
    }

    @Test
    void shouldRefuseASignatureThatReferencesAnotherElement() throws Exception
    {
        final Sent sent = start();
        final TestIdp.Response response = valid(sent);
        final String signed = idp.signAssertion(TestIdp.xml(response));
        // the signature stays valid for its element, but that element is no longer the assertion read
        final String moved = signed.replace("ID=\"" + response.assertionId() + "\"", "ID=\"_other\"");
        assertRefused(moved, sent, "references");
    }

    @Test
    void shouldRefuseACommentInsideTheNameId() throws Exception
    {
        final Sent sent = start();
        // exclusive c14n drops comments, so the signature still verifies: "admin<!---->.evil" reads as "admin"
        // to parsers that take the first text node
        final String signed = signedWith(r -> r.withNameId("admin.evil"), sent);
        assertRefused(signed.replace(">admin.evil<", ">admin<!---->.evil<"), sent, "comments");
    }

    @Test
    void shouldRefuseAnExpiredAssertion() throws Exception
    {
        final Sent sent = start();
        final Instant soon = clock.instant().plusSeconds(60);
        final String signed = signedWith(r -> r.withNotOnOrAfter(soon), sent);
        clock.advance(61 + SamlServiceProvider.SKEW.toSeconds());
        assertRefused(signed, sent, "expired");
    }

    @Test
    void shouldRefuseAnAssertionNotYetValid() throws Exception
    {
        final Sent sent = start();
        final Instant later = clock.instant().plusSeconds(600);
        assertRefused(signedWith(r -> r.withNotBefore(later), sent), sent, "not valid before");
    }

    @Test
    void shouldRefuseAnAssertionOlderThanTimeoutAssertion() throws Exception
    {
        final Sent sent = start();
        final Instant old = clock.instant().minusSeconds(700);
        assertRefused(signedWith(r -> r.withIssued(old), sent), sent, "timeout assertion");
    }

    @Test
    void shouldRefuseAReplayedAssertion() throws Exception
    {
        final Sent sent = start();
        final TestIdp.Response first = valid(sent);
        final String signed = idp.signAssertion(TestIdp.xml(first));
        assertEquals("alice", consume(signed, sent).username());
        assertRefused(signed, sent, "no request we sent");
        // even signed anew as the answer to a new request, the same assertion ID is refused
        final Sent again = start();
        final String reused = idp.signAssertion(TestIdp.xml(valid(again).withAssertionId(first.assertionId())));
        assertRefused(reused, again, "used before");
    }

    @Test
    void shouldRefuseAWrongAudience() throws Exception
    {
        final Sent sent = start();
        assertRefused(signedWith(r -> r.withAudience("https://other-sp.test"), sent), sent, "another audience");
    }

    @Test
    void shouldRefuseAWrongRecipientOrDestination() throws Exception
    {
        final Sent sent = start();
        assertRefused(signedWith(r -> r.withRecipient("https://evil.test/acs"), sent), sent, "Recipient");
        final Sent second = start();
        assertRefused(signedWith(r -> r.withDestination("https://evil.test/acs"), second), second, "Destination");
    }

    @Test
    void shouldRefuseAnotherIssuer() throws Exception
    {
        final Sent sent = start();
        assertRefused(signedWith(r -> r.withIssuer("https://evil.test/idp"), sent), sent, "Issuer");
    }

    @Test
    void shouldRefuseAnInResponseToWeNeverSent() throws Exception
    {
        final Sent sent = start();
        assertRefused(idp.signAssertion(TestIdp.xml(valid(new Sent("_0123456789abcdef0123456789abcdef",
            sent.relayState(), sent.url())))), sent, "no request we sent");
        final Sent other = start();
        // the assertion answers one request, the Response claims another
        final String mixed = signedWith(r -> r, other).replaceFirst("InResponseTo=\"" + other.id() + "\"",
            "InResponseTo=\"" + sent.id() + "\"");
        assertRefused(mixed, sent, "different requests");
    }

    @Test
    void shouldRefuseAResponseWithTheWrongRelayState() throws Exception
    {
        final Sent sent = start();
        final String signed = signedWith(r -> r, sent);
        assertThrows(SamlException.class, () -> sp.consume(TestIdp.form(signed), "00" + sent.relayState()));
        assertEquals("alice", consume(signed, sent).username(), "the request stays open for the real answer");
    }

    @Test
    void shouldRefuseADoctypeAndEntities() throws Exception
    {
        final Sent sent = start();
        final String signed = signedWith(r -> r, sent);
        assertRefused("<!DOCTYPE r [<!ENTITY a \"alice\">]>" + signed, sent, "DOCTYPE");
        assertRefused("<!DOCTYPE r SYSTEM \"http://127.0.0.1:9/x.dtd\">" + signed, sent, "DOCTYPE");
    }

    @Test
    void shouldRefuseAFailedStatus() throws Exception
    {
        final Sent sent = start();
        assertRefused(signedWith(r -> r.withStatus("urn:oasis:names:tc:SAML:2.0:status:Requester"), sent), sent,
            "status");
    }

    @Test
    void shouldRefuseTooLargeOrTooDeepDocuments() throws Exception
    {
        final Sent sent = start();
        assertRefused("<a>" + "x".repeat(SamlXml.MAX_BYTES) + "</a>", sent, "longer than");
        final SamlException large = assertThrows(SamlException.class, () -> SamlXml.parse(
            ("<a>" + "x".repeat(SamlXml.MAX_BYTES) + "</a>").getBytes(StandardCharsets.UTF_8)));
        assertTrue(large.getMessage().contains("larger than"), large.getMessage());
        assertRefused("<a>".repeat(SamlXml.MAX_DEPTH + 2) + "</a>".repeat(SamlXml.MAX_DEPTH + 2), sent, "");
        assertThrows(SamlException.class, () -> SamlXml.parse(("<a>".repeat(200) + "</a>".repeat(200))
            .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldMapNoGroupPolicyWithoutAMatchingGroup() throws Exception
    {
        final Sent sent = start();
        final var result = consume(signedWith(r -> r.withAttributes(Map.of("groups", List.of("a", "b"))), sent),
            sent);
        assertNull(result.groupPolicy(), "two unmapped values give no group-policy");
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock
    {
        private Instant now;

        MutableClock(final Instant now)
        {
            this.now = now;
        }

        void advance(final long seconds)
        {
            now = now.plusSeconds(seconds);
        }

        @Override
        public Instant instant()
        {
            return now;
        }

        @Override
        public java.time.ZoneId getZone()
        {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final java.time.ZoneId zone)
        {
            return this;
        }
    }
}
