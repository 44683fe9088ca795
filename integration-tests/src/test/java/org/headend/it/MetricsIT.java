package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code http server enable} and {@code http A M IF}: Prometheus scrapes {@code /metrics} over HTTPS during a live
 * openconnect session; promtool accepts the page; the byte counters move with traffic, a failed login and the
 * headend's DPD round trips are counted, the per-user series go with the session, the server's certificate follows
 * {@code ssl trust-point}, and hosts no {@code http} line permits get no answer, as the lines change live.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIT
{
    private static final String URL = "https://" + Netns.SERVER_ADDRESS + ":8443/metrics";
    /** One sample line: the series (name and labels as printed) and its value. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{.*\\})?) (\\S+)$",
        Pattern.MULTILINE);

    private static Testbed bed;
    private static OpenconnectClient demo;

    @BeforeAll
    static void start()
    {
        // no client keepalives or client DPD: the idle tunnel goes quiet, so the headend's own DPD probes it
        bed = Testbed.start(1, c -> c.sslKeepalive(600).dpdClient("none").dpdGateway("30")
            .extraLine("http server enable")
            .extraLine("http " + Netns.clientAddress(1) + " 255.255.255.255 outside"));
        demo = bed.connect(1, "demo", "demo-secret");
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
    @Order(1)
    void shouldServeAPageThatPromtoolAcceptsDuringASession() throws IOException
    {
        final String page = scrape();
        final Path file = Files.createTempFile("metrics", ".prom");
        try
        {
            Files.writeString(file, page);
            final Cmd.Result check = Cmd.run(Duration.ofSeconds(30), "bash", "-c",
                "promtool check metrics < " + file);
            assertEquals(0, check.exitCode(), "promtool check metrics: " + check.output() + "\n" + page);
        }
        finally
        {
            Files.deleteIfExists(file);
        }
        final Map<String, Double> samples = samples(page);
        assertEquals(1.0, samples.get("vpn_active_sessions{protocol=\"tls\"}"), page);
        assertNotNull(userSeries(samples, "vpn_user_rx_bytes"), "a per-user series for demo: " + page);
        assertTrue(userSeries(samples, "vpn_user_rx_bytes").contains("vpn_ipv4=\"" + ApplianceConfig.POOL_FIRST
            + "\"") && userSeries(samples, "vpn_user_rx_bytes").contains("remote_ip=\"" + Netns.clientAddress(1)
            + "\""), page);
        assertTrue(samples.get("vpn_session_setup_seconds_count") >= 1, page);
        assertTrue(samples.get("vpn_authentication_successes_total") >= 1, page);
        assertTrue(samples.get("jvm_memory_heap_used_bytes") > 0, page);
        assertTrue(samples.keySet().stream().anyMatch(s -> s.startsWith("headend_thread_cpu_seconds_total{thread=\""
            + "multiThreadIoEventLoopGroup")), "the event loops' CPU time: " + page);
    }

    @Test
    @Order(2)
    void shouldMoveTheByteCountersWhenTrafficMoves()
    {
        final Map<String, Double> before = samples(scrape());
        final NetTools.PingResult ping = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 20);
        assertEquals(20, ping.received(), ping.output());
        final Map<String, Double> after = samples(scrape());
        final String user = userSeries(after, "vpn_user_rx_bytes");
        // 20 echo requests of 84 bytes each came from the client; 20 replies went back
        assertTrue(after.get(user) - before.get(user) >= 20 * 84, before.get(user) + " -> " + after.get(user));
        final String userTx = userSeries(after, "vpn_user_tx_bytes");
        assertTrue(after.get(userTx) - before.get(userTx) >= 20 * 84, before.get(userTx) + " -> " + after.get(userTx));
        assertTrue(after.get("vpn_rx_bytes_total") - before.get("vpn_rx_bytes_total") >= 20 * 84);
        final String packets = "vpn_packets_total{direction=\"rx\",transport=\"tls\"}";
        assertTrue(after.get(packets) - before.get(packets) >= 20, before.get(packets) + " -> " + after.get(packets));
    }

    @Test
    @Order(3)
    void shouldCountAFailedLoginByItsReason()
    {
        final String wrong = "vpn_authentication_failures_total{reason=\"rejected\"}";
        final double before = samples(scrape()).getOrDefault(wrong, 0.0);
        final OpenconnectClient intruder = bed.client(1, "demo").startWithPassword("not-the-password");
        assertNotNull(intruder.waitForExit(Duration.ofSeconds(30)), "openconnect gives up after the refusal");
        assertTrue(samples(scrape()).getOrDefault(wrong, 0.0) >= before + 1, scrape());
    }

    @Test
    @Order(4)
    void shouldTimeTheHeadendsDpdProbesOfAQuietTunnel() throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(75);
        Map<String, Double> samples = samples(scrape());
        while (samples.get("vpn_dpd_rtt_seconds_count") < 1 && System.nanoTime() < deadline)
        {
            Thread.sleep(2000);
            samples = samples(scrape());
        }
        assertTrue(samples.get("vpn_dpd_rtt_seconds_count") >= 1, "no DPD round trip within 75 s of quiet");
        assertTrue(samples.get("vpn_dpd_rtt_seconds_sum") < samples.get("vpn_dpd_rtt_seconds_count"),
            "round trips over a veth are far below a second each");
        final String detail = bed.headend().console("show vpn-sessiondb detail anyconnect");
        final Matcher rtt = Pattern.compile("DPD RTT Last\\s*:\\s*([0-9.]+) ms").matcher(detail);
        assertTrue(rtt.find(), detail);
        assertTrue(Double.parseDouble(rtt.group(1)) < 1000, detail);
    }

    @Test
    @Order(5)
    void shouldDropThePerUserSeriesWhenTheSessionEnds()
    {
        final Map<String, Double> before = samples(scrape());
        bed.headend().console("vpn-sessiondb logoff name demo noconfirm");
        assertNotNull(demo.waitForExit(Duration.ofSeconds(15)), "demo's openconnect still runs after logoff");
        final Map<String, Double> after = samples(scrape());
        assertNull(userSeries(after, "vpn_user_rx_bytes"), "no series for a user without a session");
        assertEquals(0.0, after.get("vpn_active_sessions{protocol=\"tls\"}"));
        assertTrue(after.get("vpn_rx_bytes_total") >= before.get("vpn_rx_bytes_total"),
            "the total keeps the bytes of the ended session");
    }

    @Test
    @Order(6)
    void shouldServeTheSslTrustPointOfItsInterfaceFromTheNextConnection() throws IOException
    {
        assertTrue(curlVerbose().contains("subject: CN=headend"), "the built-in certificate first");
        final Path pem = bed.headend().stateDir().resolve("disk0/tp/mgmt.pem");
        Files.createDirectories(pem.getParent());
        final Path dir = Harness.tempDir("tp-");
        Cmd.check("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=mgmt.example.com", "-keyout", dir.resolve("key.pem").toString(), "-out",
            dir.resolve("cert.pem").toString());
        Files.writeString(pem, Files.readString(dir.resolve("cert.pem")) + Files.readString(dir.resolve("key.pem")));
        final HeadendProcess headend = bed.headend();
        headend.console("configure terminal");
        headend.console("crypto ca trustpoint MGMT");
        headend.console("identity-certificate disk0:/tp/mgmt.pem");
        headend.console("exit");
        final String applied = headend.console("ssl trust-point MGMT outside");
        headend.console("end");
        assertFalse(applied.contains("ERROR"), applied);

        final String verbose = curlVerbose();
        assertTrue(verbose.contains("subject: CN=mgmt.example.com"), "ssl trust-point, without a restart: " + verbose);
        assertTrue(verbose.contains("vpn_active_sessions"), verbose);
    }

    @Test
    @Order(7)
    void shouldLeaveHostsNoHttpLinePermitsUnansweredAndFollowTheLinesLive()
    {
        final HeadendProcess headend = bed.headend();
        headend.console("configure terminal");
        headend.console("no http " + Netns.clientAddress(1) + " 255.255.255.255 outside");
        headend.console("http 10.99.0.0 255.255.0.0 outside");
        headend.console("end");
        final Cmd.Result refused = curl(URL);
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertFalse(refused.output().contains("vpn_"), refused.output());

        headend.console("configure terminal");
        headend.console("http 10.77.0.0 255.255.255.0 outside");
        headend.console("end");
        assertTrue(scrape().contains("vpn_active_sessions"));

        headend.console("configure terminal");
        headend.console("no http server enable");
        headend.console("end");
        assertEquals(7, curl(URL).exitCode(), "curl: connection refused once the server is off");
    }

    private static void assertNull(final Object value, final String message)
    {
        org.junit.jupiter.api.Assertions.assertNull(value, message);
    }

    private static Cmd.Result curl(final String url)
    {
        return Cmd.run(Duration.ofSeconds(20), Netns.in(bed.net().client(1), "curl", "-sk", "-m", "10", url));
    }

    /** A scrape with curl's TLS details (the server certificate's subject) in the output. */
    private static String curlVerbose()
    {
        final Cmd.Result result = Cmd.run(Duration.ofSeconds(20), Netns.in(bed.net().client(1), "curl", "-vsk", "-m",
            "10", URL));
        assertEquals(0, result.exitCode(), "curl " + URL + ": " + result.output());
        return result.output();
    }

    private static String scrape()
    {
        final Cmd.Result result = curl(URL);
        assertEquals(0, result.exitCode(), "curl " + URL + ": " + result.output());
        return result.output();
    }

    private static Map<String, Double> samples(final String page)
    {
        final Map<String, Double> samples = new LinkedHashMap<>();
        final Matcher m = SAMPLE.matcher(page);
        while (m.find())
        {
            samples.put(m.group(1), Double.parseDouble(m.group(2).replace("+Inf", "Infinity")));
        }
        return samples;
    }

    /** The series of {@code family} for user demo, or null. */
    private static String userSeries(final Map<String, Double> samples, final String family)
    {
        return samples.keySet().stream().filter(s -> s.startsWith(family + "{username=\"demo\"")).findFirst()
            .orElse(null);
    }
}
