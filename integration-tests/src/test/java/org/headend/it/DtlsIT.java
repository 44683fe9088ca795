package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The DTLS data plane with the real openconnect: PSK-NEGOTIATE by default, DTLS 1.2 resumption when the client
 * forces its ciphers, traffic over UDP, fallback to TLS when UDP is blocked and back when it is not, replayed
 * records dropped and counted, garbage on the UDP port harming nobody, and a client behind a NAT that moves it to
 * another port mid-tunnel keeping its DTLS channel.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DtlsIT
{
    private static final String DTLS_UP = "Established DTLS connection";
    private static final long TRANSFER_BYTES = 100L * 1000 * 1000;
    /** Where the NAT maps the flow after the rebinding: never {@link NatRouter#PORTS}, so the port surely changes. */
    private static final String REBOUND_PORTS = "41000-41999";
    /**
     * Pings at 10 ms the rebinding may cost: the answers in flight to the old port when the NAT forgets the flow
     * (up to 100 ms of them if the client or the headend waits for a CPU on a loaded machine). From the client's
     * first record from the new port on, the headend answers there, so nothing later is lost; a headend that did not
     * follow would lose all 200 pings after the change.
     */
    private static final int REBINDING_LOSS = 10;

    private static Testbed bed;
    private static OpenconnectClient psk;
    private static OpenconnectClient resumption;

    @BeforeAll
    static void connect()
    {
        bed = Testbed.start(3);
        psk = bed.dtlsClient(1, "demo").startWithPassword("demo-secret");
        psk.awaitConfigured(Duration.ofSeconds(30));
        psk.process().waitFor(DTLS_UP, Duration.ofSeconds(20));
        resumption = bed.dtlsClient(2, "bob", "--dtls-ciphers=OC-DTLS1_2-AES128-GCM").startWithPassword("bob-secret");
        resumption.awaitConfigured(Duration.ofSeconds(30));
        resumption.process().waitFor(DTLS_UP, Duration.ofSeconds(20));
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
    void shouldNegotiateAPskAndShowTheDtlsTunnelWithItsCipher()
    {
        assertTrue(psk.process().out().text().contains("(PSK)"), "openconnect's DTLS suite is a PSK one");
        final String sessions = bed.headend().console("show vpn-sessiondb anyconnect");
        assertTrue(sessions.contains("AnyConnect-Parent SSL-Tunnel DTLS-Tunnel"), sessions);
        assertTrue(sessions.matches("(?s).*DTLS-Tunnel: \\(1\\)AES-GCM-(128|256).*"), sessions);
    }

    @Test
    @Order(2)
    void shouldResumeTheCiscoWayWhenTheClientForcesItsDtlsCipher()
    {
        assertTrue(resumption.process().out().text().contains("AES-128-GCM"), resumption.process().out().text());
        final NetTools.PingResult r = NetTools.ping(bed.net().client(2), ApplianceConfig.GATEWAY, 20);
        assertEquals(20, r.received(), r.output());
        final String sessions = bed.headend().console("show vpn-sessiondb anyconnect");
        assertTrue(sessions.contains("DTLS-Tunnel: (1)AES-GCM-128"), sessions);
    }

    @Test
    @Order(3)
    void shouldCarryPingsAndOneHundredMegabytesOverDtls()
    {
        final long before = bed.headend().counter("DTLS data packets received");
        final NetTools.PingResult ping = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 100);
        assertEquals(100, ping.received(), ping.output());
        final NetTools.TransferResult up = NetTools.transfer(bed.net().client(1), bed.net().server(),
            ApplianceConfig.GATEWAY, 5301, TRANSFER_BYTES, Duration.ofSeconds(120));
        assertEquals(TRANSFER_BYTES, up.receivedBytes(), up.toString());
        assertEquals(up.sentSha256(), up.receivedSha256(), "the data arrived changed");
        final long packets = bed.headend().counter("DTLS data packets received") - before;
        assertTrue(packets > TRANSFER_BYTES / 1500, "only " + packets + " packets came over DTLS");
    }

    @Test
    @Order(4)
    void shouldDropAndCountReplayedRecordsWithoutHarmingTheSession()
    {
        final String ns = bed.net().client(1);
        final long before = bed.headend().counter("replayed");
        Netns.exec(ns, "nft", "add", "table", "ip", "hdit_replay");
        try
        {
            Netns.exec(ns, "nft", "add", "chain", "ip", "hdit_replay", "out",
                "{ type filter hook postrouting priority 0; }");
            // every datagram to the DTLS port leaves twice: the copy is a replay of a valid record
            Netns.exec(ns, "nft", "add", "rule", "ip", "hdit_replay", "out", "udp", "dport",
                Integer.toString(bed.config().port()), "dup", "to", Netns.SERVER_ADDRESS, "device",
                "eth0");
            final NetTools.PingResult r = NetTools.ping(ns, ApplianceConfig.GATEWAY, 20);
            assertEquals(20, r.received(), r.output());
        }
        finally
        {
            Netns.exec(ns, "nft", "delete", "table", "ip", "hdit_replay");
        }
        final long replays = bed.headend().counter("replayed") - before;
        assertTrue(replays >= 20, "replay counter rose by " + replays);
    }

    @Test
    @Order(5)
    void shouldIgnoreGarbageOnTheDtlsPortAndAnswerNothing()
    {
        final NetTools.UdpNoiseResult noise = NetTools.udpNoise(bed.net().client(3), Netns.SERVER_ADDRESS,
            bed.config().port(), 500);
        assertEquals(500, noise.sent(), noise.output());
        assertEquals(0, noise.replies(), "the headend answered garbage:\n" + noise.output());
        assertTrue(bed.headend().process().isAlive());
        for (final int n : new int[] {1, 2})
        {
            final NetTools.PingResult r = NetTools.ping(bed.net().client(n), ApplianceConfig.GATEWAY, 20);
            assertEquals(20, r.received(), "client " + n + " after the noise:\n" + r.output());
        }
    }

    @Test
    @Order(6)
    void shouldFallBackToTlsWhenUdpIsBlockedAndComeBackWhenItIsNot()
    {
        final String ns = bed.net().client(1);
        final int[] mark = marks(psk);
        Netns.exec(ns, "nft", "add", "table", "ip", "hdit_block");
        try
        {
            Netns.exec(ns, "nft", "add", "chain", "ip", "hdit_block", "out",
                "{ type filter hook output priority 0; }");
            Netns.exec(ns, "nft", "add", "rule", "ip", "hdit_block", "out", "udp", "dport",
                Integer.toString(bed.config().port()), "drop");
            // a local drop fails the client's next DTLS write at once; a drop further away would take its DTLS DPD
            // (2 x X-DTLS-DPD): either way it moves its traffic to TLS
            final long tlsBefore = bed.headend().counter("CSTP data packets received");
            awaitOutput(psk, "Write error on DTLS session|DTLS Dead Peer Detection detected dead peer", mark,
                Duration.ofSeconds(90));
            final Map<String, Long> before = bed.headend().counters();
            final NetTools.PingResult r = NetTools.ping(ns, ApplianceConfig.GATEWAY, 20);
            // on a loss, the counters tell whether the headend dropped or misrouted the packet, or sent the reply late
            // (ping counts a reply later than its -W as lost)
            assertEquals(20, r.received(), () -> "traffic while UDP is blocked:\n" + r.output() + "\n"
                + moved(before) + psk.process().tails(30));
            assertTrue(bed.headend().counter("CSTP data packets received") - tlsBefore >= 20,
                "the pings did not come over TLS");
            // once the client sends data over TLS, no reply may go into the DTLS channel it gave up
            assertEquals(0, bed.headend().counter("DTLS data packets sent")
                - HeadendProcess.sumMatching(before, "DTLS data packets sent"),
                "the headend answered over DTLS after the client had fallen back to TLS");
        }
        finally
        {
            Netns.exec(ns, "nft", "delete", "table", "ip", "hdit_block");
        }
        awaitOutput(psk, DTLS_UP, marks(psk), Duration.ofSeconds(120));
        final Map<String, Long> back = bed.headend().counters();
        final NetTools.PingResult r = NetTools.ping(ns, ApplianceConfig.GATEWAY, 20);
        assertEquals(20, r.received(), () -> r.output() + "\n" + moved(back) + psk.process().tails(30));
        assertTrue(bed.headend().counter("DTLS data packets received")
            - HeadendProcess.sumMatching(back, "DTLS data packets received") >= 20,
            "the pings did not come back to DTLS");
    }

    @Test
    @Order(7)
    void shouldSendTheLastHandshakeFlightAgainWhenTheClientMissedIt()
    {
        final String ns = bed.net().client(3);
        final String port = Integer.toString(bed.config().port());
        final long before = bed.headend().counter("last flights sent again");
        Netns.exec(ns, "nft", "add", "table", "ip", "hdit_lose");
        final OpenconnectClient client;
        try
        {
            Netns.exec(ns, "nft", "add", "chain", "ip", "hdit_lose", "in", "{ type filter hook input priority 0; }");
            // the headend's last PSK-NEGOTIATE flight is lost once: the first datagram that opens with its
            // ChangeCipherSpec and the first epoch-1 handshake record (its Finished), however they are packed
            Cmd.check("ip", "netns", "exec", ns, "nft", "add", "rule", "ip", "hdit_lose", "in", "udp", "sport", port,
                "@th,64,8", "0x14",
                "quota", "until", "150", "bytes", "counter", "drop");
            Cmd.check("ip", "netns", "exec", ns, "nft", "add", "rule", "ip", "hdit_lose", "in", "udp", "sport", port,
                "@th,64,8", "0x16", "@th,88,16", "0x0001", "quota", "until", "150", "bytes", "counter", "drop");
            client = bed.dtlsClient(3, "demo").startWithPassword("demo-secret");
            client.awaitConfigured(Duration.ofSeconds(30));
            client.process().waitFor(DTLS_UP, Duration.ofSeconds(30));
            final String rules = Netns.exec(ns, "nft", "list", "table", "ip", "hdit_lose").output();
            assertTrue(rules.matches("(?s).*counter packets [1-9].*"), "the flight was not lost:\n" + rules);
        }
        finally
        {
            Netns.exec(ns, "nft", "delete", "table", "ip", "hdit_lose");
        }
        assertTrue(bed.headend().counter("last flights sent again") > Math.max(before, 0),
            "DTLS came up without the headend repeating its flight");
        final long dtlsBefore = bed.headend().counter("DTLS data packets received");
        final NetTools.PingResult r = NetTools.ping(ns, ApplianceConfig.GATEWAY, 20);
        assertEquals(20, r.received(), r.output());
        assertTrue(bed.headend().counter("DTLS data packets received") - dtlsBefore >= 20, "pings not over DTLS");
        client.close();
    }

    @Test
    @Order(8)
    void shouldFollowAClientWhoseNatMovesItToAnotherPortMidTunnel()
    {
        final int port = bed.config().port();
        try (NatRouter nat = NatRouter.behind(bed.net().client(3)))
        {
            final OpenconnectClient client = new OpenconnectClient(nat.lan(), bed.headend().url(),
                bed.headend().pin(), "demo", true, List.of());
            try
            {
                client.startWithPassword("demo-secret").awaitConfigured(Duration.ofSeconds(30));
                client.process().waitFor(DTLS_UP, Duration.ofSeconds(30));
                final String mappedBefore = nat.udpMappings(port);
                assertTrue(mappedBefore.matches("(?s).*dport=40\\d{3}\\b.*"), "the DTLS flow is not behind the NAT:\n"
                    + mappedBefore);
                final int[] mark = marks(client);
                final Map<String, Long> before = bed.headend().counters();
                // 3 s of pings every 10 ms; 1 s in, the NAT forgets the flow and maps it to another port range
                final CompletableFuture<NetTools.PingTimes> pings = CompletableFuture.supplyAsync(
                    () -> NetTools.pingTimes(nat.lan(), ApplianceConfig.GATEWAY, 300),
                    r -> Thread.ofPlatform().daemon().start(r));
                NetTools.sleep(1000);
                nat.remap(REBOUND_PORTS);
                final NetTools.PingTimes during = pings.join();
                final String mappedAfter = nat.udpMappings(port);
                assertTrue(mappedAfter.matches("(?s).*dport=41\\d{3}\\b.*"), "the NAT kept its old port:\n"
                    + mappedAfter + "\nbefore:\n" + mappedBefore);
                assertTrue(during.transmitted() - during.received() <= REBINDING_LOSS,
                    () -> "pings lost over the rebinding:\n" + during.summary() + moved(before));
                assertTrue(bed.headend().counter("DTLS clients moved") - HeadendProcess.sumMatching(before,
                    "DTLS clients moved") >= 1, () -> "the headend never followed the new port:\n" + moved(before));
                // still DTLS: no dead peer, no new handshake, and what follows comes over UDP from the new port
                final long dtlsBefore = bed.headend().counter("DTLS data packets received");
                final NetTools.PingResult after = NetTools.ping(nat.lan(), ApplianceConfig.GATEWAY, 20);
                assertEquals(20, after.received(), after.output());
                assertTrue(bed.headend().counter("DTLS data packets received") - dtlsBefore >= 20,
                    () -> "the pings after the rebinding did not come over DTLS:\n" + moved(before));
                assertNull(client.process().err().find("dead peer|DTLS handshake", mark[1]),
                    () -> "openconnect lost its DTLS channel:\n" + client.process().tails(30));
                assertNull(client.process().out().find(DTLS_UP, mark[0]), "openconnect made a new DTLS channel");
                System.out.printf("NAT REBINDING: lost %d of %d pings at 10 ms while the NAT moved the flow%n",
                    during.transmitted() - during.received(), during.transmitted());
            }
            finally
            {
                client.close();
            }
        }
    }

    /** The headend's counters that changed since {@code before}, with their change: where lost packets went. */
    private static String moved(final Map<String, Long> before)
    {
        final StringBuilder text = new StringBuilder("counters that moved:\n");
        for (final Map.Entry<String, Long> e : bed.headend().counters().entrySet())
        {
            final long delta = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (delta != 0)
            {
                text.append("  ").append(e.getKey()).append(": ").append(delta).append('\n');
            }
        }
        return text.toString();
    }

    private static int[] marks(final OpenconnectClient client)
    {
        return new int[] {client.process().out().mark(), client.process().err().mark()};
    }

    /**
     * Waits for the client to print regex (on stdout or stderr: openconnect reports errors on the latter) after the
     * marks, pinging meanwhile so that its timers see traffic.
     */
    private static void awaitOutput(final OpenconnectClient client, final String regex, final int[] marks,
        final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (client.process().out().find(regex, marks[0]) == null
            && client.process().err().find(regex, marks[1]) == null)
        {
            assertTrue(System.nanoTime() < deadline, "openconnect never printed '" + regex + "'");
            NetTools.ping(client.namespace(), ApplianceConfig.GATEWAY, 1);
            NetTools.sleep(1000);
        }
    }
}
