package org.headend.control.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.headend.control.config.ConfigStore;
import org.headend.control.flash.FlashStore;
import org.headend.control.http.ClientInfo;
import org.headend.control.http.HttpAnswer;
import org.headend.control.session.AddressPools;
import org.headend.control.session.SessionManager;
import org.headend.control.tls.CertificateCheck;
import org.headend.control.tls.ClientCertificateValidator;
import org.headend.control.tls.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Aggregate auth of tunnel-groups that want a client certificate: alone, or with the password. */
class CertificateLoginTest
{
    @TempDir
    Path dir;
    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
    private TestPki ca;
    private SessionManager sessions;
    private AggregateAuth auth;

    @BeforeEach
    void setUp() throws Exception
    {
        ca = TestPki.ca("Login CA");
        final FlashStore flash = FlashStore.inStateDir(dir);
        Files.writeString(flash.root().resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder().encodeToString(ca.certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        final Path file = dir.resolve("startup-config");
        Files.writeString(file, """
            username bob password bobpw
            crypto ca trustpoint CA
             ca-certificate disk0:/ca.pem
            tunnel-group CERT type remote-access
            tunnel-group CERT general-attributes
             username-from-certificate CN
            tunnel-group CERT webvpn-attributes
             authentication certificate
             group-url https://vpn.example.com/cert enable
            tunnel-group BOTH type remote-access
            tunnel-group BOTH webvpn-attributes
             authentication aaa certificate
             group-url https://vpn.example.com/both enable
            webvpn
             anyconnect enable
            """);
        final ConfigStore config = ConfigStore.load(file);
        sessions = new SessionManager(control, null, new AddressPools(Set.of(), Set.of()), null,
            (group, user) -> config.current().effectivePolicy(group, user), System::nanoTime, Clock.systemUTC());
        auth = new AggregateAuth(config::current, sessions, new LoginContexts(),
            new Logins(config::current, new FailedLoginLimiter(), System::nanoTime), () -> "AB", System::nanoTime,
            Runnable::run).certificates(new ClientCertificateValidator(flash, Runnable::run, Clock.systemUTC()));
    }

    @AfterEach
    void tearDown()
    {
        control.shutdownNow();
    }

    @Test
    void shouldOpenTheSessionAtInitNamedByTheCertificate() throws Exception
    {
        final String xml = body(init("/cert", client(ca.issue("CN=alice,O=Example", null))));
        assertTrue(xml.contains("<auth id=\"success\">"), xml);
        assertEquals(List.of("alice"), sessions.list().stream().map(s -> s.username()).toList());
    }

    @Test
    void shouldRefuseAtInitWithTheReasonWhenTheCertificateIsMissingOrForeign() throws Exception
    {
        final String none = body(init("/cert", client()));
        assertTrue(none.contains(CertificateCheck.NONE_SENT), none);
        assertFalse(none.contains("<form>"), "no password form for a certificate-only group");
        final String foreign = body(init("/cert", client(TestPki.ca("Other CA").issue("CN=alice", null))));
        assertTrue(foreign.contains("not issued by a trusted CA"), foreign);
        assertTrue(sessions.list().isEmpty());
    }

    @Test
    void shouldRefuseAPasswordLoginToACertificateOnlyGroup()
    {
        final AggregateAuth.Verdict verdict = auth.authenticate("bob", "bobpw", "CERT", client(),
            Set.of("ssl-client")).toCompletableFuture().join();
        assertFalse(verdict.ok());
        assertTrue(verdict.terminal());
    }

    @Test
    void shouldWantTheCertificateAndThePasswordForAaaCertificate() throws Exception
    {
        final ClientInfo withCertificate = client(ca.issue("CN=anyone", null));
        assertTrue(body(init("/both", withCertificate)).contains("name=\"password\""), "the form is shown");
        assertFalse(auth.authenticate("bob", "wrong", "BOTH", withCertificate, Set.of("ssl-client"))
            .toCompletableFuture().join().ok());
        final AggregateAuth.Verdict foreign = auth.authenticate("bob", "bobpw", "BOTH",
            client(TestPki.ca("Other CA").issue("CN=bob", null)), Set.of("ssl-client")).toCompletableFuture().join();
        assertFalse(foreign.ok());
        assertTrue(foreign.error().contains("not issued by a trusted CA"), foreign.error());
        assertTrue(auth.authenticate("bob", "bobpw", "BOTH", withCertificate, Set.of("ssl-client"))
            .toCompletableFuture().join().ok());
    }

    private HttpAnswer init(final String path, final ClientInfo client)
    {
        return auth.onMessage(new AuthMessage("init", "v9.01-3", "linux-64", null, null, null, Map.of(), null),
            Map.of(), client, path).toCompletableFuture().join();
    }

    private static ClientInfo client(final X509Certificate... chain)
    {
        return new ClientInfo("10.77.0.2", 40000, 443, "Open AnyConnect VPN Agent v9.01-3", "TLSv1.3",
            "TLS_AES_128_GCM_SHA256", List.of(chain));
    }

    private static String body(final HttpAnswer answer)
    {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }
}
