package org.headend.control.cluster;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.headend.control.config.Trustpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster etcd-trustpoint}: a member reaches an etcd that takes TLS clients with certificates of its CA only
 * ({@code --client-cert-auth}), certificates made by OpenSSL for the test.
 */
class EtcdTlsTest
{
    @TempDir
    static Path certs;
    private static LocalEtcd etcd;

    @BeforeAll
    static void start() throws Exception
    {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
            "ca-key.pem", "-out", "ca.pem", "-days", "2", "-subj", "/CN=etcd test CA");
        issue("server", "etcd", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n");
        issue("member", "member-a", "extendedKeyUsage=clientAuth\n");
        Files.writeString(certs.resolve("member-identity.pem"), Files.readString(certs.resolve("member.pem"))
            + Files.readString(certs.resolve("member-key.pem")));
        // a CA etcd does not know, for a member with the wrong certificate
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
            "other-key.pem", "-out", "other.pem", "-days", "2", "-subj", "/CN=member-x");
        Files.writeString(certs.resolve("other-identity.pem"), Files.readString(certs.resolve("other.pem"))
            + Files.readString(certs.resolve("other-key.pem")));
        etcd = new LocalEtcd(certs);
    }

    @AfterAll
    static void stop() throws Exception
    {
        if (etcd != null)
        {
            etcd.close();
        }
    }

    private static void issue(final String name, final String cn, final String extensions) throws Exception
    {
        Files.writeString(certs.resolve(name + ".ext"), extensions);
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
            name + "-key.pem", "-out", name + ".csr", "-subj", "/CN=" + cn);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
            "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    }

    private static void openssl(final String... args) throws Exception
    {
        final List<String> argv = new java.util.ArrayList<>(List.of("openssl"));
        argv.addAll(List.of(args));
        final Process p = new ProcessBuilder(argv).directory(certs.toFile()).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl " + argv + ": " + out);
    }

    private static Trustpoint trustpoint(final String ca, final String identity)
    {
        return new Trustpoint("ETCD", true, ca, Trustpoint.RevocationCheck.NONE, null, false, true, identity);
    }

    private static EtcdClusterStore join(final Trustpoint trustpoint) throws Exception
    {
        final EtcdClusterStore store = new EtcdClusterStore(new EtcdGateway(etcd.endpoints(),
            EtcdTls.context(trustpoint, "ETCD", certs::resolve)), "tls", "a", "https://a.example", 5, true, 60,
            Runnable::run, Clock.systemUTC());
        try
        {
            store.start(10);
            return store;
        }
        catch (final Exception ex)
        {
            store.close();
            throw ex;
        }
    }

    /** Joins with the trustpoint's own certificate, waiting while the etcd members elect their leader. */
    private static EtcdClusterStore joinWhenReady() throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        EtcdClusterStore store = null;
        while (store == null)
        {
            try
            {
                store = join(trustpoint("ca.pem", "member-identity.pem"));
            }
            catch (final Exception ex)
            {
                assertTrue(System.nanoTime() < deadline, "never joined over TLS: " + ex);
                Thread.sleep(300);
            }
        }
        return store;
    }

    @Test
    void shouldJoinOverTlsWithTheTrustpointsClientCertificate() throws Exception
    {
        final EtcdClusterStore store = joinWhenReady();
        try
        {
            assertTrue(store.claim("S1", "10.40.0.1").get(10, TimeUnit.SECONDS));
        }
        finally
        {
            store.close();
        }
    }

    @Test
    void shouldBeRefusedWithACertificateEtcdDoesNotTrust() throws Exception
    {
        joinWhenReady().close();
        assertThrows(Exception.class, () -> join(trustpoint("ca.pem", "other-identity.pem")));
    }

    @Test
    void shouldRefuseATrustpointWithoutAClientCertificateClearly()
    {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> EtcdTls.context(trustpoint("ca.pem", null), "ETCD", certs::resolve));
        assertTrue(error.getMessage().contains("needs both ca-certificate"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EtcdTls.context(null, "NOPE", certs::resolve));
    }
}
