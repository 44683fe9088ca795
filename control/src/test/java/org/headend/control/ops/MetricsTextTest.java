package org.headend.control.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.headend.dataplane.api.LatencyHistogram;
import org.junit.jupiter.api.Test;

/** The text exposition format as Prometheus parses it: families, escaping, numbers, histograms. */
class MetricsTextTest
{
    @Test
    void shouldWriteHelpTypeAndSamplesOfAFamily()
    {
        final String text = new MetricsText()
            .family("vpn_active_sessions", "gauge", "Sessions by transport")
            .sample("vpn_active_sessions", 2, "protocol", "tls")
            .sample("vpn_active_sessions", 0, "protocol", "dtls")
            .text();
        assertEquals("""
            # HELP vpn_active_sessions Sessions by transport
            # TYPE vpn_active_sessions gauge
            vpn_active_sessions{protocol="tls"} 2
            vpn_active_sessions{protocol="dtls"} 0
            """, text);
    }

    @Test
    void shouldEscapeAUserNameSoItCannotForgeASample()
    {
        final String text = new MetricsText()
            .sample("vpn_user_rx_bytes", 5, "username", "eve\"} 99\nvpn_ips_banned 0 \\")
            .text();
        assertEquals("vpn_user_rx_bytes{username=\"eve\\\"} 99\\nvpn_ips_banned 0 \\\\\"} 5\n", text);
        assertEquals(1, text.split("\n").length, "still one line");
    }

    @Test
    void shouldEscapeBackslashAndNewlineInHelp()
    {
        assertTrue(new MetricsText().family("a_total", "counter", "one\\two\nthree").text()
            .startsWith("# HELP a_total one\\\\two\\nthree\n"));
    }

    @Test
    void shouldWriteIntegersPlainAndFractionsAndInfinitiesAsPrometheusReadsThem()
    {
        assertEquals("12345678901", MetricsText.format(12_345_678_901.0));
        assertEquals("0.25", MetricsText.format(0.25));
        assertEquals("+Inf", MetricsText.format(Double.POSITIVE_INFINITY));
        assertEquals("NaN", MetricsText.format(Double.NaN));
    }

    @Test
    void shouldWriteCumulativeBucketsSumAndCount()
    {
        final LatencyHistogram histogram = new LatencyHistogram(0.01, 0.1, 1);
        histogram.observeNanos(5_000_000);
        histogram.observeNanos(50_000_000);
        histogram.observeNanos(60_000_000);
        histogram.observeNanos(5_000_000_000L);
        final String text = new MetricsText().histogram("vpn_dpd_rtt_seconds", "rtt", histogram).text();
        assertTrue(text.contains("# TYPE vpn_dpd_rtt_seconds histogram\n"), text);
        assertTrue(text.contains("vpn_dpd_rtt_seconds_bucket{le=\"0.01\"} 1\n"), text);
        assertTrue(text.contains("vpn_dpd_rtt_seconds_bucket{le=\"0.1\"} 3\n"), text);
        assertTrue(text.contains("vpn_dpd_rtt_seconds_bucket{le=\"1.0\"} 3\n"), text);
        assertTrue(text.contains("vpn_dpd_rtt_seconds_bucket{le=\"+Inf\"} 4\n"), text);
        assertTrue(text.contains("vpn_dpd_rtt_seconds_sum 5.115\n"), text);
        assertTrue(text.contains("vpn_dpd_rtt_seconds_count 4\n"), text);
    }

    @Test
    void shouldRefuseNamesTheFormatCannotCarry()
    {
        assertThrows(IllegalArgumentException.class, () -> new MetricsText().sample("vpn-rx", 1));
        assertThrows(IllegalArgumentException.class, () -> new MetricsText().sample("vpn_rx", 1, "user name", "x"));
        assertThrows(IllegalArgumentException.class, () -> new MetricsText().sample("vpn_rx", 1, "__name__", "x"));
        assertThrows(IllegalArgumentException.class, () -> new MetricsText().sample("vpn_rx", 1, "odd"));
    }
}
