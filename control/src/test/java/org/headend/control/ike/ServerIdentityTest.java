package org.headend.control.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.Function;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.HeadendConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate and key IKEv2's AUTH is signed with: the remote-access trustpoint's, else the built-in one. */
class ServerIdentityTest
{
    @TempDir
    Path dir;

    private Function<String, Path> flash()
    {
        return path -> dir.resolve(path.replaceFirst("^disk0:/+", ""));
    }

    private static HeadendConfig config(final String text) throws Exception
    {
        final ConfigStore store = ConfigStore.embeddedDefault("unused-password");
        store.replace(text, "test");
        return store.current();
    }

    private static KeyPair pair(final String algorithm) throws Exception
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize("RSA".equals(algorithm) ? 2048 : 384);
        return generator.generateKeyPair();
    }

    private static X509Certificate selfSigned(final KeyPair pair, final String signature) throws Exception
    {
        final X500Name name = new X500Name("CN=vpn.example.test");
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.TWO,
            Date.from(Instant.now().minus(Duration.ofDays(1))), Date.from(Instant.now().plus(Duration.ofDays(1))),
            name, pair.getPublic()).build(new JcaContentSignerBuilder(signature).build(pair.getPrivate())));
    }

    private void writePem(final String file, final X509Certificate certificate, final KeyPair key) throws Exception
    {
        final Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes());
        Files.writeString(dir.resolve(file), "-----BEGIN CERTIFICATE-----\n"
            + base64.encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n"
            + "-----BEGIN PRIVATE KEY-----\n" + base64.encodeToString(key.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    }

    private static final String TRUSTPOINT = """
        crypto ca trustpoint VPN
         identity-certificate disk0:/vpn.pem
        crypto ikev2 remote-access trustpoint VPN
        """;

    @Test
    void shouldSignWithTheRemoteAccessTrustpointsKeyAndSendItsChain() throws Exception
    {
        final KeyPair rsa = pair("RSA");
        final X509Certificate certificate = selfSigned(rsa, "SHA256withRSA");
        writePem("vpn.pem", certificate, rsa);
        final ServerIdentity identity = ServerIdentity.of(config(TRUSTPOINT), null, flash());
        assertEquals(List.of(certificate), identity.chain());
        assertEquals(rsa.getPrivate(), identity.key());
    }

    @Test
    void shouldKeepTheBuiltInCertificateWithoutARemoteAccessTrustpoint() throws Exception
    {
        final KeyPair ec = pair("EC");
        final ServerIdentity builtIn = new ServerIdentity(ec.getPrivate(), List.of(selfSigned(ec, "SHA384withECDSA")));
        assertSame(builtIn, ServerIdentity.of(config("hostname h\n"), builtIn, flash()));
    }

    @Test
    void shouldRefuseATrustpointThatIsMissingHasNoCertificateOrTheWrongKey() throws Exception
    {
        final KeyPair ec = pair("EC");
        writePem("vpn.pem", selfSigned(ec, "SHA384withECDSA"), pair("EC"));
        final String[][] cases = {
            {TRUSTPOINT, "crypto ikev2 remote-access trustpoint VPN: disk0:/vpn.pem: the private key does not belong"},
            {"crypto ikev2 remote-access trustpoint NONE\n", "no crypto ca trustpoint NONE"},
            {"crypto ca trustpoint VPN\n enrollment terminal\ncrypto ikev2 remote-access trustpoint VPN\n",
                "trustpoint VPN has no identity-certificate"},
        };
        for (final String[] bad : cases)
        {
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ServerIdentity.of(config(bad[0]), null, flash()));
            assertTrue(refused.getMessage().contains(bad[1]), refused.getMessage());
        }
    }
}
