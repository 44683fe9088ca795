package org.headend.control.auth.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchResult;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindResult;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.headend.control.auth.AuthOutcome;
import org.headend.control.auth.AuthRequest;
import org.headend.control.config.AaaServerGroup;
import org.headend.control.config.ConfigStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * User enumeration by timing (issue 12): a login for a name the directory does not have must make the same exchanges
 * with the server as a wrong password for a name it has — connect, service bind, search, a bind with the typed
 * password and the password-policy control — so neither the time nor the traffic tells the two apart. Checked by
 * recording every operation the directory (UnboundID's in-memory server) answers, per connection, not by wall time.
 */
class LdapUserEnumerationTest
{
    private static final String BASE = "dc=example,dc=com";
    private static final String SERVICE_DN = "cn=vpn,ou=services," + BASE;
    private static final String PPOLICY_OID = "1.3.6.1.4.1.42.2.27.8.5.1";

    private static InMemoryDirectoryServer server;
    private static ConfigStore store;
    /** What each connection asked and was answered, in order: e.g. {@code bind service success}. */
    private static final Map<Long, List<String>> exchanges = new TreeMap<>();

    @BeforeAll
    static void start() throws Exception
    {
        server = TestDirectory.onLoopback(BASE, new InMemoryOperationInterceptor()
        {
            @Override
            public void processSimpleBindResult(final InMemoryInterceptedSimpleBindResult bind)
            {
                final boolean service = SERVICE_DN.equals(bind.getRequest().getBindDN());
                record(bind.getConnectionID(), "bind " + (service ? "service" : "user")
                    + (bind.getRequest().hasControl(PPOLICY_OID) ? " +ppolicy " : " ")
                    + bind.getResult().getResultCode().getName());
            }

            @Override
            public void processSearchResult(final InMemoryInterceptedSearchResult search)
            {
                record(search.getConnectionID(), "search " + search.getRequest().getScope().getName() + " "
                    + search.getResult().getResultCode().getName());
            }
        });
        TestDirectory.addServiceAccount(server, BASE);
        server.add("dn: uid=alice,ou=people," + BASE, "objectClass: inetOrgPerson", "uid: alice", "cn: Alice",
            "sn: A", "userPassword: alicepw");
        server.startListening();
        final Path dir = Files.createTempDirectory("ldap-enum-");
        final Path cfg = dir.resolve("startup-config");
        Files.writeString(cfg, TestDirectory.aaaServer("DIR", server.getListenPort("ldap"), BASE) + """
             ldap-naming-attribute uid
             ldap-login-password svc-pw
             ldap-login-dn %s
            """.formatted(SERVICE_DN));
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

    private static synchronized void record(final long connection, final String what)
    {
        exchanges.computeIfAbsent(connection, c -> new ArrayList<>()).add(what);
    }

    /** The exchanges of the one login {@code user}/{@code password} makes, and its outcome. */
    private static List<String> exchangesOf(final LdapAuthenticator backend, final String user, final String password)
        throws Exception
    {
        final Map<Long, List<String>> before;
        synchronized (LdapUserEnumerationTest.class)
        {
            before = new TreeMap<>(exchanges);
        }
        final AuthOutcome outcome = backend.authenticate(AuthRequest.first(user, password, "192.0.2.1",
            AuthRequest.Purpose.VPN)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertInstanceOf(AuthOutcome.Rejected.class, outcome, user);
        synchronized (LdapUserEnumerationTest.class)
        {
            final List<List<String>> fresh = exchanges.entrySet().stream()
                .filter(e -> !before.containsKey(e.getKey())).map(Map.Entry::getValue).toList();
            assertEquals(1, fresh.size(), "one connection per login: " + fresh);
            return List.copyOf(fresh.getFirst());
        }
    }

    @Test
    void shouldMakeTheSameExchangesForAnUnknownUserAsForAWrongPassword() throws Exception
    {
        final AaaServerGroup group = store.current().aaaServer("DIR").orElseThrow();
        try (LdapAuthenticator backend = new LdapAuthenticator(group, store::current, path ->
        {
            throw new IllegalArgumentException(path);
        }, System::nanoTime))
        {
            final List<String> wrongPassword = exchangesOf(backend, "alice", "not-alices-password");
            final List<String> unknownUser = exchangesOf(backend, "mallory", "not-alices-password");
            assertEquals(List.of("bind service success", "search ONE success", "bind user +ppolicy invalid credentials"),
                wrongPassword, "a wrong password: service bind, search, user bind refused");
            assertEquals(wrongPassword, unknownUser, "an unknown name must look the same to the server");
            final List<String> injection = exchangesOf(backend, "alice*)(uid=*", "alicepw");
            assertEquals(wrongPassword, injection, "a filter-injection name is just another unknown name");
            final LdapAuthenticator.HostStatus status = backend.status().getFirst();
            assertEquals(3, status.rejects(), "all three are counted as the same kind of answer");
            assertEquals(0, status.failures());
        }
    }

    @Test
    void shouldPutTheDecoyEntryUnderTheBaseDnWithANameNoDirectoryHolds()
    {
        final var ldap = store.current().aaaServer("DIR").orElseThrow().hosts().getFirst().ldap();
        final String decoy = LdapLogin.decoyDn(ldap);
        assertTrue(decoy.startsWith("uid=headend-no-such-user-") && decoy.endsWith(",ou=people," + BASE), decoy);
        assertNull(assertDoesNotThrow(() -> server.getEntry(decoy)), "the directory has no such entry");
    }
}
