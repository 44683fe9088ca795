package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
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
 * Tunnel compression with the real openconnect asking for everything ({@code --compression=all}): deflate and LZS
 * on TLS and LZS on DTLS, each chosen by a user's policy, carry 100 MB of compressible data each way intact, with
 * compressed frames counted both ways, and deflate again after a reconnect (fresh streams on both sides); after
 * {@code no compression} nothing is compressed although the client still asks. The data repeats itself 6 KiB back,
 * beyond openconnect's 4 KiB deflate window.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CompressionIT
{
    private static final long TRANSFER_BYTES = 100L * 1000 * 1000;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(120);
    /** At least this many packets of a transfer leave compressed (full-size TCP segments all shrink). */
    private static final long MIN_COMPRESSED = TRANSFER_BYTES / 1400 * 9 / 10;
    private static final String ALL = "--compression=all";
    /** openconnect prints the CONNECT answer's X-* headers when verbose. */
    private static final String VERBOSE = "-v";

    private static Testbed bed;

    @BeforeAll
    static void start()
    {
        bed = Testbed.start(4, config -> config
            .user("carol", "carol-secret")
            .extraLine("username demo attributes")
            .extraLine(" webvpn")
            .extraLine("  anyconnect ssl compression deflate")
            .extraLine("username bob attributes")
            .extraLine(" webvpn")
            .extraLine("  anyconnect ssl compression lzs")
            .extraLine("username carol attributes")
            .extraLine(" webvpn")
            .extraLine("  anyconnect dtls compression lzs"));
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
    void shouldCarryOneHundredMegabytesEachWayOverTlsWithDeflateAndAgainAfterAReconnect()
    {
        final OpenconnectClient client = bed.client(1, "demo", ALL, VERBOSE).startWithPassword("demo-secret");
        final String address = client.awaitConfigured(Duration.ofSeconds(30));
        assertAnswered(client, "X-CSTP-Content-Encoding: deflate");
        transferBothWays(client, address, "CSTP compressed frames", 5401);
        // a reconnect resets openconnect's streams and checksums: the new tunnel must start afresh too
        client.signal("USR2");
        client.awaitCstpConnected(2, Duration.ofSeconds(30));
        final long before = bed.headend().counter("CSTP compressed frames");
        checkedTransfer(client.namespace(), bed.net().server(), ApplianceConfig.GATEWAY, 5409, TRANSFER_BYTES / 10);
        checkedTransfer(bed.net().server(), client.namespace(), address, 5410, TRANSFER_BYTES / 10);
        assertTrue(bed.headend().counter("CSTP compressed frames") - before >= 2 * MIN_COMPRESSED / 10);
        assertEquals(0, bed.headend().counter("did not decompress"));
        bed.closeClients();
    }

    @Test
    @Order(2)
    void shouldCarryOneHundredMegabytesEachWayOverTlsWithLzs()
    {
        final OpenconnectClient client = bed.client(2, "bob", ALL, VERBOSE).startWithPassword("bob-secret");
        final String address = client.awaitConfigured(Duration.ofSeconds(30));
        assertAnswered(client, "X-CSTP-Content-Encoding: lzs");
        transferBothWays(client, address, "CSTP compressed frames", 5403);
        bed.closeClients();
    }

    @Test
    @Order(3)
    void shouldCarryOneHundredMegabytesEachWayOverDtlsWithLzs()
    {
        final OpenconnectClient client = bed.dtlsClient(3, "carol", ALL, VERBOSE).startWithPassword("carol-secret");
        final String address = client.awaitConfigured(Duration.ofSeconds(30));
        client.process().waitFor("Established DTLS connection", Duration.ofSeconds(20));
        assertAnswered(client, "X-DTLS-Content-Encoding: lzs");
        assertFalse(client.process().out().text().contains("X-CSTP-Content-Encoding"),
            "carol's policy compresses DTLS only");
        final long tlsBefore = bed.headend().counter("CSTP compressed frames");
        transferBothWays(client, address, "DTLS compressed messages", 5405);
        assertEquals(tlsBefore, bed.headend().counter("CSTP compressed frames"), "the traffic went over DTLS");
        bed.closeClients();
    }

    @Test
    @Order(4)
    void shouldCompressNothingAfterNoCompressionThoughPoliciesAndClientsAsk()
    {
        bed.headend().console("configure terminal");
        bed.headend().console("no compression");
        bed.headend().console("end");
        assertTrue(bed.headend().console("show running-config").contains("no compression"));
        final OpenconnectClient tls = bed.client(1, "demo", ALL, VERBOSE).startWithPassword("demo-secret");
        final String tlsAddress = tls.awaitConfigured(Duration.ofSeconds(30));
        final OpenconnectClient dtls = bed.dtlsClient(4, "carol", ALL, VERBOSE).startWithPassword("carol-secret");
        final String dtlsAddress = dtls.awaitConfigured(Duration.ofSeconds(30));
        dtls.process().waitFor("Established DTLS connection", Duration.ofSeconds(20));
        for (final OpenconnectClient client : new OpenconnectClient[] {tls, dtls})
        {
            assertFalse(client.process().out().text().contains("Content-Encoding"), client.process().out().text());
        }
        final long before = bed.headend().counter("compressed (frames|messages)");
        final long small = TRANSFER_BYTES / 10;
        checkedTransfer(bed.net().client(1), bed.net().server(), ApplianceConfig.GATEWAY, 5407, small);
        checkedTransfer(bed.net().server(), bed.net().client(4), dtlsAddress, 5408, small);
        assertTrue(NetTools.ping(bed.net().server(), tlsAddress, 5).allAnswered());
        assertEquals(before, bed.headend().counter("compressed (frames|messages)"), "compressed frames after 20 MB");
        bed.closeClients();
    }

    /** 100 MB up and 100 MB down; compressed frames on the channel named by counterPrefix rise both ways. */
    private static void transferBothWays(final OpenconnectClient client, final String address,
        final String counterPrefix, final int port)
    {
        final long rxBefore = bed.headend().counter(counterPrefix + " received");
        final long txBefore = bed.headend().counter(counterPrefix + " sent");
        final long failuresBefore = bed.headend().counter("did not decompress");
        final NetTools.TransferResult up = checkedTransfer(client.namespace(), bed.net().server(),
            ApplianceConfig.GATEWAY, port, TRANSFER_BYTES);
        final NetTools.TransferResult down = checkedTransfer(bed.net().server(), client.namespace(), address,
            port + 1, TRANSFER_BYTES);
        final long rx = bed.headend().counter(counterPrefix + " received") - rxBefore;
        final long tx = bed.headend().counter(counterPrefix + " sent") - txBefore;
        System.out.printf("%s: up %.0f Mbit/s, %d compressed in; down %.0f Mbit/s, %d compressed out%n",
            counterPrefix, up.megabitsPerSecond(), rx, down.megabitsPerSecond(), tx);
        assertTrue(rx >= MIN_COMPRESSED, "only " + rx + " compressed packets came from the client");
        assertTrue(tx >= MIN_COMPRESSED, "only " + tx + " compressed packets went to the client");
        assertEquals(failuresBefore, bed.headend().counter("did not decompress"));
        assertTrue(client.process().isAlive(), "openconnect ended:\n" + client.process().tails(40));
    }

    private static NetTools.TransferResult checkedTransfer(final String from, final String to, final String address,
        final int port, final long bytes)
    {
        final NetTools.TransferResult t = NetTools.transfer(from, to, address, port, bytes, TRANSFER_TIMEOUT,
            "compressible");
        assertEquals(bytes, t.receivedBytes(), t.toString());
        assertEquals(t.sentSha256(), t.receivedSha256(), "SHA-256 sent vs received");
        return t;
    }

    private static void assertAnswered(final OpenconnectClient client, final String header)
    {
        final String out = client.process().out().text() + client.process().err().text();
        assertTrue(out.contains(header), "openconnect did not get '" + header + "':\n" + out);
    }
}
