package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code anyconnect ssl df-bit-ignore} with the real openconnect and a host on the inside network: a ping with DF set
 * and longer than the tunnel MTU (1200) gets ICMP "fragmentation needed, mtu = 1200" back by default, and with
 * {@code df-bit-ignore enable} in the user's group-policy it reaches the client in fragments and is answered.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DfBitIgnoreIT
{
    private static final int MTU = 1200;
    /** 1250 bytes of ICMP data: a 1278-byte packet, above the tunnel MTU and below the inside link's. */
    private static final String SIZE = "1250";
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
    private static Testbed bed;

    @BeforeAll
    static void start()
    {
        bed = Testbed.start(2, true, config -> config
            .mtu(MTU)
            // the client routes the inside host's network into the tunnel
            .extraLine("access-list INSIDE standard permit 10.78.0.0 255.255.255.0")
            .extraLine("group-policy GP attributes")
            .extraLine(" split-tunnel-policy tunnelspecified")
            .extraLine(" split-tunnel-network-list value INSIDE")
            .user("erin", "erin-secret")
            .extraLine("group-policy FRAG internal")
            .extraLine("group-policy FRAG attributes")
            .extraLine(" webvpn")
            .extraLine("  anyconnect ssl df-bit-ignore enable")
            .extraLine("username erin attributes")
            .extraLine(" vpn-group-policy FRAG"));
    }

    @AfterAll
    static void tearDown()
    {
        if (bed != null)
        {
            bed.close();
        }
    }

    @AfterEach
    void closeClients()
    {
        bed.closeClients();
    }

    @Test
    void shouldAnswerAnOversizedDfPingWithFragmentationNeededByDefault()
    {
        final OpenconnectClient client = bed.dtlsClient(1, "demo").startWithPassword("demo-secret");
        final String address = client.awaitConfigured(Duration.ofSeconds(30));
        client.process().waitFor("Established DTLS connection", Duration.ofSeconds(20));
        assertTrue(NetTools.ping(bed.net().inside(), address, 5).allAnswered(), "small pings pass");

        final Cmd.Result big = dfPing(address);

        assertEquals(0, received(big), big.output());
        assertTrue(big.output().contains("mtu = " + MTU) || big.output().contains("mtu=" + MTU),
            "the inside host learns the tunnel MTU: " + big.output());
        assertTrue(counter("answered with ICMP frag-needed") > 0, "show counters");
    }

    @Test
    void shouldCarryAnOversizedDfPingInFragmentsWithDfBitIgnoreOverDtlsAndTls()
    {
        final OpenconnectClient dtls = bed.dtlsClient(1, "erin").startWithPassword("erin-secret");
        final String dtlsAddress = dtls.awaitConfigured(Duration.ofSeconds(30));
        dtls.process().waitFor("Established DTLS connection", Duration.ofSeconds(20));
        final Cmd.Result overDtls = dfPing(dtlsAddress);
        assertEquals(3, received(overDtls), overDtls.output());
        assertTrue(overDtls.output().contains("1258 bytes from " + dtlsAddress), overDtls.output());

        final OpenconnectClient tls = bed.connect(2, "erin", "erin-secret");
        final String tlsAddress = tls.awaitConfigured(Duration.ofSeconds(30));
        final Cmd.Result overTls = dfPing(tlsAddress);
        assertEquals(3, received(overTls), overTls.output());

        assertTrue(counter("sent as fragments") >= 6, "the six oversized pings went as fragments");
    }

    /**
     * Three pings with DF set (-M do) and 1250 bytes of data from the inside host, which first forgets the path MTUs
     * it learnt: an address leased before may have answered with "fragmentation needed".
     */
    private static Cmd.Result dfPing(final String address)
    {
        Cmd.run(Duration.ofSeconds(10), Netns.in(bed.net().inside(), "sysctl", "-q", "-w", "net.ipv4.route.flush=1"))
            .check();
        return Cmd.run(Duration.ofSeconds(20), Netns.in(bed.net().inside(), "ping", "-n", "-M", "do", "-s", SIZE,
            "-c", "3", "-i", "0.3", "-W", "2", address));
    }

    /** The value of the {@code show counters} line whose description contains {@code text}. */
    private static long counter(final String text)
    {
        final String counters = bed.headend().console("show counters");
        final String line = counters.lines().filter(l -> l.contains(text)).findFirst().orElseThrow(
            () -> new AssertionError("no counter '" + text + "' in " + counters));
        return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1).trim());
    }

    private static int received(final Cmd.Result ping)
    {
        final Matcher m = SUMMARY.matcher(ping.output());
        assertTrue(m.find(), ping.output());
        return Integer.parseInt(m.group(2));
    }
}
