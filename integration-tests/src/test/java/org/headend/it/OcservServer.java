package org.headend.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * ocserv (Debian package) in the server namespace, as a known-good server to prove the harness against: a
 * generated ECDSA certificate, plain password auth from a generated passwd file, the same pool as the appliance
 * tests (192.168.100.0/24), TLS and UDP on 10.77.0.1:443. Based on the reference traces' ocserv.conf.
 */
public final class OcservServer implements AutoCloseable
{
    private final ManagedProcess process;
    private final String pin;
    private final Path dir;

    private OcservServer(final ManagedProcess process, final String pin, final Path dir)
    {
        this.process = process;
        this.pin = pin;
        this.dir = dir;
    }

    /** Starts ocserv with users demo/demo-secret and bob/bob-secret; returns once it accepts TCP. */
    public static OcservServer start(final Netns net, final int dpdSeconds)
    {
        return start(net, dpdSeconds, Map.of("demo", "demo-secret", "bob", "bob-secret"), 64, false);
    }

    /**
     * Starts ocserv with these users (name → password) and at most maxClients sessions. tls13 lets TLS 1.3 be
     * negotiated (the reference configuration allows only 1.2): ocserv's TLS 1.2 has no extended master secret,
     * and without one the JDK refuses the keying-material exporter a Java client needs for the DTLS PSK.
     */
    public static OcservServer start(final Netns net, final int dpdSeconds, final Map<String, String> users,
        final int maxClients, final boolean tls13)
    {
        final Path dir = Harness.tempDir("ocserv-");
        final Path cert = dir.resolve("server-cert.pem");
        final Path key = dir.resolve("server-key.pem");
        Cmd.check("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key.toString(), "-out", cert.toString(), "-days", "30", "-subj", "/CN=" + Netns.SERVER_ADDRESS);
        final StringBuilder passwd = new StringBuilder();
        final Map<String, String> hashes = new java.util.HashMap<>();
        for (final Map.Entry<String, String> user : users.entrySet())
        {
            // one crypt per distinct password: hundreds of users sharing one stay quick to set up
            final String hash = hashes.computeIfAbsent(user.getValue(),
                pw -> Cmd.check("openssl", "passwd", "-6", pw).trim());
            passwd.append(user.getKey()).append(":*:").append(hash).append('\n');
        }
        final String config = """
            auth = "plain[passwd=%1$s/ocpasswd]"
            listen-host = %2$s
            tcp-port = 443
            udp-port = 443
            run-as-user = nobody
            run-as-group = nogroup
            socket-file = %1$s/ocserv-socket
            server-cert = %1$s/server-cert.pem
            server-key = %1$s/server-key.pem
            isolate-workers = false
            max-clients = %4$d
            max-same-clients = 0
            rate-limit-ms = 0
            keepalive = 32400
            dpd = %3$d
            mobile-dpd = 1800
            switch-to-tcp-timeout = 25
            try-mtu-discovery = false
            auth-timeout = 240
            max-ban-score = 0
            cookie-timeout = 300
            deny-roaming = false
            use-occtl = false
            pid-file = %1$s/ocserv.pid
            log-level = 1
            device = vpns
            predictable-ips = true
            ipv4-network = 192.168.100.0
            ipv4-netmask = 255.255.255.0
            route = 192.168.100.0/255.255.255.0
            ping-leases = false
            cisco-client-compat = true
            dtls-legacy = true
            compression = false
            """.formatted(dir, Netns.SERVER_ADDRESS, dpdSeconds, maxClients)
            + (tls13 ? "tls-priorities = \"NORMAL:%SERVER_PRECEDENCE:%COMPAT:-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1\"\n" : "");
        try
        {
            Files.writeString(dir.resolve("ocpasswd"), passwd);
            Files.writeString(dir.resolve("ocserv.conf"), config);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        final ManagedProcess process = ManagedProcess.start("ocserv",
            Netns.in(net.server(), "ocserv", "-f", "-c", dir.resolve("ocserv.conf").toString()), dir, null);
        final OcservServer server = new OcservServer(process, pinOf(cert), dir);
        try
        {
            process.waitFor("listening \\(TCP\\)", Duration.ofSeconds(20));
            NetTools.awaitTcp(net.client(), Netns.SERVER_ADDRESS, 443, Duration.ofSeconds(20));
        }
        catch (final RuntimeException | AssertionError ex)
        {
            server.close();
            throw ex;
        }
        return server;
    }

    public String pin()
    {
        return pin;
    }

    public String url()
    {
        return "https://" + Netns.SERVER_ADDRESS + "/";
    }

    public ManagedProcess process()
    {
        return process;
    }

    public Path dir()
    {
        return dir;
    }

    @Override
    public void close()
    {
        process.stop(Duration.ofSeconds(5));
    }

    /** pin-sha256: base64 of SHA-256 over the certificate's SubjectPublicKeyInfo (what openconnect checks). */
    static String pinOf(final Path pem)
    {
        try (var in = Files.newInputStream(pem))
        {
            final X509Certificate cert = (X509Certificate)CertificateFactory.getInstance("X.509").generateCertificate(in);
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded());
            return "pin-sha256:" + Base64.getEncoder().encodeToString(digest);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("cannot read " + pem, ex);
        }
    }
}
