package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every listener change applies live, typed by an operator over SSH (issue 14 item 2): a new {@code port} takes new
 * logins at once and the old one refuses them; a new {@code dtls port} is what new clients are told and get DTLS
 * on; {@code no enable outside} stops new logins and {@code enable outside} brings them back; a port that cannot be
 * bound is refused with the reason and changes nothing; a second enabled interface takes TLS and DTLS logins at its
 * own address; {@code ssl trust-point} hands new clients the new
 * certificate. Throughout, a client that connected first (with DTLS, on the first port and certificate) keeps
 * passing pings without reconnecting. {@code write memory} and a restart keep all of it.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ListenersLiveIT
{
    private static final String ADMIN_PASSWORD = "admin-secret";
    private static final String SERVER = Netns.SERVER_ADDRESS;
    private static final String DTLS_UP = "Established DTLS connection";
    private static final Duration UP = Duration.ofSeconds(30);
    /** The second interface's address, on a veth of the server namespace, routed from client 2. */
    private static final String DMZ = "10.66.0.1";
    private static final String DMZ_NET = "10.66.0.0/24";

    private static Testbed bed;
    private static Path knownHosts;
    private final List<OpenconnectClient> own = new ArrayList<>();

    @BeforeAll
    static void start()
    {
        SshCli.prerequisites();
        knownHosts = Harness.tempDir("ssh-").resolve("known_hosts");
        bed = Testbed.start(4, c -> c
            .user("carol", "carol-secret")
            .user("dave", "dave-secret")
            .extraLine("username admin password " + ADMIN_PASSWORD + " privilege 15")
            .extraLine("aaa authentication ssh console LOCAL")
            .extraLine("ssh 10.77.0.0 255.255.255.0 outside"));
    }

    @AfterAll
    static void tearDown()
    {
        if (bed != null)
        {
            bed.close();
        }
    }

    @Test
    void shouldApplyPortDtlsPortEnableAndTrustPointLiveWithoutDisturbingATunnel() throws Exception
    {
        try
        {
            run();
        }
        finally
        {
            own.forEach(OpenconnectClient::close);
        }
    }

    private void run() throws Exception
    {
        final String firstPin = bed.headend().pin();
        final OpenconnectClient first = bed.dtlsClient(1, "demo").startWithPassword("demo-secret");
        first.awaitConfigured(UP);
        first.process().waitFor(DTLS_UP, Duration.ofSeconds(20));
        assertPings(first);

        try (SshCli cli = SshCli.login(bed.net().client(4), SERVER, "admin", ADMIN_PASSWORD, knownHosts, false))
        {
            // a port that is taken (the SSH server's) is refused with the reason, and nothing changes
            final String refused = configure(cli, "webvpn", "port 22");
            assertTrue(refused.contains("cannot listen") && refused.contains(SERVER + ":22"), refused);
            assertFalse(cli.command("show running-config webvpn").contains("port 22"));
            assertTrue(tcpOpen(443), "still listening on 443");

            configure(cli, "webvpn", "port 8443");
            assertFalse(tcpOpen(443), "the old port refuses new connections");
            final OpenconnectClient second = client(2, "bob", 8443, firstPin, true).startWithPassword("bob-secret");
            second.awaitConfigured(UP);
            assertDtlsPort(second, 8443, "without dtls port, DTLS follows port");
            assertPings(first);

            configure(cli, "webvpn", "dtls port 8444");
            second.close();
            final OpenconnectClient third = client(2, "carol", 8443, firstPin, true).startWithPassword("carol-secret");
            third.awaitConfigured(UP);
            assertDtlsPort(third, 8444, "new clients are told the new DTLS port and get DTLS there");
            third.close();
            assertPings(first);

            configure(cli, "webvpn", "no enable outside");
            assertFalse(tcpOpen(8443), "no enable outside: new logins are refused");
            assertPings(first);
            configure(cli, "webvpn", "enable outside");
            assertTrue(tcpOpen(8443), "enable outside: listening again");
            final OpenconnectClient back = client(2, "carol", 8443, firstPin, false).startWithPassword("carol-secret");
            back.awaitConfigured(UP);
            back.close();
            assertPings(first);

            // a second interface: its own address, TLS and DTLS there too, the outside untouched
            Netns.exec(bed.net().server(), "ip", "link", "add", "dmz0", "type", "veth", "peer", "name", "dmz0p")
                .check();
            Netns.exec(bed.net().server(), "ip", "link", "set", "dmz0p", "up").check();
            Netns.exec(bed.net().client(2), "ip", "route", "add", DMZ_NET, "via", SERVER).check();
            configure(cli, "interface dmz0", "nameif dmz", "ip address " + DMZ + " 255.255.255.0", "exit", "webvpn",
                "enable dmz");
            final OpenconnectClient dmz = client(2, "carol", "https://" + DMZ + ":8443/", firstPin, true)
                .startWithPassword("carol-secret");
            dmz.awaitConfigured(UP);
            assertDtlsPort(dmz, 8444, "DTLS on the second interface's own socket");
            dmz.close();
            assertTrue(tcpOpen(8443), "the outside listens on");
            assertPings(first);

            final Path pem = bed.headend().stateDir().resolve("disk0/tp/vpn2.pem");
            final String newPin = newIdentity(pem);
            configure(cli, "crypto ca trustpoint VPN2", "identity-certificate disk0:/tp/vpn2.pem", "exit",
                "ssl trust-point VPN2");
            final OpenconnectClient oldPin = client(3, "dave", 8443, firstPin, false).startWithPassword("dave-secret");
            assertNotNull(oldPin.waitForExit(UP), "a client pinned to the old certificate gives up");
            assertTrue(output(oldPin).contains("certificate"), "it was the certificate: " + output(oldPin));
            final OpenconnectClient pinned = client(3, "dave", 8443, newPin, true).startWithPassword("dave-secret");
            pinned.awaitConfigured(UP);
            pinned.process().waitFor(DTLS_UP, Duration.ofSeconds(20));
            pinned.close();
            assertPings(first);
            assertEquals(1, count(output(first), "Configured as"), "the first client never reconnected:\n"
                + output(first));
            assertTrue(first.process().isAlive(), "and it is still running");

            assertTrue(cli.command("write memory").contains("[OK]"));
        }

        bed.restartHeadend();
        final String running = bed.headend().console("show running-config");
        for (final String line : List.of(" port 8443", " dtls port 8444", "ssl trust-point VPN2",
            " identity-certificate disk0:/tp/vpn2.pem"))
        {
            assertTrue(running.contains(line), line + " after the restart:\n" + running);
        }
        final String newPin = pinOf(bed.headend().stateDir().resolve("disk0/tp/vpn2.pem"));
        assertEquals(newPin, bed.headend().pin(), "the start-up hint gives the certificate served");
        assertEquals("https://" + SERVER + ":8443/", bed.headend().url());
        final OpenconnectClient after = client(1, "demo", 8443, newPin, true).startWithPassword("demo-secret");
        after.awaitConfigured(UP);
        assertDtlsPort(after, 8444, "after the restart");
        assertPings(after);
    }

    /** Types {@code lines} in configuration mode; returns what the CLI answered to them. */
    private static String configure(final SshCli cli, final String... lines)
    {
        final StringBuilder answers = new StringBuilder(cli.command("configure terminal"));
        for (final String line : lines)
        {
            answers.append(cli.command(line));
        }
        answers.append(cli.command("end"));
        return answers.toString();
    }

    private OpenconnectClient client(final int ns, final String user, final int port, final String pin,
        final boolean dtls)
    {
        return client(ns, user, "https://" + SERVER + ":" + port + "/", pin, dtls);
    }

    private OpenconnectClient client(final int ns, final String user, final String url, final String pin,
        final boolean dtls)
    {
        final OpenconnectClient client = new OpenconnectClient(bed.net().client(ns), url, pin, user, dtls,
            List.of("-v"));
        own.add(client);
        return client;
    }

    /** The client was told X-DTLS-Port {@code port} and brought DTLS up (openconnect sends to that port only). */
    private static void assertDtlsPort(final OpenconnectClient client, final int port, final String why)
    {
        client.process().waitFor(DTLS_UP, Duration.ofSeconds(20));
        final String out = output(client);
        assertTrue(out.contains("X-DTLS-Port: " + port), why + ":\n" + out);
    }

    private static void assertPings(final OpenconnectClient client)
    {
        assertEquals(5, NetTools.ping(client.namespace(), ApplianceConfig.GATEWAY, 5).received(),
            "the first tunnel passes traffic");
    }

    /** Whether a TCP connection to the appliance's port succeeds from client namespace 4. */
    private static boolean tcpOpen(final int port)
    {
        return Cmd.run(Duration.ofSeconds(10), Netns.in(bed.net().client(4), "bash", "-c",
            "exec 3<>/dev/tcp/" + SERVER + "/" + port)).ok();
    }

    /** Makes a certificate and key with OpenSSL into one PEM file on disk0:; returns the certificate's pin. */
    private static String newIdentity(final Path pem) throws Exception
    {
        Files.createDirectories(pem.getParent());
        final Path dir = Harness.tempDir("tp-");
        Cmd.check("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=vpn2.example.com", "-keyout", dir.resolve("key.pem").toString(), "-out",
            dir.resolve("cert.pem").toString());
        Files.writeString(pem, Files.readString(dir.resolve("cert.pem")) + Files.readString(dir.resolve("key.pem")));
        return pinOf(pem);
    }

    /** openconnect's --servercert value for the certificate in {@code pem}. */
    private static String pinOf(final Path pem) throws IOException, java.security.GeneralSecurityException
    {
        try (InputStream in = Files.newInputStream(pem))
        {
            final X509Certificate certificate = (X509Certificate)CertificateFactory.getInstance("X.509")
                .generateCertificate(in);
            return "pin-sha256:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(certificate.getPublicKey().getEncoded()));
        }
    }

    private static String output(final OpenconnectClient client)
    {
        return client.process().out().text() + client.process().err().text();
    }

    private static int count(final String text, final String needle)
    {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1))
        {
            n++;
        }
        return n;
    }
}
