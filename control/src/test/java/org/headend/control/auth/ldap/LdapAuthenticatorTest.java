package org.headend.control.auth.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.util.ssl.KeyStoreKeyManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.cert.ManageCertificates;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.headend.control.auth.AuthOutcome;
import org.headend.control.auth.AuthRequest;
import org.headend.control.auth.FailedLoginLimiter;
import org.headend.control.auth.Logins;
import org.headend.control.config.AaaServerGroup;
import org.headend.control.config.ConfigStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The LDAP back end against UnboundID's in-memory directory server on loopback, with real TLS: logins by uid with
 * the group mapped to a group-policy, wrong and empty passwords, a filter-injection attempt, StartTLS and LDAPS with
 * the CA checked (and refused with another CA or the JDK's public CAs), failover from a dead server.
 */
class LdapAuthenticatorTest
{
    private static final String BASE = "dc=example,dc=com";
    private static final String STAFF = "cn=staff,ou=groups," + BASE;

    private static Path dir;
    private static InMemoryDirectoryServer server;
    private static ConfigStore store;

    @BeforeAll
    static void start() throws Exception
    {
        dir = Files.createTempDirectory("ldap-test-");
        final Path keystore = selfSigned("server", "127.0.0.1", dir.resolve("ca.pem"));
        selfSigned("other", "127.0.0.1", dir.resolve("other-ca.pem"));
        final Path elsewhere = selfSigned("elsewhere", "127.0.0.9", dir.resolve("elsewhere.pem"));
        final SSLUtil elsewhereTls = new SSLUtil(new KeyStoreKeyManager(elsewhere.toFile(),
            "changeit".toCharArray(), "PKCS12", "server"), null);
        final SSLUtil serverTls = new SSLUtil(new KeyStoreKeyManager(keystore.toFile(), "changeit".toCharArray(),
            "PKCS12", "server"), null);
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        final InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        config.setSchema(null); // memberOf is not in the standard schema; real servers compute it
        config.setListenerConfigs(
            InMemoryListenerConfig.createLDAPConfig("ldap", loopback, 0, serverTls.createSSLSocketFactory()),
            InMemoryListenerConfig.createLDAPSConfig("ldaps", loopback, 0, serverTls.createSSLServerSocketFactory(),
                null),
            InMemoryListenerConfig.createLDAPSConfig("elsewhere", loopback, 0,
                elsewhereTls.createSSLServerSocketFactory(), null));
        server = new InMemoryDirectoryServer(config);
        TestDirectory.addPeople(server, BASE);
        TestDirectory.addServiceAccount(server, BASE);
        server.add("dn: uid=alice,ou=people," + BASE, "objectClass: inetOrgPerson", "uid: alice", "cn: Alice",
            "sn: A", "userPassword: alicepw", "memberOf: " + STAFF);
        server.add("dn: uid=bob,ou=people," + BASE, "objectClass: inetOrgPerson", "uid: bob", "cn: Bob",
            "sn: B", "userPassword: bobpw");
        server.startListening();
        final Path cfg = dir.resolve("startup-config");
        Files.writeString(cfg, """
            ldap attribute-map GROUPS
             map-name memberOf Group-Policy
             map-value memberOf %s STAFF
            """.formatted(STAFF) + TestDirectory.aaaServer("STARTTLS", port("ldap"), BASE) + """
             ldap-naming-attribute uid
             ldap-login-password svc-pw
             ldap-login-dn cn=vpn,ou=services,%s
             ldap-over-ssl starttls
             ldap-trusted-ca disk0:/ca.pem
             ldap-attribute-map GROUPS
            """.formatted(BASE) + TestDirectory.aaaServer("LDAPS", port("ldaps"), BASE) + """
             ldap-over-ssl enable
             ldap-trusted-ca disk0:/ca.pem
            """ + TestDirectory.aaaServer("OTHERCA", port("ldaps"), BASE) + """
             ldap-over-ssl enable
             ldap-trusted-ca disk0:/other-ca.pem
            """ + TestDirectory.aaaServer("PUBLICCA", port("ldap"), BASE) + """
             ldap-over-ssl starttls
            """ + TestDirectory.aaaServer("ELSEWHERE", port("elsewhere"), BASE) + """
             ldap-over-ssl enable
             ldap-trusted-ca disk0:/elsewhere.pem
            aaa-server FO protocol ldap
             max-failed-attempts 1
            aaa-server FO (inside) host 127.0.0.2
             server-port %d
             timeout 2
             ldap-base-dn ou=people,%s
            aaa-server FO (inside) host 127.0.0.1
             server-port %d
             timeout 3
             ldap-base-dn ou=people,%s
            """.formatted(port("ldap"), BASE, port("ldap"), BASE));
        store = ConfigStore.load(cfg);
    }

    @AfterAll
    static void stop()
    {
        if (server != null)
        {
            server.shutDown(true);
        }
    }

    private static int port(final String listener)
    {
        return server.getListenPort(listener);
    }

    /** A PKCS#12 key store with a self-signed certificate naming {@code ip}; its certificate as PEM at {@code pem}. */
    private static Path selfSigned(final String alias, final String ip, final Path pem)
    {
        final Path keystore = dir.resolve(alias + ".p12");
        tool("generate-self-signed-certificate", "--keystore", keystore.toString(), "--keystore-password", "changeit",
            "--keystore-type", "PKCS12", "--alias", "server", "--subject-dn", "CN=" + alias,
            "--subject-alternative-name-ip-address", ip, "--days-valid", "2");
        tool("export-certificate", "--keystore", keystore.toString(), "--keystore-password", "changeit",
            "--alias", "server", "--output-format", "PEM", "--output-file", pem.toString());
        return keystore;
    }

    private static void tool(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ResultCode code = ManageCertificates.main(null, out, out, args);
        assertEquals(ResultCode.SUCCESS, code, out.toString());
    }

    private static LdapAuthenticator backend(final String group)
    {
        final AaaServerGroup config = store.current().aaaServer(group).orElseThrow();
        final Function<String, Path> flash = path -> dir.resolve(path.substring("disk0:/".length()));
        return new LdapAuthenticator(config, store::current, flash, System::nanoTime);
    }

    private static AuthOutcome login(final LdapAuthenticator backend, final String user, final String password)
        throws Exception
    {
        return backend.authenticate(AuthRequest.first(user, password, "192.0.2.1", AuthRequest.Purpose.VPN))
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void shouldLogInByUidOverStartTlsAndMapTheGroupToItsGroupPolicy() throws Exception
    {
        try (LdapAuthenticator backend = backend("STARTTLS"))
        {
            final AuthOutcome.Accepted alice = assertInstanceOf(AuthOutcome.Accepted.class,
                login(backend, "alice", "alicepw"));
            assertEquals("alice", alice.username());
            assertEquals("STAFF", alice.groupPolicy(), "memberOf " + STAFF + " maps to STAFF");
            assertEquals("STARTTLS", alice.backend());
            final AuthOutcome.Accepted bob = assertInstanceOf(AuthOutcome.Accepted.class,
                login(backend, "bob", "bobpw"));
            assertEquals(null, bob.groupPolicy(), "bob is in no mapped group");
        }
    }

    @Test
    void shouldRefuseAWrongPasswordAnEmptyPasswordAndAnUnknownUser() throws Exception
    {
        try (LdapAuthenticator backend = backend("STARTTLS"))
        {
            assertInstanceOf(AuthOutcome.Rejected.class, login(backend, "alice", "bobpw"));
            assertInstanceOf(AuthOutcome.Rejected.class, login(backend, "alice", ""),
                "an empty password would be an anonymous bind");
            assertInstanceOf(AuthOutcome.Rejected.class, login(backend, "mallory", "alicepw"));
            final LdapAuthenticator.HostStatus status = backend.status().getFirst();
            assertEquals(2, status.rejects(), "the empty password never reaches the server");
            assertEquals(0, status.failures(), "refusals are answers, not server failures");
        }
    }

    @Test
    void shouldTreatFilterSyntaxInTheNameAsPlainCharacters() throws Exception
    {
        assertEquals("(uid=alice\\2a\\29\\28uid=\\2a)", LdapLogin.userFilter("uid", "alice*)(uid=*").toString());
        try (LdapAuthenticator backend = backend("STARTTLS"))
        {
            for (final String attack : List.of("alice*)(uid=*", "*", "alice)(|(uid=*", "a*"))
            {
                assertInstanceOf(AuthOutcome.Rejected.class, login(backend, attack, "alicepw"), attack);
            }
            assertInstanceOf(AuthOutcome.Accepted.class, login(backend, "alice", "alicepw"));
        }
    }

    @Test
    void shouldLookAUserUpWithoutAPasswordForAuthorization() throws Exception
    {
        try (LdapAuthenticator backend = backend("STARTTLS"))
        {
            final AuthOutcome.Accepted alice = assertInstanceOf(AuthOutcome.Accepted.class,
                backend.authorize("alice").toCompletableFuture().get(30, TimeUnit.SECONDS));
            assertEquals("STAFF", alice.groupPolicy());
            for (final String unknown : List.of("mallory", "alice*", "*"))
            {
                assertInstanceOf(AuthOutcome.Rejected.class,
                    backend.authorize(unknown).toCompletableFuture().get(30, TimeUnit.SECONDS), unknown);
            }
        }
    }

    @Test
    void shouldKeepTheAuthenticatingServersFilterWhenTheDirectoryAuthorizes() throws Exception
    {
        try (Logins logins = new Logins(store::current, new FailedLoginLimiter(), System::nanoTime)
            .flash(path -> dir.resolve(path.substring("disk0:/".length()))))
        {
            logins.apply(store.current());
            // what a RADIUS server accepted alice with: a Filter-Id and an address, no group-policy
            final AuthOutcome.Accepted radius = new AuthOutcome.Accepted("alice", null,
                (java.net.Inet4Address)java.net.InetAddress.getByName("10.44.0.7"), null, "RAD", "RADIUS-ACL");
            final AuthOutcome.Accepted authorized = assertInstanceOf(AuthOutcome.Accepted.class,
                logins.authorize("STARTTLS", radius, AuthRequest.first("alice", "", "192.0.2.1",
                    AuthRequest.Purpose.VPN)).toCompletableFuture().get(30, TimeUnit.SECONDS));
            assertEquals("STAFF", authorized.groupPolicy(), "the directory's group-policy");
            assertEquals("RADIUS-ACL", authorized.vpnFilter(), "the RADIUS Filter-Id still holds the session");
            assertEquals(radius.framedAddress(), authorized.framedAddress());
        }
    }

    @Test
    void shouldLogInOverLdapsWithTheConfiguredCa() throws Exception
    {
        try (LdapAuthenticator backend = backend("LDAPS"))
        {
            assertInstanceOf(AuthOutcome.Accepted.class, login(backend, "alice", "alicepw"));
        }
    }

    @Test
    void shouldTrustTheCaOfTheTrustpointsThatValidateServersOnly() throws Exception
    {
        final String trustpoints = """
            crypto ca trustpoint LDAPCA
             enrollment terminal
             ca-certificate disk0:/ca.pem
            %s
            crypto ca trustpoint CLIENTS
             enrollment terminal
             ca-certificate disk0:/other-ca.pem
            """ + TestDirectory.aaaServer("TP", port("ldaps"), BASE) + """
             ldap-over-ssl enable
            """;
        for (final String usage : List.of(" validation-usage ssl-server", " validation-usage ssl-client"))
        {
            final Path cfg = dir.resolve("trustpoint.cfg");
            Files.writeString(cfg, trustpoints.formatted(usage));
            final ConfigStore config = ConfigStore.load(cfg);
            final Function<String, Path> flash = path -> dir.resolve(path.substring("disk0:/".length()));
            try (LdapAuthenticator backend = new LdapAuthenticator(config.current().aaaServer("TP").orElseThrow(),
                config::current, flash, System::nanoTime))
            {
                final AuthOutcome outcome = login(backend, "alice", "alicepw");
                if (usage.endsWith("ssl-server"))
                {
                    assertInstanceOf(AuthOutcome.Accepted.class, outcome, "the CA of LDAPCA vouches for the server");
                }
                else
                {
                    assertInstanceOf(AuthOutcome.Unavailable.class, outcome,
                        "a trustpoint for client certificates does not vouch for servers: " + outcome);
                }
            }
        }
    }

    @Test
    void shouldRefuseAServerWhoseCertificateTheCaDidNotIssueOrThatNamesAnotherAddress() throws Exception
    {
        for (final String group : List.of("OTHERCA", "PUBLICCA", "ELSEWHERE"))
        {
            try (LdapAuthenticator backend = backend(group))
            {
                final AuthOutcome outcome = login(backend, "alice", "alicepw");
                assertInstanceOf(AuthOutcome.Unavailable.class, outcome, group + ": " + outcome);
                assertEquals(1, backend.status().getFirst().failures(), group);
            }
        }
    }

    @Test
    void shouldFailOverFromADeadServerToTheNextAndMarkItFailed() throws Exception
    {
        try (LdapAuthenticator backend = backend("FO"))
        {
            assertInstanceOf(AuthOutcome.Accepted.class, login(backend, "alice", "alicepw"));
            final List<LdapAuthenticator.HostStatus> status = backend.status();
            assertTrue(status.get(0).failed(), status.toString());
            assertEquals(1, status.get(1).accepts(), status.toString());
            assertInstanceOf(AuthOutcome.Accepted.class, login(backend, "alice", "alicepw"));
            assertEquals(1, backend.status().get(0).requests(), "a failed server is skipped");
            final AuthOutcome tested = backend.test(InetAddress.getByName("127.0.0.2"),
                AuthRequest.first("alice", "alicepw", null, AuthRequest.Purpose.MANAGEMENT))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertInstanceOf(AuthOutcome.Unavailable.class, tested, "test aaa-server asks that one host only");
        }
    }
}
