package org.headend.control.auth.saml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Inflater;
import org.headend.control.auth.AggregateAuth;
import org.headend.control.auth.AuthMessage;
import org.headend.control.auth.FailedLoginLimiter;
import org.headend.control.auth.LoginContexts;
import org.headend.control.config.ConfigStore;
import org.headend.control.http.ClientInfo;
import org.headend.control.http.HttpAnswer;
import org.headend.control.session.AddressPools;
import org.headend.control.session.SessionManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AnyConnect single sign-on flow through {@link AggregateAuth} and {@link SsoLogins}, as openconnect 9 drives
 * it in external-browser mode: init with a STRAP DH key → the sso-v2 form; the kick-off URL → the IdP; the IdP's
 * signed answer → the redirect to the client's listener with the sealed token; auth-reply with the token →
 * complete, with the group-policy the IdP's group maps to.
 */
class SsoLoginFlowTest
{
    private static final ClientInfo CLIENT =
        new ClientInfo("10.77.0.2", 40000, 443, "Open AnyConnect VPN Agent v9.01-3", "TLSv1.3", "TLS_AES_128_GCM_SHA256");
    private static final String CONFIG = """
        crypto ca trustpoint IDP
         enrollment terminal
         ca-certificate disk0:/idp.pem
        ldap attribute-map SAMLGROUPS
         map-name groups Group-Policy
         map-value groups vpn-staff STAFF
        group-policy STAFF internal
        group-policy STAFF attributes
         vpn-tunnel-protocol ssl-client
        webvpn
         saml idp https://idp.test/saml
          url sign-in https://idp.test/sso
          base-url https://vpn.test
          trustpoint idp IDP
          attribute-map SAMLGROUPS
        tunnel-group SSO type remote-access
        tunnel-group SSO webvpn-attributes
         group-url https://vpn.test/sso enable
         saml identity-provider https://idp.test/saml
         authentication saml
        """;

    @TempDir
    Path disk0;

    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
    private final ConfigStore config = ConfigStore.embeddedDefault("pw");
    private final long[] now = {1_000_000_000L};
    private final SessionManager sessions = new SessionManager(control, null, new AddressPools(Set.of(), Set.of()),
        null, (group, user) -> config.current().effectivePolicy(group, user), () -> now[0], Clock.systemUTC());
    private final AggregateAuth auth = new AggregateAuth(config::current, sessions, new LoginContexts(),
        new FailedLoginLimiter(), () -> "ABCDEF0123456789ABCDEF0123456789ABCDEF01", () -> now[0]);
    private TestIdp idp;
    private SsoLogins sso;
    private KeyPair strap;

    @BeforeEach
    void setUp() throws Exception
    {
        idp = TestIdp.create("idp.test");
        Files.writeString(disk0.resolve("idp.pem"), "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder().encodeToString(idp.certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        config.merge(CONFIG.getBytes(StandardCharsets.UTF_8), "test");
        sso = new SsoLogins(new SamlServiceProvider<>(config::current,
            path -> disk0.resolve(path.substring("disk0:/".length())), Clock.systemUTC()), Runnable::run,
            Runnable::run, () -> now[0]);
        auth.sso(sso);
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        strap = generator.generateKeyPair();
    }

    @AfterEach
    void tearDown()
    {
        control.shutdownNow();
    }

    private String strapHeader()
    {
        return Base64.getEncoder().encodeToString(strap.getPublic().getEncoded());
    }

    private HttpAnswer post(final AuthMessage message, final String strapKey)
    {
        return auth.onMessage(message, Map.of(), CLIENT, "/sso", strapKey).toCompletableFuture().join();
    }

    private static AuthMessage init()
    {
        return new AuthMessage("init", "v9.01-3", "linux-64", null, "https://vpn.test/sso", null, Map.of(), null);
    }

    private static AuthMessage reply(final String handle, final Map<String, String> fields)
    {
        return new AuthMessage("auth-reply", "v9.01-3", "linux-64", null, null, handle, fields, null);
    }

    /** The browser's part: kick-off URL → IdP (answered here by the test IdP) → our ACS; returns its answer. */
    private HttpAnswer browserLogin(final String loginUrl, final String user) throws Exception
    {
        final HttpAnswer toIdp = sso.login(query(loginUrl), CLIENT);
        assertEquals(302, toIdp.status());
        final Map<String, String> authnRequest = query(header(toIdp, "Location"));
        final Inflater inflater = new Inflater(true);
        inflater.setInput(Base64.getDecoder().decode(authnRequest.get("SAMLRequest")));
        final byte[] xml = new byte[4096];
        final String request = new String(xml, 0, inflater.inflate(xml), StandardCharsets.UTF_8);
        final Matcher id = Pattern.compile(" ID=\"([^\"]+)\"").matcher(request);
        assertTrue(id.find(), request);
        final String response = idp.signAssertion(TestIdp.xml(TestIdp.Response.valid(id.group(1),
            "https://vpn.test/saml/sp/metadata/SSO", "https://vpn.test/+CSCOE+/saml/sp/acs?tgname=SSO",
            Instant.now()).withNameId(user)));
        return sso.acs(Map.of("SAMLResponse", TestIdp.form(response), "RelayState", authnRequest.get("RelayState")),
            CLIENT).toCompletableFuture().join();
    }

    @Test
    void shouldLogOpenconnectInThroughTheIdpWithTheTokenSealedForItsStrapKey() throws Exception
    {
        final String form = body(post(init(), strapHeader()));
        assertTrue(form.contains("<auth-method>single-sign-on-v2</auth-method>"), form);
        assertTrue(form.contains("<sso-v2-browser-mode>external</sso-v2-browser-mode>"), form);
        assertTrue(form.contains("<input type=\"sso\" name=\"sso-token\">"), form);
        assertFalse(form.contains("name=\"password\""), form);
        final String loginUrl = element(form, "sso-v2-login").replace("&amp;", "&");
        assertTrue(loginUrl.startsWith("https://vpn.test/+CSCOE+/saml/sp/login?tgname=SSO&acsamlcap=v2&sso="),
            loginUrl);

        final HttpAnswer toClient = browserLogin(loginUrl, "alice");
        assertEquals(302, toClient.status());
        final String location = header(toClient, "Location");
        assertTrue(location.startsWith("http://localhost:29786/api/sso/"), location);
        final URI uri = URI.create(location);
        assertEquals("return=" + java.net.URLEncoder.encode("https://vpn.test/+CSCOE+/saml_ac_login.html",
            StandardCharsets.UTF_8), uri.getRawQuery());
        final String blob = URLDecoder.decode(uri.getRawPath().substring("/api/sso/".length()),
            StandardCharsets.UTF_8);
        final String token = AcEciesTest.unwrap(Base64.getDecoder().decode(blob), strap.getPrivate());
        assertTrue(token.matches("[A-Za-z0-9]{32}"), token);

        final String complete = body(post(reply(element(form, "aggauth-handle"), Map.of("sso-token", token)),
            strapHeader()));
        assertTrue(complete.contains("<auth id=\"success\">"), complete);
        final var session = sessions.find(element(complete, "session-token"));
        assertNotNull(session);
        assertEquals("alice", session.username());
        assertEquals("STAFF", session.groupPolicy(), "groups vpn-staff maps to STAFF");
    }

    @Test
    void shouldRefuseAWrongTokenAndNotTakeTheRightOneAfterIt() throws Exception
    {
        final String form = body(post(init(), strapHeader()));
        final HttpAnswer toClient = browserLogin(element(form, "sso-v2-login").replace("&amp;", "&"), "alice");
        final URI uri = URI.create(header(toClient, "Location"));
        final String token = AcEciesTest.unwrap(Base64.getDecoder().decode(URLDecoder.decode(
            uri.getRawPath().substring("/api/sso/".length()), StandardCharsets.UTF_8)), strap.getPrivate());
        final String handle = element(form, "aggauth-handle");
        final String wrong = body(post(reply(handle, Map.of("sso-token", "A" + token.substring(1) + "x")), null));
        assertTrue(wrong.contains("Login failed."), wrong);
        final String late = body(post(reply(handle, Map.of("sso-token", token)), null));
        assertFalse(late.contains("success"), "a guess uses the login up");
        assertTrue(sessions.list().isEmpty());
    }

    @Test
    void shouldGiveAWebViewClientTheTokenAsTheCookieItWatches() throws Exception
    {
        final String form = body(post(init(), null));
        assertFalse(form.contains("sso-v2-browser-mode"), "no STRAP key: the client's own web view");
        final HttpAnswer toFinal = browserLogin(element(form, "sso-v2-login").replace("&amp;", "&"), "alice");
        assertEquals(SsoLogins.FINAL, header(toFinal, "Location"));
        final String cookie = header(toFinal, "Set-Cookie");
        assertTrue(cookie.startsWith("acSamlv2Token="), cookie);
        final String token = cookie.substring("acSamlv2Token=".length(), cookie.indexOf(';'));
        final String complete = body(post(reply(element(form, "aggauth-handle"), Map.of("sso-token", token)), null));
        assertTrue(complete.contains("<auth id=\"success\">"), complete);
    }

    @Test
    void shouldRefuseAPasswordForATunnelGroupOfSingleSignOn() throws Exception
    {
        config.apply(org.headend.control.config.ConfigCursor.TOP, "username mallory password mallory-pw", "t", 1);
        final String form = body(post(init(), null));
        final String answer = body(post(reply(element(form, "aggauth-handle"),
            Map.of("username", "mallory", "password", "mallory-pw")), null));
        assertFalse(answer.contains("success"), answer);
        assertTrue(answer.contains("<sso-v2-login>"), "the password is not looked at: the SSO form again");
        final String oneShot = body(auth.onForm(Map.of("username", "mallory", "password", "mallory-pw"), Map.of(),
            CLIENT, "/sso").toCompletableFuture().join());
        assertTrue(oneShot.contains("<sso-v2-login>") && !oneShot.contains("success"), oneShot);
        // the portal's door (and any other caller of authenticate) is refused outright
        final AggregateAuth.Verdict portal = auth.authenticate("mallory", "mallory-pw", "SSO", CLIENT,
            Set.of("ssl-client", "ssl-clientless")).toCompletableFuture().join();
        assertFalse(portal.ok());
        assertTrue(portal.error().contains("single sign-on only"), portal.error());
        assertTrue(sessions.list().isEmpty());
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

    private static String header(final HttpAnswer answer, final String name)
    {
        return answer.headers().stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
            .findFirst().orElseThrow(() -> new AssertionError("no " + name + " header"));
    }

    private static String body(final HttpAnswer answer)
    {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    private static String element(final String xml, final String name)
    {
        final Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        assertTrue(m.find(), () -> name + " in " + xml);
        return m.group(1);
    }
}
