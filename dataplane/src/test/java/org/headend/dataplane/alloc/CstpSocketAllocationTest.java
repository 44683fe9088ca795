package org.headend.dataplane.alloc;

import static org.headend.dataplane.wire.Packets.address;
import static org.headend.dataplane.wire.Packets.ipv4;

import io.netty.channel.uring.IoUring;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.headend.dataplane.api.Dataplane.ThreadingMode;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.tunnel.TunnelPath;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the whole CSTP path allocates on the data-plane threads, socket and TLS included, in either threading mode: a
 * million packets each way through the real io_uring TCP connection, over plain TCP and over the appliance's TLS
 * (Netty's {@code SslHandler} on the JDK's {@code SSLEngine}, one record per frame). These are figures, not a bound:
 * the JDK's TLS allocates per record (about 1.5 KB, mostly SunJCE's AES-GCM set up again for every record) and Netty's
 * io_uring stream channel allocates per read and per writev, so neither reaches zero; the part the data plane owns is
 * held at zero by {@link CstpAllocationTest}. Each case checks that every packet arrived intact both ways. Slow (about
 * 2.5 minutes per TLS case on two loaded cores), so it runs when asked: {@code perf/scripts/cstp-allocation.sh}.
 */
@EnabledIfSystemProperty(named = "headend.allocation.figures", matches = "true")
@ExtendWith(LeakDetectionOff.class)
class CstpSocketAllocationTest
{
    private static final int TUNNEL_ID = 12;
    private static final int CLIENT = address(192, 168, 100, 12);
    private static final int INSIDE = address(10, 1, 0, 7);
    private static final int PACKET = 100;


    private final DataplaneCounters counters = new DataplaneCounters();
    private final byte[] insidePacket = ipv4(INSIDE, CLIENT, PACKET);
    private final byte[] clientPacket = ipv4(CLIENT, INSIDE, PACKET);

    @ParameterizedTest(name = "{0} threading, TLS {1}")
    @CsvSource({"SHARED, false", "DEDICATED, false", "SHARED, true", "DEDICATED, true"})
    void shouldCarryAMillionPacketsEachWayAndReportWhatThatAllocates(final ThreadingMode mode, final boolean tls,
        final TestReporter report)
        throws Exception
    {
        Assumptions.assumeTrue(IoUring.isAvailable(), "the data plane's event loop runs io_uring");
        final CountingTunQueue tun = new CountingTunQueue(insidePacket, PACKET);
        try (ThreadingHarness harness = new ThreadingHarness(mode, tun, counters);
             CstpSocketClient client = client(tls, harness))
        {
            final long allocated =
                new TwoWayMeasurement(tun, client, counters, harness.dataPlaneThreads()).bytesPerMillionEachWay();
            final String figure = String.format("CSTP %s threading, %s: %d bytes allocated on the data-plane threads "
                + "per million packets each way (%.1f per packet each way)", mode, tls ? "TLS" : "plain TCP", allocated,
                allocated / 2.0 / TwoWayMeasurement.MEASURED);
            report.publishEntry("figure", figure);
            System.out.println(figure);
        }
        finally
        {
            tun.close();
        }
    }

    private CstpSocketClient client(final boolean tls, final ThreadingHarness harness) throws Exception
    {
        final TunnelPath path = new TunnelPath(TUNNEL_ID, harness.egress(), new TunnelAccess(CLIENT, null, null));
        final CstpSocketClient client;
        if (tls)
        {
            final KeyPair pair = KeyPairGenerator.getInstance("EC").generateKeyPair();
            final X509Certificate certificate = selfSigned(pair);
            final SslContext server = SslContextBuilder.forServer(pair.getPrivate(), certificate)
                .sslProvider(SslProvider.JDK).build();
            client = new CstpSocketClient(harness, path, counters, clientPacket, insidePacket, server,
                trusting(certificate));
        }
        else
        {
            client = new CstpSocketClient(harness, path, counters, clientPacket, insidePacket, null, null);
        }
        harness.addRoutes(path);
        return client;
    }

    private static X509Certificate selfSigned(final KeyPair pair) throws Exception
    {
        final X500Name name = new X500Name("CN=headend");
        final JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
            Date.from(Instant.now().minus(Duration.ofDays(1))), Date.from(Instant.now().plus(Duration.ofDays(1))),
            name, pair.getPublic());
        return new JcaX509CertificateConverter().getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    private static SSLContext trusting(final X509Certificate certificate) throws Exception
    {
        final KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("headend", certificate);
        final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
