package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
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
 * Logins through a real OpenLDAP ({@link SlapdServer}) with the real openconnect (issue 12 item 4): by {@code uid}
 * over LDAPS with the CA checked (a {@code crypto ca trustpoint} with {@code validation-usage ssl-server}), the
 * directory group mapped to a group-policy by {@code ldap attribute-map}, a wrong password, the filter-injection name
 * {@code alice*)(uid=*}, a server whose certificate another CA issued (named by the older {@code ldap-trusted-ca}
 * line, still read with a warning), a password the directory says must be changed first (changed through the
 * new-password form with {@code password-management}), one that expires within password-expire-in-days (the
 * same form, saying in how many days), and
 * {@code authorization-server-group} (the directory gives the group-policy of a user LOCAL accepted). slapd runs
 * inside the appliance's namespace on 127.0.0.1.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LdapLoginIT
{
    private static final int LDAP_PORT = 13890;
    private static final int LDAPS_PORT = LDAP_PORT + 1;
    private static final String LOCAL_ALICE_PASSWORD = "local-alice-pw";

    private static Testbed bed;
    private static SlapdServer slapd;

    @BeforeAll
    static void start()
    {
        SlapdServer.prerequisites();
        bed = Testbed.start(2, c -> c
            .tunnelGroupLine(" authentication-server-group DIR")
            .extraLine("ldap attribute-map GROUPS")
            .extraLine(" map-name memberOf Group-Policy")
            .extraLine(" map-value memberOf " + SlapdServer.STAFF_GROUP + " STAFF")
            // the ASA way: the directory's CA is a trustpoint that validates servers
            .extraLine("crypto ca trustpoint LDAPCA")
            .extraLine(" enrollment terminal")
            .extraLine(" ca-certificate disk0:/ldap-ca.pem")
            .extraLine(" validation-usage ssl-server")
            .extraLine("aaa-server DIR protocol ldap")
            .extraLine(ldapHost("DIR", null))
            .extraLine(" ldap-attribute-map GROUPS")
            .extraLine("aaa-server UNTRUSTED protocol ldap")
            .extraLine(ldapHost("UNTRUSTED", "other-ca.pem"))
            .extraLine("group-policy STAFF internal")
            .extraLine("group-policy STAFF attributes")
            .extraLine(" vpn-tunnel-protocol ssl-client")
            .extraLine(" banner value Welcome, staff.")
            .extraLine("tunnel-group UNTRUSTEDTG type remote-access")
            .extraLine("tunnel-group UNTRUSTEDTG general-attributes")
            .extraLine(" address-pool POOL")
            .extraLine(" authentication-server-group UNTRUSTED")
            .extraLine("tunnel-group UNTRUSTEDTG webvpn-attributes")
            .extraLine(" group-url https://" + Netns.SERVER_ADDRESS + "/untrusted enable")
            .extraLine("username alice password " + LOCAL_ALICE_PASSWORD)
            .extraLine("tunnel-group AUTHZ type remote-access")
            .extraLine("tunnel-group AUTHZ general-attributes")
            .extraLine(" address-pool POOL")
            .extraLine(" authentication-server-group LOCAL")
            .extraLine(" authorization-server-group DIR")
            .extraLine("tunnel-group AUTHZ webvpn-attributes")
            .extraLine(" group-url https://" + Netns.SERVER_ADDRESS + "/authz enable")
            .extraLine("tunnel-group PWCHANGE type remote-access")
            .extraLine("tunnel-group PWCHANGE general-attributes")
            .extraLine(" address-pool POOL")
            .extraLine(" authentication-server-group DIR")
            .extraLine(" password-management")
            .extraLine("tunnel-group PWCHANGE webvpn-attributes")
            .extraLine(" group-url https://" + Netns.SERVER_ADDRESS + "/pwchange enable"));
        slapd = bed.own(SlapdServer.start(bed.net().server(), LDAP_PORT));
        try
        {
            final java.nio.file.Path disk0 = bed.headend().stateDir().resolve("disk0");
            Files.copy(slapd.caFile(), disk0.resolve("ldap-ca.pem"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(slapd.otherCaFile(), disk0.resolve("other-ca.pem"), StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * One LDAPS host of {@code group}, its certificate checked against the ssl-server trustpoints, or against
     * {@code disk0:/caFile} by the older {@code ldap-trusted-ca} line when {@code caFile} is not null.
     */
    private static String ldapHost(final String group, final String caFile)
    {
        return "aaa-server " + group + " (outside) host 127.0.0.1\n"
            + " server-port " + LDAPS_PORT + "\n"
            + " timeout 5\n"
            + " ldap-base-dn ou=people," + SlapdServer.BASE + "\n"
            + " ldap-scope onelevel\n"
            + " ldap-naming-attribute uid\n"
            + " ldap-login-password " + SlapdServer.SERVICE_PASSWORD + "\n"
            + " ldap-login-dn " + SlapdServer.SERVICE_DN + "\n"
            + " ldap-over-ssl enable\n"
            + (caFile == null ? "" : " ldap-trusted-ca disk0:/" + caFile + "\n")
            + " server-type openldap";
    }

    private final List<OpenconnectClient> pathClients = new java.util.ArrayList<>();

    @AfterEach
    void stopClients()
    {
        pathClients.forEach(OpenconnectClient::close);
        bed.closeClients();
    }

    @AfterAll
    static void tearDown()
    {
        if (bed != null)
        {
            bed.close();
        }
    }

    /** A client for the tunnel-group reached by the URL path {@code /path}, closed after the test. */
    private OpenconnectClient pathClient(final int n, final String path, final String user)
    {
        final OpenconnectClient client = new OpenconnectClient(bed.net().client(n), bed.headend().url() + path,
            bed.headend().pin(), user, false, List.of());
        pathClients.add(client);
        return client;
    }

    /** Waits for openconnect to give up and checks that no tunnel came up. */
    private static void assertRefused(final OpenconnectClient client)
    {
        final Integer code = client.waitForExit(Duration.ofSeconds(40));
        assertNotNull(code, "openconnect should give up\n" + client.process().tails(40));
        assertNotEquals(0, code.intValue());
        assertTrue(client.scriptCalls().stream().noneMatch(c -> "connect".equals(c.get("reason"))));
    }

    @Test
    @Order(1)
    void shouldLogInByUidOverLdapsAndApplyTheGroupPolicyOfTheDirectoryGroup()
    {
        final OpenconnectClient alice = bed.client(1, "alice").startWithPassword("alicepw");
        alice.awaitConfigured(Duration.ofSeconds(40));
        final Map<String, String> env = alice.awaitScriptCall("connect", 1, Duration.ofSeconds(10));
        assertEquals("Welcome, staff.", env.get("CISCO_BANNER"), "memberOf " + SlapdServer.STAFF_GROUP
            + " maps to group-policy STAFF");
        assertTrue(NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 5).allAnswered());
        assertTrue(slapd.log().contains("BIND dn=\"" + SlapdServer.SERVICE_DN + "\""), "the search ran as the "
            + "service account");
        final String shown = bed.headend().console("show aaa-server DIR");
        assertTrue(shown.contains("Server Protocol: ldap") && shown.matches("(?s).*Number of accepts\\s+[1-9].*"),
            shown);

        final OpenconnectClient bob = bed.client(2, "bob").startWithPassword("bobpw");
        bob.awaitConfigured(Duration.ofSeconds(40));
        final Map<String, String> bobEnv = bob.awaitScriptCall("connect", 1, Duration.ofSeconds(10));
        assertNotEquals("Welcome, staff.", bobEnv.get("CISCO_BANNER"), "bob is in no mapped group");
    }

    @Test
    @Order(2)
    void shouldRefuseAWrongPassword()
    {
        final OpenconnectClient alice = bed.client(1, "alice").startWithPassword("bobpw");
        alice.process().waitFor("Login failed", Duration.ofSeconds(40));
        assertRefused(alice);
        assertTrue(bed.headend().process().err().text().contains("login failed for user alice"));
    }

    @Test
    @Order(3)
    void shouldSearchForAnInjectionAttemptAsAPlainNameAndRefuseIt()
    {
        final int mark = slapd.process().err().mark();
        final OpenconnectClient attacker = bed.client(1, "alice*)(uid=*").startWithPassword("alicepw");
        assertRefused(attacker);
        slapd.process().err().await("(?i)filter=\"\\(uid=alice\\\\2a\\\\29\\\\28uid=\\\\2a\\)\"", mark,
            Duration.ofSeconds(10));
        final String after = slapd.process().err().text().substring(mark);
        assertFalse(after.contains("BIND dn=\"uid=alice"), "nobody was bound as alice:\n" + after);
    }

    @Test
    @Order(4)
    void shouldRefuseAServerWhoseCertificateTheConfiguredCaDidNotIssue()
    {
        final int mark = slapd.process().err().mark();
        final OpenconnectClient alice = pathClient(1, "untrusted", "alice").startWithPassword("alicepw");
        assertRefused(alice);
        assertTrue(bed.headend().process().err().text().contains("unable to find valid certification path"),
            "the appliance says why the server was not used");
        assertTrue(bed.headend().process().err().text().contains("ldap-trusted-ca is not an ASA command"),
            "the older line still works, and the log says how to move to a trustpoint");
        assertFalse(slapd.process().err().text().substring(mark).contains("BIND dn="),
            "no password was sent to the untrusted server");
    }

    @Test
    @Order(5)
    void shouldTellAUserWhosePasswordMustBeChangedFirst()
    {
        final OpenconnectClient carol = bed.client(1, "carol").startWithPassword("carolpw");
        carol.process().waitFor("Your password must be changed", Duration.ofSeconds(40));
        assertRefused(carol);
    }

    /** After {@link #shouldTellAUserWhosePasswordMustBeChangedFirst}: carol's reset password is still the old one. */
    @Test
    @Order(8)
    void shouldLetTheUserChangeAResetPasswordWithPasswordManagement()
    {
        final String fresh = "carol-N3w-pw";
        final OpenconnectClient carol = new OpenconnectClient(bed.net().client(1), bed.headend().url() + "pwchange",
            bed.headend().pin(), "carol", false, List.of("--form-entry=passwd:new_password=" + fresh,
                "--form-entry=passwd:verify_password=" + fresh));
        pathClients.add(carol);
        carol.startWithPassword("carolpw");
        carol.awaitConfigured(Duration.ofSeconds(40));
        assertTrue(carol.process().out().text().contains("Your password must be changed")
            || carol.process().err().text().contains("Your password must be changed"),
            "openconnect showed the directory's message on the new-password form\n" + carol.process().tails(30));
        assertTrue(slapd.log().contains("PASSMOD") || slapd.log().contains("oid=1.3.6.1.4.1.4203.1.11.1"),
            "the change went to the directory as Password Modify");
        assertTrue(bed.headend().console("test aaa-server authentication DIR host 127.0.0.1 username carol password "
            + fresh).contains("INFO: Authentication Successful"), "the directory holds the new password");
        assertFalse(bed.headend().process().err().text().contains(fresh), "the new password never reaches the log");
    }

    /** dave's password expires in 10 days: within password-management's default 14, so he is asked first. */
    @Test
    @Order(9)
    void shouldAskForANewPasswordBeforeItExpiresAndConnectWithIt()
    {
        final String fresh = "dave-N3w-pw";
        final OpenconnectClient dave = new OpenconnectClient(bed.net().client(1), bed.headend().url() + "pwchange",
            bed.headend().pin(), "dave", false, List.of("--form-entry=passwd:new_password=" + fresh,
                "--form-entry=passwd:verify_password=" + fresh));
        pathClients.add(dave);
        dave.startWithPassword("davepw");
        dave.awaitConfigured(Duration.ofSeconds(40));
        final String shown = dave.process().out().text() + dave.process().err().text();
        assertTrue(shown.matches("(?s).*Your password expires in (9|10) days.*"),
            "openconnect showed in how many days the password expires\n" + dave.process().tails(30));
        assertTrue(bed.headend().console("test aaa-server authentication DIR host 127.0.0.1 username dave password "
            + fresh).contains("INFO: Authentication Successful"), "the directory holds the new password");
        assertFalse(bed.headend().process().err().text().contains(fresh), "the new password never reaches the log");
    }

    @Test
    @Order(7)
    void shouldTakeTheGroupPolicyFromTheDirectoryWhenAnotherBackEndCheckedThePassword()
    {
        final int mark = slapd.process().err().mark();
        final OpenconnectClient alice = pathClient(1, "authz", "alice").startWithPassword(LOCAL_ALICE_PASSWORD);
        alice.awaitConfigured(Duration.ofSeconds(40));
        final Map<String, String> env = alice.awaitScriptCall("connect", 1, Duration.ofSeconds(10));
        assertEquals("Welcome, staff.", env.get("CISCO_BANNER"), "LOCAL checked the password, LDAP gave STAFF");
        assertFalse(slapd.process().err().text().substring(mark).contains("BIND dn=\"uid=alice"),
            "authorization never binds as the user");
    }

    @Test
    @Order(6)
    void shouldTestAServerFromTheCliAndMaskTheServiceAccountPassword()
    {
        final String tested = bed.headend().console(
            "test aaa-server authentication DIR host 127.0.0.1 username alice password alicepw");
        assertTrue(tested.contains("INFO: Authentication Successful"), tested);
        final String running = bed.headend().console("show running-config aaa-server");
        assertTrue(running.contains(" ldap-login-password *****"), running);
        assertFalse(running.contains(SlapdServer.SERVICE_PASSWORD), running);
        assertFalse(bed.headend().process().err().text().contains(SlapdServer.SERVICE_PASSWORD),
            "the service account's password never reaches the log");
    }
}
