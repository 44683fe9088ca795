package org.headend.control.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.HeadendConfig;
import org.headend.control.tls.ServerCertificates;
import org.headend.control.tls.ServerIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management HTTPS server serves the certificate {@code ssl trust-point} gives the VPN listeners of its interface,
 * from the next connection after the change, over a real TLS handshake on loopback.
 */
class ManagementServerCertificateTest
{
    /** RSA key generation is slow: one pair of identities for all the tests. */
    private static ServerIdentity builtIn;
    private static ServerIdentity vpn2;

    @TempDir
    static Path keys;
    @TempDir
    Path disk0;

    private MultiThreadIoEventLoopGroup group;
    private ManagementServer server;

    @BeforeAll
    static void identities() throws Exception
    {
        builtIn = ServerIdentity.loadOrCreate(Files.createDirectories(keys.resolve("builtin")), "headend");
        vpn2 = ServerIdentity.loadOrCreate(Files.createDirectories(keys.resolve("vpn2")), "vpn2.example.com");
    }

    @AfterEach
    void stop()
    {
        if (server != null)
        {
            server.close();
        }
        if (group != null)
        {
            group.shutdownGracefully();
        }
    }

    @Test
    void shouldServeTheTrustPointOfItsInterfaceFromTheNextConnection() throws Exception
    {
        Files.createDirectories(disk0.resolve("tp"));
        Files.writeString(disk0.resolve("tp/vpn2.pem"), pem(vpn2.certificate()) + pem(vpn2.key()));
        final ServerCertificates certificates = new ServerCertificates(builtIn,
            path -> disk0.resolve(path.substring("disk0:/".length())));
        final int port = freePort();
        final String base = """
            interface lo
             nameif mgmt
             ip address 127.0.0.1 255.0.0.0
            crypto ca trustpoint VPN2
             identity-certificate disk0:/tp/vpn2.pem
            http server enable PORT
            http 127.0.0.1 255.255.255.255 mgmt
            """.replace("PORT", Integer.toString(port));
        final HeadendConfig[] current = {config(base)};
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ManagementServer(group, NioServerSocketChannel.class, certificates::context, () -> current[0],
            () -> "up 1\n");
        server.apply(current[0]);
        assertEquals(builtIn.certificate(), served(port), "no ssl trust-point: the built-in certificate");

        current[0] = config(base + "ssl trust-point VPN2 mgmt\n");
        certificates.commit(certificates.prepare(current[0], false));
        assertEquals(vpn2.certificate(), served(port), "the interface's trust-point, without a restart");

        current[0] = config(base + "ssl trust-point VPN2 outside\n");
        certificates.commit(certificates.prepare(current[0], false));
        assertEquals(builtIn.certificate(), served(port), "another interface's trust-point is not this one's");
    }

    private static HeadendConfig config(final String text) throws Exception
    {
        final ConfigStore store = ConfigStore.embeddedDefault("unused-password");
        store.replace(text, "test");
        return store.current();
    }

    private static int freePort() throws Exception
    {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return probe.getLocalPort();
        }
    }

    /** The certificate a TLS client gets from the server, once it has answered a scrape on that connection. */
    private static X509Certificate served(final int port) throws Exception
    {
        final SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new AcceptAll()}, new SecureRandom());
        try (SSLSocket socket = (SSLSocket)tls.getSocketFactory().createSocket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            final String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                StandardCharsets.US_ASCII)).readLine();
            assertTrue(status != null && status.startsWith("HTTP/1.1 200"), String.valueOf(status));
            return (X509Certificate)socket.getSession().getPeerCertificates()[0];
        }
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

    /** The test checks which certificate was served; it does not judge it. */
    private static final class AcceptAll implements X509TrustManager
    {
        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType)
        {
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType)
        {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers()
        {
            return new X509Certificate[0];
        }
    }
}
