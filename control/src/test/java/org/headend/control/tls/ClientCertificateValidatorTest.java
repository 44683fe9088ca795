package org.headend.control.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.HeadendConfig;
import org.headend.control.flash.FlashStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client certificate chains checked against trustpoints whose CA and CRL files are on disk0:. */
class ClientCertificateValidatorTest
{
    @TempDir
    Path dir;
    private TestPki ca;
    private FlashStore flash;
    private ClientCertificateValidator validator;

    @BeforeEach
    void setUp() throws Exception
    {
        ca = TestPki.ca("Client CA");
        flash = FlashStore.inStateDir(dir);
        validator = new ClientCertificateValidator(flash, Runnable::run, Clock.systemUTC());
        write("pki/ca.pem", pem("CERTIFICATE", ca.certificate.getEncoded()));
    }

    @Test
    void shouldAcceptACertificateOfTheTrustpointsCa() throws Exception
    {
        final X509Certificate alice = ca.issue("CN=alice", null);
        final CertificateCheck check = check(config("none"), alice);
        assertTrue(check.valid(), check.refusal());
        assertEquals("CLIENT-CA", check.trustpoint());
        assertEquals(alice, check.leaf());
        // a client that sends the CA along with its certificate is accepted alike
        assertTrue(check(config("none"), alice, ca.certificate).valid());
    }

    @Test
    void shouldRefuseACertificateOfAnotherCa() throws Exception
    {
        final X509Certificate stranger = TestPki.ca("Other CA").issue("CN=alice", null);
        final CertificateCheck check = check(config("none"), stranger);
        assertFalse(check.valid());
        assertEquals("Certificate validation failed: the certificate was not issued by a trusted CA.",
            check.refusal());
    }

    @Test
    void shouldRefuseACertificateThatImitatesTheCasName() throws Exception
    {
        // same issuer name, another key: the signature gives it away
        final X509Certificate forged = TestPki.ca("Client CA").issue("CN=alice", null);
        final CertificateCheck check = check(config("none"), forged);
        assertEquals("Certificate validation failed: the certificate was not issued by a trusted CA.",
            check.refusal());
    }

    @Test
    void shouldRefuseARevokedCertificateAndSeeANewCrlAtOnce() throws Exception
    {
        final X509Certificate alice = ca.issue("CN=alice", null);
        final X509Certificate bob = ca.issue("CN=bob", null);
        writeCrl(List.of(bob), Instant.now().minusSeconds(60));
        final HeadendConfig config = config("crl");
        assertTrue(check(config, alice).valid());
        assertEquals("Certificate validation failed: the certificate is revoked.", check(config, bob).refusal());
        writeCrl(List.of(alice, bob), Instant.now());
        assertEquals("Certificate validation failed: the certificate is revoked.", check(config, alice).refusal());
    }

    @Test
    void shouldRefuseWhenTheCrlIsMissingUnlessNoneFollowsCrl() throws Exception
    {
        final X509Certificate alice = ca.issue("CN=alice", null);
        final CertificateCheck strict = check(config("crl"), alice);
        assertFalse(strict.valid());
        assertTrue(strict.refusal().contains("revocation"), strict.refusal());
        assertTrue(check(config("crl none"), alice).valid());
    }

    @Test
    void shouldRefuseExpiredCertificatesAndOnesNotForClients() throws Exception
    {
        final X509Certificate expired = ca.issue("CN=old", null, Instant.now().minus(Duration.ofDays(3)),
            Instant.now().minus(Duration.ofDays(1)), KeyPurposeId.id_kp_clientAuth);
        assertEquals("Certificate validation failed: the certificate has expired.",
            check(config("none"), expired).refusal());
        final X509Certificate server = ca.issue("CN=www", null, Instant.now().minus(Duration.ofDays(1)),
            Instant.now().plus(Duration.ofDays(1)), KeyPurposeId.id_kp_serverAuth);
        assertEquals("Certificate validation failed: the certificate is not for TLS client authentication.",
            check(config("none"), server).refusal());
    }

    @Test
    void shouldSayWhenNoCertificateWasSent() throws Exception
    {
        final CertificateCheck check = validator.check(List.of(), config("none")).toCompletableFuture().get();
        assertEquals(CertificateCheck.NONE_SENT, check.refusal());
    }

    @Test
    void shouldRefuseWhenTheCaFileIsNotThere() throws Exception
    {
        Files.delete(flash.resolve("disk0:/pki/ca.pem"));
        assertFalse(check(config("none"), ca.issue("CN=alice", null)).valid());
    }

    private CertificateCheck check(final HeadendConfig config, final X509Certificate... chain) throws Exception
    {
        return validator.check(List.of(chain), config).toCompletableFuture().get();
    }

    private HeadendConfig config(final String revocation) throws Exception
    {
        final Path file = dir.resolve("startup-config");
        Files.writeString(file, """
            crypto ca trustpoint CLIENT-CA
             enrollment terminal
             ca-certificate disk0:/pki/ca.pem
             revocation-check %s
             crl file disk0:/pki/ca.crl
            """.formatted(revocation));
        return ConfigStore.load(file).current();
    }

    private void writeCrl(final List<X509Certificate> revoked, final Instant modified) throws Exception
    {
        final Path file = write("pki/ca.crl", pem("X509 CRL", ca.crl(revoked).getEncoded()));
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }

    private Path write(final String name, final String text) throws Exception
    {
        final Path file = flash.root().resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private static String pem(final String type, final byte[] der)
    {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
            + "\n-----END " + type + "-----\n";
    }
}
