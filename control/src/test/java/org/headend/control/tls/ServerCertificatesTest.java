package org.headend.control.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.HeadendConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ssl trust-point NAME [NAMEIF]}: the certificate a TLS handshake gets on each interface, read from the
 * trustpoint's identity-certificate file, checked before it is used, and the built-in one where no line applies.
 */
class ServerCertificatesTest
{
    private static final String TRUSTPOINT = """
        crypto ca trustpoint VPN2
         identity-certificate disk0:/tp/vpn2.pem
        """;

    @TempDir
    Path disk0;

    /** One pair of identities for all the tests. */
    private static ServerIdentity builtIn;
    private static ServerIdentity vpn2;
    private ServerCertificates certificates;

    @BeforeAll
    static void identities() throws Exception
    {
        builtIn = ServerIdentity.generate("headend");
        vpn2 = ServerIdentity.generate("vpn2.example.com");
    }

    @BeforeEach
    void setUp() throws Exception
    {
        Files.createDirectories(disk0.resolve("tp"));
        Files.writeString(disk0.resolve("tp/vpn2.pem"), pem(vpn2.certificate()) + pem(vpn2.key()));
        certificates = new ServerCertificates(builtIn, path -> disk0.resolve(path.substring("disk0:/".length())));
    }

    @Test
    void shouldHandshakeWithTheBuiltInEcdsaCertificateWhereNoTrustpointApplies() throws Exception
    {
        final X509Certificate served = served(certificates.context("outside"));
        assertEquals(builtIn.certificate(), served);
        assertEquals("EC", served.getPublicKey().getAlgorithm(), "the handshake was signed with ECDSA");
    }

    @Test
    void shouldServeTheTrustpointsCertificateToNewHandshakesOnceCommitted() throws Exception
    {
        final SslContext before = certificates.context("outside");
        assertEquals(builtIn.certificate(), served(before));

        final ServerCertificates.Prepared prepared = certificates.prepare(config(TRUSTPOINT
            + "ssl trust-point VPN2\n"), false);
        assertEquals(builtIn.certificate(), served(certificates.context("outside")), "nothing changes before commit");
        certificates.commit(prepared);
        assertEquals(vpn2.certificate(), served(certificates.context("outside")));
        assertEquals(vpn2.sha1Hex(), certificates.sha1Hex(), "the auth answer's server-cert-hash follows");
        assertEquals(builtIn.certificate(), served(before), "a context taken before is unchanged");
    }

    @Test
    void shouldServeAnInterfacesOwnTrustpointThereOnly() throws Exception
    {
        certificates.commit(certificates.prepare(config(TRUSTPOINT + "ssl trust-point VPN2 dmz\n"), false));
        assertEquals(vpn2.certificate(), served(certificates.context("dmz")));
        assertEquals(builtIn.certificate(), served(certificates.context("outside")));
        assertEquals(builtIn.sha1Hex(), certificates.sha1Hex());
    }

    @Test
    void shouldRefuseATrustpointThatCannotServeWithTheReason() throws Exception
    {
        assertEquals("ssl trust-point NOPE: no crypto ca trustpoint NOPE", assertThrows(IllegalArgumentException.class,
            () -> certificates.prepare(config("ssl trust-point NOPE\n"), false)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> certificates.prepare(config(
            "crypto ca trustpoint CA\n enrollment terminal\nssl trust-point CA outside\n"), false)).getMessage()
            .startsWith("ssl trust-point CA outside: trustpoint CA has no identity-certificate"));

        Files.writeString(disk0.resolve("tp/vpn2.pem"), pem(vpn2.certificate()) + pem(builtIn.key()));
        final String mismatch = assertThrows(IllegalArgumentException.class, () -> certificates.prepare(
            config(TRUSTPOINT + "ssl trust-point VPN2\n"), false)).getMessage();
        assertEquals("ssl trust-point VPN2: disk0:/tp/vpn2.pem: the private key does not belong to the first "
            + "certificate", mismatch);

        Files.writeString(disk0.resolve("tp/vpn2.pem"), pem(vpn2.certificate()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> certificates.prepare(
            config(TRUSTPOINT + "ssl trust-point VPN2\n"), false)).getMessage().endsWith(
            "it must hold the certificate chain and the private key (PEM)"));
    }

    @Test
    void shouldServeTheBuiltInCertificateForABadTrustpointAtStart() throws Exception
    {
        Files.delete(disk0.resolve("tp/vpn2.pem"));
        certificates.commit(certificates.prepare(config(TRUSTPOINT + "ssl trust-point VPN2\n"), true));
        assertEquals(builtIn.certificate(), served(certificates.context("outside")));
    }

    private static HeadendConfig config(final String text) throws Exception
    {
        final ConfigStore store = ConfigStore.embeddedDefault("unused-password");
        store.replace(text, "test");
        return store.current();
    }

    private static String pem(final Object object) throws Exception
    {
        final StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out))
        {
            writer.writeObject(object instanceof PrivateKey key ? new PemObject("PRIVATE KEY", key.getEncoded())
                : object);
        }
        return out.toString();
    }

    /** The certificate a client sees in a handshake with {@code server} (in memory, two engines). */
    private static X509Certificate served(final SslContext server) throws Exception
    {
        final SSLEngine serverEngine = server.newEngine(ByteBufAllocator.DEFAULT);
        final SSLEngine client = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
            .build().newEngine(ByteBufAllocator.DEFAULT);
        client.beginHandshake();
        serverEngine.beginHandshake();
        final ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        final ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        final ByteBuffer app = ByteBuffer.allocate(1 << 17);
        final ByteBuffer empty = ByteBuffer.allocate(0);
        for (int i = 0; i < 50 && (busy(client) || busy(serverEngine)); i++)
        {
            client.wrap(empty, toServer);
            tasks(client);
            toServer.flip();
            serverEngine.unwrap(toServer, app);
            tasks(serverEngine);
            toServer.compact();
            serverEngine.wrap(empty, toClient);
            tasks(serverEngine);
            toClient.flip();
            client.unwrap(toClient, app);
            tasks(client);
            toClient.compact();
            app.clear();
        }
        return (X509Certificate)client.getSession().getPeerCertificates()[0];
    }

    private static boolean busy(final SSLEngine engine)
    {
        final HandshakeStatus status = engine.getHandshakeStatus();
        return status != HandshakeStatus.NOT_HANDSHAKING && status != HandshakeStatus.FINISHED;
    }

    private static void tasks(final SSLEngine engine)
    {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask())
        {
            task.run();
        }
    }
}
