package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Logins by client certificate (issue 12 item 5) with the real openconnect's {@code -c}/{@code -k}: a tunnel-group
 * of {@code authentication certificate} lets a certificate of the trustpoint's CA in alone, named by its CN; one of
 * {@code aaa certificate} wants the certificate and the password; a certificate the CRL on disk0: lists, and one
 * of another CA, are refused with the reason; a client without a certificate still logs in by password where that
 * is the method. The test PKI is made here; the CA and CRL files are put on the appliance's disk0:.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CertificateLoginIT
{
    private static final Duration LOGIN = Duration.ofSeconds(30);

    private static Testbed bed;
    private static ClientPki.Client alice;
    private static ClientPki.Client carol;
    private static ClientPki.Client mallory;

    private final List<OpenconnectClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception
    {
        bed = Testbed.start(2, c -> c
            .user("bob", "bobpw")
            .extraLine("crypto ca trustpoint CLIENT-CA")
            .extraLine(" enrollment terminal")
            .extraLine(" ca-certificate disk0:/pki/client-ca.pem")
            .extraLine(" revocation-check crl")
            .extraLine(" crl file disk0:/pki/client-ca.crl")
            .extraLine(tunnelGroup("CERTTG", "cert", "certificate"))
            .extraLine(tunnelGroup("BOTHTG", "both", "aaa certificate")));
        final Path dir = Harness.tempDir("pki-");
        final ClientPki ca = ClientPki.ca("Client CA");
        alice = ca.issue("alice", dir);
        carol = ca.issue("carol", dir);
        mallory = ClientPki.ca("Other CA").issue("mallory", dir);
        final Path disk0 = bed.headend().stateDir().resolve("disk0");
        ca.writeCertificate(disk0.resolve("pki/client-ca.pem"));
        ca.writeCrl(disk0.resolve("pki/client-ca.crl"), List.of(carol.certificate()));
    }

    /** A tunnel-group reached by the URL path {@code /path} whose users log in by {@code authentication}. */
    private static String tunnelGroup(final String name, final String path, final String authentication)
    {
        return "tunnel-group " + name + " type remote-access\n"
            + "tunnel-group " + name + " general-attributes\n"
            + " address-pool POOL\n"
            + " default-group-policy GP\n"
            + " username-from-certificate CN\n"
            + "tunnel-group " + name + " webvpn-attributes\n"
            + " authentication " + authentication + "\n"
            + " group-url https://" + Netns.SERVER_ADDRESS + "/" + path + " enable";
    }

    @AfterEach
    void stopClients()
    {
        clients.forEach(OpenconnectClient::close);
        clients.clear();
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

    private OpenconnectClient client(final String path, final String user, final List<String> options)
    {
        final OpenconnectClient client = new OpenconnectClient(bed.net().client(1), bed.headend().url() + path,
            bed.headend().pin(), user, false, options);
        clients.add(client);
        return client;
    }

    @Test
    void shouldLogInByCertificateAloneAndNameTheSessionByItsCommonName()
    {
        // the typed user name is not asked for: the session is named by the certificate
        final OpenconnectClient client = client("cert", "someone-else", alice.options()).startWithPassword("");
        client.awaitConfigured(LOGIN);
        assertTrue(NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 3).allAnswered());
        final String sessions = bed.headend().console("show vpn-sessiondb anyconnect");
        assertTrue(sessions.matches("(?s).*Username\\s*:\\s*alice\\b.*"), sessions);
        assertTrue(bed.headend().process().err().text().contains("accepted by trustpoint CLIENT-CA"),
            "the log names the trustpoint");
    }

    @Test
    void shouldWantBothTheCertificateAndThePasswordForAaaCertificate()
    {
        final OpenconnectClient wrong = client("both", "bob", alice.options()).startWithPassword("not-bobs");
        assertRefused(wrong, "Login failed");

        final OpenconnectClient noCertificate = client("both", "bob", List.of()).startWithPassword("bobpw");
        assertRefused(noCertificate, "A client certificate is required");

        final OpenconnectClient both = client("both", "bob", alice.options()).startWithPassword("bobpw");
        both.awaitConfigured(LOGIN);
        final String sessions = bed.headend().console("show vpn-sessiondb anyconnect");
        assertTrue(sessions.matches("(?s).*Username\\s*:\\s*bob\\b.*"), sessions);
    }

    @Test
    void shouldRefuseACertificateTheCrlOnDisk0Lists()
    {
        final OpenconnectClient client = client("cert", "carol", carol.options()).startWithPassword("");
        assertRefused(client, "the certificate is revoked");
    }

    @Test
    void shouldRefuseACertificateOfAnotherCa()
    {
        final OpenconnectClient client = client("cert", "mallory", mallory.options()).startWithPassword("");
        assertRefused(client, "not issued by a trusted CA");
    }

    @Test
    void shouldStillLetPasswordClientsInWhileCertificatesAreAskedFor()
    {
        // the server asks for a certificate (some tunnel-group wants one) but does not require it
        final OpenconnectClient client = bed.client(2, "bob").startWithPassword("bobpw");
        client.awaitConfigured(LOGIN);
        final OpenconnectClient noCertificate = client("cert", "bob", List.of()).startWithPassword("bobpw");
        assertRefused(noCertificate, "A client certificate is required");
    }

    /** openconnect gives up, prints {@code why} (the server's message), and no tunnel comes up. */
    private static void assertRefused(final OpenconnectClient client, final String why)
    {
        final Integer code = client.waitForExit(LOGIN);
        assertNotNull(code, "openconnect should give up\n" + client.process().tails(40));
        assertNotEquals(0, code.intValue());
        assertTrue(client.scriptCalls().stream().noneMatch(c -> "connect".equals(c.get("reason"))));
        final String said = client.process().out().text() + client.process().err().text();
        assertTrue(said.contains(why), "openconnect shows why: " + why + "\n" + client.process().tails(40));
    }
}
