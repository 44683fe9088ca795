package org.headend.control.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The appliance's own certificate: made once (ECDSA P-256), kept across restarts, an earlier RSA pair kept as is. */
class ServerIdentityTest
{
    @Test
    void shouldGenerateOnceAndKeepThePinAcrossRestarts(@TempDir final Path state) throws Exception
    {
        final ServerIdentity first = ServerIdentity.loadOrCreate(state, "headend");
        final ServerIdentity second = ServerIdentity.loadOrCreate(state, "headend");
        assertEquals(first.pinSha256(), second.pinSha256());
        assertEquals(first.sha1Hex(), second.sha1Hex());
        assertTrue(first.pinSha256().matches("pin-sha256:[A-Za-z0-9+/]{43}="));
        assertTrue(first.sha1Hex().matches("[0-9A-F]{40}"));
        assertEquals("rw-------", PosixFilePermissions.toString(
            Files.getPosixFilePermissions(state.resolve(ServerIdentity.KEY_FILE))));
        assertEquals(first.key(), second.key());
    }

    @Test
    void shouldGenerateASelfSignedEcdsaP256CertificateForSigningOnly() throws Exception
    {
        final X509Certificate certificate = ServerIdentity.generate("vpn.example.com").certificate();
        assertEquals("EC", certificate.getPublicKey().getAlgorithm());
        assertEquals(256, ((ECPublicKey)certificate.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        assertEquals("SHA256withECDSA", certificate.getSigAlgName());
        certificate.verify(certificate.getPublicKey());
        assertArrayEquals(new boolean[] {true, false, false, false, false, false, false, false, false},
            certificate.getKeyUsage(), "digitalSignature only: an ECDSA key encrypts no key");
        assertEquals("CN=vpn.example.com", certificate.getSubjectX500Principal().getName());
    }

    @Test
    void shouldKeepTheRsaIdentityAnEarlierReleaseGenerated(@TempDir final Path state) throws Exception
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        final KeyPair pair = generator.generateKeyPair();
        final X500Name name = new X500Name("CN=headend");
        final X509Certificate rsa = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
            name, BigInteger.ONE, Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(3600)),
            name, pair.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
        Files.writeString(state.resolve(ServerIdentity.CERT_FILE), pem(rsa));
        Files.writeString(state.resolve(ServerIdentity.KEY_FILE), pem(new PemObject("PRIVATE KEY",
            pair.getPrivate().getEncoded())));

        final ServerIdentity kept = ServerIdentity.loadOrCreate(state, "headend");
        assertEquals(rsa, kept.certificate(), "clients' pins stay valid across the upgrade");
        assertEquals(pair.getPrivate(), kept.key());
    }

    private static String pem(final Object object) throws Exception
    {
        final StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out))
        {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
