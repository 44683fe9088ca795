package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SAML single sign-on with the real openconnect and a real IdP (Debian's SimpleSAMLphp, {@link SimpleSamlIdp}):
 * openconnect 9 asks for the tunnel-group of {@code authentication saml}, gets the {@code sso-v2} form in external
 * browser mode and runs {@code --external-browser=SCRIPT}. The script is the browser: with curl it follows the
 * appliance's redirect to the IdP, logs in there, posts the IdP's signed Response to the appliance's assertion
 * consumer service and follows the redirect to openconnect's local listener, which unwraps the token
 * (AC_ECIES) and logs in with it. The IdP runs in the client's namespace on 127.0.0.1, where the browser is. The
 * portal login runs once with curl and once in headless Chromium (WebDriver, {@code PortalBrowser --sso}). Last, the
 * IdP is made to require signed AuthnRequests and to encrypt its assertions, and the appliance is given
 * {@code trustpoint sp}; then single logout, started at the IdP (the VPN client is disconnected) and at the portal
 * (the IdP is told and answers).
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SamlLoginIT
{
    private static final int IDP_PORT = 18080;
    private static final String IDP_ADDRESS = "127.0.0.1";
    private static final String BASE_URL = "https://" + Netns.SERVER_ADDRESS;
    private static final String SP_ENTITY_ID = BASE_URL + "/saml/sp/metadata/SSO";
    private static final String ACS = BASE_URL + "/+CSCOE+/saml/sp/acs?tgname=SSO";

    private static Testbed bed;
    private static SimpleSamlIdp idp;
    private static Path browser;

    @BeforeAll
    static void start()
    {
        SimpleSamlIdp.prerequisites();
        bed = Testbed.start(1, c -> c
            .extraLine(" saml idp " + SimpleSamlIdp.ENTITY_ID)
            .extraLine("  url sign-in http://" + IDP_ADDRESS + ":" + IDP_PORT + "/saml2/idp/SSOService.php")
            .extraLine("  url sign-out http://" + IDP_ADDRESS + ":" + IDP_PORT + "/saml2/idp/SingleLogoutService.php")
            .extraLine("  base-url " + BASE_URL)
            .extraLine("  trustpoint idp SAML-IDP")
            .extraLine("  timeout assertion 300")
            .extraLine("  attribute-map SAML-GROUPS")
            .extraLine("crypto ca trustpoint SAML-IDP")
            .extraLine(" enrollment terminal")
            .extraLine(" ca-certificate disk0:/saml-idp.pem")
            .extraLine("ldap attribute-map SAML-GROUPS")
            .extraLine(" map-name groups Group-Policy")
            .extraLine(" map-value groups vpn-staff STAFF")
            .extraLine("group-policy STAFF internal")
            .extraLine("group-policy STAFF attributes")
            .extraLine(" vpn-tunnel-protocol ssl-client")
            .extraLine(" banner value Welcome, staff.")
            .extraLine("tunnel-group SSO type remote-access")
            .extraLine("tunnel-group SSO general-attributes")
            .extraLine(" address-pool POOL")
            .extraLine(" default-group-policy GP")
            .extraLine("tunnel-group SSO webvpn-attributes")
            .extraLine(" group-url " + BASE_URL + "/sso enable")
            .extraLine(" saml identity-provider " + SimpleSamlIdp.ENTITY_ID)
            .extraLine(" authentication saml"));
        idp = SimpleSamlIdp.start(bed.net().client(1), IDP_ADDRESS, IDP_PORT,
            Map.of("alice", "alice-idp-pw", "bob", "bob-idp-pw"), Map.of("alice", "vpn-staff,everyone",
                "bob", "everyone"), SP_ENTITY_ID, ACS);
        try
        {
            Files.copy(idp.certificate(), bed.headend().stateDir().resolve("disk0").resolve("saml-idp.pem"),
                StandardCopyOption.REPLACE_EXISTING);
            browser = Harness.tempDir("sso-browser-").resolve("browser.sh");
            Files.writeString(browser, BROWSER_SCRIPT);
            Files.setPosixFilePermissions(browser, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * The browser: $1 is the kick-off URL. IdP login with curl, the Response posted to the appliance (changed
     * first when TAMPER is set), the redirect to openconnect followed. Each step's URL goes to $BROWSER_LOG, and the
     * form the IdP posted, and the cookies the appliance set at the end, are kept beside it.
     */
    private static final String BROWSER_SCRIPT = """
        #!/bin/bash
        set -u
        d=$(mktemp -d)
        jar=${BROWSER_JAR:-$d/jar}
        log() { echo "$*" >> "$BROWSER_LOG"; }
        log "start $1"
        page=$(curl -sk -L -c "$jar" -b "$jar" -o "$d/login.html" -w '%{url_effective}' "$1")
        log "login-page $page"
        state=$(sed -n 's/.*name="AuthState" value="\\([^"]*\\)".*/\\1/p' "$d/login.html" | sed 's/&amp;/\\&/g')
        curl -s -c "$jar" -b "$jar" -o "$d/answer.html" --data-urlencode "username=$IDP_USER" \\
            --data-urlencode "password=$IDP_PASSWORD" --data-urlencode "AuthState=$state" "${page%%\\?*}"
        response=$(sed -n 's/.*name="SAMLResponse" value="\\([^"]*\\)".*/\\1/p' "$d/answer.html")
        relay=$(sed -n 's/.*name="RelayState" value="\\([^"]*\\)".*/\\1/p' "$d/answer.html")
        action=$(tr '\\n' ' ' < "$d/answer.html" | sed -n 's/.*<form method="post" *action="\\([^"]*\\)".*/\\1/p' \\
            | sed 's/&amp;/\\&/g')
        if [ -z "$response" ]; then log "no-response"; exit 1; fi
        if [ -n "${TAMPER:-}" ]; then
            response=$(echo "$response" | base64 -d | sed "s/>$IDP_USER</>admin</" | base64 -w0)
        fi
        printf '%s\\n%s\\n%s\\n' "$action" "$response" "$relay" > "$BROWSER_LOG.form"
        log "acs $action"
        final=$(curl -sk -L -c "$BROWSER_LOG.cookies" -o "$d/final.html" -w '%{http_code} %{url_effective}' \\
            --data-urlencode "SAMLResponse=$response" --data-urlencode "RelayState=$relay" "$action")
        log "final $final"
        """;

    private final java.util.List<OpenconnectClient> clients = new java.util.ArrayList<>();

    @AfterEach
    void stopClients()
    {
        clients.forEach(OpenconnectClient::close);
        clients.clear();
    }

    @AfterAll
    static void tearDown()
    {
        if (idp != null)
        {
            idp.close();
        }
        if (bed != null)
        {
            bed.close();
        }
    }

    private OpenconnectClient ssoClient(final String user, final String password, final Path browserLog)
    {
        final OpenconnectClient client = new OpenconnectClient(bed.net().client(1), bed.headend().url() + "sso",
            bed.headend().pin(), user, false, java.util.List.of())
            .environment("IDP_USER", user)
            .environment("IDP_PASSWORD", password)
            .environment("BROWSER_LOG", browserLog.toString());
        clients.add(client);
        return client;
    }

    /** The browser's log once it has its last line (the browser runs beside the test). */
    private static String finishedLog(final Path file)
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String text = read(file);
        while (!text.contains("final ") && !text.contains("no-response") && System.nanoTime() < deadline)
        {
            try
            {
                Thread.sleep(100);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
            text = read(file);
        }
        return text;
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.exists(file) ? Files.readString(file) : "";
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Test
    @Order(1)
    void shouldBringTheTunnelUpForTheIdpsUserWithTheGroupPolicyOfItsGroup()
    {
        final Path log = Harness.tempDir("sso-alice-").resolve("browser.log");
        final OpenconnectClient alice = ssoClient("alice", "alice-idp-pw", log).startWithExternalBrowser(browser);
        alice.awaitConfigured(Duration.ofSeconds(60));
        final Map<String, String> env = alice.awaitScriptCall("connect", 1, Duration.ofSeconds(10));
        assertEquals("Welcome, staff.", env.get("CISCO_BANNER"), "groups vpn-staff maps to group-policy STAFF");
        assertTrue(NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 5).allAnswered());
        final String browserLog = finishedLog(log);
        assertTrue(browserLog.contains("login-page http://" + IDP_ADDRESS + ":" + IDP_PORT + "/module.php/core/"),
            "the browser logged in at the IdP:\n" + browserLog);
        assertTrue(browserLog.matches("(?s).*final 200 " + java.util.regex.Pattern.quote(BASE_URL)
            + "/\\+CSCOE\\+/saml_ac_login.html.*"), "openconnect's listener sent the browser to the final page:\n"
            + browserLog);
        assertTrue(bed.headend().process().err().text().contains("SAML login of alice at "
            + SimpleSamlIdp.ENTITY_ID + " for tunnel-group SSO"));
        final String sessions = bed.headend().console("show vpn-sessiondb anyconnect");
        assertTrue(sessions.contains("alice") && sessions.contains("STAFF"), sessions);

        // the same Response posted again (a captured POST) opens nothing
        final String[] form = read(Path.of(log + ".form")).split("\n");
        final int mark = bed.headend().process().err().mark();
        final String replay = Cmd.run(Duration.ofSeconds(20), Netns.in(bed.net().client(1), "curl", "-sk", "-o",
            "/dev/null", "-w", "%{http_code}", "--data-urlencode", "SAMLResponse=" + form[1], "--data-urlencode",
            "RelayState=" + form[2], form[0])).output().trim();
        assertEquals("403", replay);
        bed.headend().process().err().await("SAML response from .* refused: .*no request we sent", mark,
            Duration.ofSeconds(10));
    }

    @Test
    @Order(2)
    void shouldGiveAUserOutsideTheMappedGroupsTheTunnelGroupsDefaultPolicy()
    {
        final Path log = Harness.tempDir("sso-bob-").resolve("browser.log");
        final OpenconnectClient bob = ssoClient("bob", "bob-idp-pw", log).startWithExternalBrowser(browser);
        bob.awaitConfigured(Duration.ofSeconds(60));
        final Map<String, String> env = bob.awaitScriptCall("connect", 1, Duration.ofSeconds(10));
        assertNotEquals("Welcome, staff.", env.get("CISCO_BANNER"));
        final String sessions = bed.headend().console("show vpn-sessiondb anyconnect");
        assertTrue(sessions.contains("bob") && sessions.contains("GP"), sessions);
    }

    @Test
    @Order(3)
    void shouldRefuseAResponseChangedOnItsWayThroughTheBrowser()
    {
        final Path log = Harness.tempDir("sso-tamper-").resolve("browser.log");
        final int mark = bed.headend().process().err().mark();
        final OpenconnectClient alice = ssoClient("alice", "alice-idp-pw", log).environment("TAMPER", "1")
            .startWithExternalBrowser(browser);
        bed.headend().process().err().await("SAML response from .* refused: the signature does not verify", mark,
            Duration.ofSeconds(60));
        final String browserLog = finishedLog(log);
        assertTrue(browserLog.contains("final 403 " + ACS), "the browser is refused:\n" + browserLog);
        assertFalse(bed.headend().process().err().text().substring(mark).contains("SAML login of admin"));
        assertTrue(alice.scriptCalls().stream().noneMatch(c -> "connect".equals(c.get("reason"))));
    }

    @Test
    @Order(4)
    void shouldLogABrowserIntoThePortalThroughTheSameIdp()
    {
        final String client = bed.net().client(1);
        final String logon = Cmd.run(Duration.ofSeconds(20), Netns.in(client, "curl", "-sk",
            BASE_URL + "/+CSCOE+/logon.html")).output();
        final java.util.regex.Matcher link = java.util.regex.Pattern
            .compile("href=\"(/\\+CSCOE\\+/saml/sp/login\\?tgname=SSO)\"").matcher(logon);
        assertTrue(link.find(), "the logon page offers the IdP login:\n" + logon);
        final Path log = Harness.tempDir("sso-portal-").resolve("browser.log");
        final Cmd.Result browserRun = Cmd.run(Duration.ofSeconds(60), Netns.in(client, "env", "IDP_USER=alice",
            "IDP_PASSWORD=alice-idp-pw", "BROWSER_LOG=" + log, browser.toString(), BASE_URL + link.group(1)));
        assertTrue(browserRun.ok(), browserRun.output());
        final String browserLog = finishedLog(log);
        assertTrue(browserLog.contains("final 200 " + ACS), browserLog);
        final String jar = read(Path.of(log + ".cookies"));
        final java.util.regex.Matcher cookie = java.util.regex.Pattern.compile("\twebvpn\t([^\\s]+)")
            .matcher(jar);
        assertTrue(cookie.find(), "the appliance set the portal's session cookie:\n" + jar);
        final String home = Cmd.run(Duration.ofSeconds(20), Netns.in(client, "curl", "-sik", "-b",
            "webvpn=" + cookie.group(1), BASE_URL + "/+CSCOE+/portal.html?view=home")).output();
        assertTrue(home.contains("Welcome, staff."), "alice's portal page with her group-policy's banner:\n" + home + "\n" + jar);
    }

    @Test
    @Order(5)
    void shouldLogHeadlessChromiumIntoThePortalThroughTheIdp() throws Exception
    {
        Prerequisites.installMissing(Map.of("chromium", "chromium", "chromedriver", "chromium-driver"));
        final Path out = Harness.tempDir("chromium-sso-");
        final String output;
        try (ManagedProcess browser = ManagedProcess.start("PortalBrowser", Harness.tool(bed.net().client(1),
            "PortalBrowser", "--url", BASE_URL + "/", "--user", "alice", "--password", "alice-idp-pw", "--sso", "yes",
            "--out", out.toString()), null, null))
        {
            browser.waitForExit(Duration.ofSeconds(150));
            browser.out().awaitClosed(Duration.ofSeconds(2));
            output = browser.out().text() + browser.err().text();
        }
        assertTrue(output.contains("OUTCOME=OK"), output);
        assertTrue(output.contains("PAGE logon url=" + BASE_URL + "/+CSCOE+/logon.html idp-links=1"), output);
        assertTrue(output.matches("(?s).*PAGE idp-login url=http://" + IDP_ADDRESS + ":" + IDP_PORT
            + "/module\\.php/core/loginuserpass.*"), "the IdP's own login page, typed into:\n" + output);
        assertTrue(output.contains("PAGE landed url=" + BASE_URL + "/+CSCOE+/"),
            "the IdP's page posted itself back to the appliance:\n" + output);
        final java.util.regex.Matcher portal = java.util.regex.Pattern.compile("(?m)^PAGE portal url=(\\S+) "
            + "banner=(\\S+) cookies=(\\S+)$").matcher(output);
        assertTrue(portal.find(), output);
        assertTrue(portal.group(1).startsWith(BASE_URL + "/+CSCOE+/portal.html"), output);
        assertEquals("Welcome,_staff.", portal.group(2), "the group-policy mapped from the IdP's groups");
        assertTrue(portal.group(3).contains("webvpn"), "the portal session cookie: " + output);
    }

    /** Last: the IdP now wants signed requests and encrypts its assertions, for the key of our trustpoint sp. */
    @Test
    @Order(6)
    void shouldSignRequestsAndDecryptAssertionsWithTheTrustpointSpKey() throws IOException
    {
        final Path dir = Harness.tempDir("saml-sp-");
        Cmd.check("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
            dir.resolve("sp.key").toString(), "-out", dir.resolve("sp.crt").toString(), "-days", "2", "-subj",
            "/CN=" + Netns.SERVER_ADDRESS);
        Files.writeString(bed.headend().stateDir().resolve("disk0").resolve("saml-sp.pem"),
            Files.readString(dir.resolve("sp.crt")) + Files.readString(dir.resolve("sp.key")));
        idp.requireSignedRequestsAndEncryptFor(dir.resolve("sp.crt"));
        final String client = bed.net().client(1);
        final String kickOff = BASE_URL + "/+CSCOE+/saml/sp/login?tgname=SSO";
        final String unsigned = Cmd.run(Duration.ofSeconds(20), Netns.in(client, "curl", "-sk", "-o", "/dev/null",
            "-w", "%{redirect_url}", kickOff)).output().trim();
        assertFalse(unsigned.contains("Signature="), unsigned);
        assertFalse(idpAnswers(unsigned), "the IdP refuses an unsigned AuthnRequest now");

        configure("crypto ca trustpoint SAML-SP", " identity-certificate disk0:/saml-sp.pem", "webvpn",
            " saml idp " + SimpleSamlIdp.ENTITY_ID, "  trustpoint sp SAML-SP");
        final String signed = Cmd.run(Duration.ofSeconds(20), Netns.in(client, "curl", "-sk", "-o", "/dev/null",
            "-w", "%{redirect_url}", kickOff)).output().trim();
        assertTrue(signed.contains("&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256"
            + "&Signature="), signed);
        assertTrue(idpAnswers(signed), "the IdP takes the signed request:\n" + idp.log());

        final Path log = Harness.tempDir("sso-encrypted-").resolve("browser.log");
        final OpenconnectClient alice = ssoClient("alice", "alice-idp-pw", log).startWithExternalBrowser(browser);
        alice.awaitConfigured(Duration.ofSeconds(60));
        assertEquals("Welcome, staff.", alice.awaitScriptCall("connect", 1, Duration.ofSeconds(10))
            .get("CISCO_BANNER"), "the decrypted assertion's groups map to STAFF");
        final String posted = new String(java.util.Base64.getDecoder().decode(read(Path.of(log + ".form"))
            .split("\n")[1]), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(posted.contains("EncryptedAssertion") && !posted.contains("vpn-staff"),
            "the browser carried the assertion encrypted:\n" + posted);
    }

    /** After 6 (our logout messages are signed): single logout started at the IdP, then at the portal. */
    @Test
    @Order(7)
    void shouldEndTheSessionsAtTheIdpsLogoutAndTellTheIdpOfAPortalLogout()
    {
        idp.singleLogoutAt(BASE_URL + "/+CSCOE+/saml/sp/logout?tgname=SSO");
        // the earlier tests' portal and client sessions would be ended too
        bed.headend().console("vpn-sessiondb logoff all noconfirm");
        final String client = bed.net().client(1);
        final Path dir = Harness.tempDir("sso-slo-");
        final Path jar = dir.resolve("idp-jar");
        final OpenconnectClient alice = ssoClient("alice", "alice-idp-pw", dir.resolve("browser.log"))
            .environment("BROWSER_JAR", jar.toString()).startWithExternalBrowser(browser);
        alice.awaitConfigured(Duration.ofSeconds(60));
        final int mark = bed.headend().process().err().mark();
        // the IdP's own logout (its session cookie in the jar): it sends its LogoutRequest through the browser
        final String idpFirst = Cmd.run(Duration.ofSeconds(30), Netns.in(client, "curl", "-sk", "-L", "-b",
            jar.toString(), "-c", jar.toString(), "-o", "/dev/null", "-w", "%{http_code} %{url_effective}",
            idp.singleLogoutUrl() + "?ReturnTo=" + java.net.URLEncoder.encode("http://" + IDP_ADDRESS + ":"
                + IDP_PORT + "/saml2/idp/metadata.php", java.nio.charset.StandardCharsets.UTF_8))).output().trim();
        bed.headend().process().err().await("SAML single logout of alice from " + java.util.regex.Pattern.quote(
            SimpleSamlIdp.ENTITY_ID) + " at .*: 1 session\\(s\\) ended", mark, Duration.ofSeconds(20));
        assertTrue(idpFirst.startsWith("200 http://" + IDP_ADDRESS), "back at the IdP after our answer: "
            + idpFirst + "\n" + idp.log());
        assertTrue(alice.waitForExit(Duration.ofSeconds(30)) != null, "the VPN client was disconnected");

        final Path portalLog = dir.resolve("portal.log");
        final Cmd.Result login = Cmd.run(Duration.ofSeconds(60), Netns.in(client, "env", "IDP_USER=alice",
            "IDP_PASSWORD=alice-idp-pw", "BROWSER_LOG=" + portalLog, "BROWSER_JAR=" + jar, browser.toString(),
            BASE_URL + "/+CSCOE+/saml/sp/login?tgname=SSO"));
        assertTrue(login.ok() && finishedLog(portalLog).contains("final 200 " + ACS), finishedLog(portalLog));
        final java.util.regex.Matcher cookie = java.util.regex.Pattern.compile("\twebvpn\t([^\\s]+)")
            .matcher(read(Path.of(portalLog + ".cookies")));
        assertTrue(cookie.find(), "the portal session cookie");
        assertTrue(bed.headend().console("show vpn-sessiondb webvpn").contains("alice"));
        final String spFirst = Cmd.run(Duration.ofSeconds(30), Netns.in(client, "curl", "-sk", "-L", "-b",
            jar.toString(), "-c", jar.toString(), "-b", "webvpn=" + cookie.group(1), "-w",
            "\n%{http_code} %{url_effective}", BASE_URL + "/+webvpn+/webvpn_logout.html")).output().trim();
        assertTrue(spFirst.contains("You are logged out of the VPN and of the identity provider.")
            && spFirst.matches("(?s).*\n200 " + java.util.regex.Pattern.quote(BASE_URL
                + "/+CSCOE+/saml/sp/logout?tgname=SSO&SAMLResponse=") + ".*"),
            "the IdP answered our LogoutRequest:\n" + spFirst + "\n" + idp.log());
        assertFalse(bed.headend().console("show vpn-sessiondb webvpn").contains("alice"), "the portal session ended");
    }

    /** Lines typed in configuration mode, each answered without an error. */
    private static void configure(final String... lines)
    {
        bed.headend().console("configure terminal");
        try
        {
            for (final String line : lines)
            {
                final String answer = bed.headend().console(line.strip());
                assertFalse(answer.contains("ERROR"), line + ": " + answer);
            }
        }
        finally
        {
            bed.headend().console("end");
        }
    }

    /** Whether the IdP, given this AuthnRequest URL, goes on to its login page (rather than an error). */
    private static boolean idpAnswers(final String url)
    {
        final String answer = Cmd.run(Duration.ofSeconds(20), Netns.in(bed.net().client(1), "curl", "-s", "-o",
            "/dev/null", "-w", "%{http_code} %{redirect_url}", url)).output().trim();
        return answer.startsWith("302 ") && answer.contains("loginuserpass");
    }
}
