package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code anyconnect ssl rekey} with {@code time 1} (per user, so that every method runs on one appliance at once):
 * a paced, checksummed transfer runs across the rekey and arrives intact, the client keeps its address and its one
 * session. new-tunnel: the client reconnects with its cookie (over TLS only, and with DTLS up). ssl: openconnect
 * sends a TLS 1.3 KeyUpdate (and the headend its own), or renegotiates when TLS 1.2 is forced, without reconnecting.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RekeyIT
{
    /** The transfer lasts this long, so that the rekey one minute after connecting falls inside it. */
    private static final long TRANSFER_SECONDS = 85;
    private static final long RATE = 300_000;
    private static final String REKEY_DUE = "CSTP rekey due";
    private static final String DTLS_UP = "Established DTLS connection";

    /** One thread per client: the common pool has one thread on two cores, and these tasks mostly wait. */
    private static final ExecutorService CLIENTS = Executors.newCachedThreadPool();

    private static Testbed bed;
    private static CompletableFuture<Run> newTunnel;
    private static CompletableFuture<Run> newTunnelDtls;
    private static CompletableFuture<Run> keyUpdate;
    private static CompletableFuture<Run> keyUpdateDtls;
    private static CompletableFuture<Run> renegotiation;

    /** What one client saw: its first address, the transfer, and openconnect's output once the transfer ended. */
    private record Run(String user, OpenconnectClient client, String address, NetTools.TransferResult transfer,
        String output)
    {
    }

    @BeforeAll
    static void start() throws IOException
    {
        bed = Testbed.start(5, c ->
        {
            rekeyUser(c, "tunnel", "new-tunnel");
            rekeyUser(c, "tunneldtls", "new-tunnel");
            rekeyUser(c, "keyupdate", "ssl");
            rekeyUser(c, "keyupdatedtls", "ssl");
            rekeyUser(c, "renegotiate", "ssl");
        });
        final Path noTls13 = Harness.tempDir("gnutls-").resolve("no-tls13.conf");
        Files.writeString(noTls13, "[overrides]\ndisabled-version = tls1.3\n");
        // clients are made here, one thread; each then connects and transfers on its own
        newTunnel = run(bed.client(1, "tunnel"), 5401, c -> { });
        newTunnelDtls = run(bed.dtlsClient(2, "tunneldtls"), 5402, c -> c.process().waitFor(DTLS_UP,
            Duration.ofSeconds(20)));
        keyUpdate = run(bed.client(3, "keyupdate"), 5403, c -> { });
        keyUpdateDtls = run(bed.dtlsClient(4, "keyupdatedtls"), 5404, c -> c.process().waitFor(DTLS_UP,
            Duration.ofSeconds(20)));
        renegotiation = run(bed.client(5, "renegotiate").environment("GNUTLS_SYSTEM_PRIORITY_FILE",
            noTls13.toString()), 5405, c -> { });
    }

    private static void rekeyUser(final ApplianceConfig config, final String user, final String method)
    {
        config.user(user, user + "-secret")
            .extraLine("username " + user + " attributes")
            .extraLine(" webvpn")
            .extraLine("  anyconnect ssl rekey method " + method)
            .extraLine("  anyconnect ssl rekey time 1");
    }

    private static CompletableFuture<Run> run(final OpenconnectClient client, final int port,
        final Consumer<OpenconnectClient> ready)
    {
        return CompletableFuture.supplyAsync(() ->
        {
            final String user = client.user();
            client.startWithPassword(user + "-secret");
            final String address = client.awaitConfigured(Duration.ofSeconds(30));
            ready.accept(client);
            final NetTools.TransferResult transfer = NetTools.transfer(client.namespace(), bed.net().server(),
                ApplianceConfig.GATEWAY, port, RATE * TRANSFER_SECONDS, RATE, Duration.ofSeconds(180));
            return new Run(user, client, address, transfer, client.process().out().text()
                + client.process().err().text());
        }, CLIENTS);
    }

    @AfterAll
    static void tearDown()
    {
        CLIENTS.shutdownNow();
        if (bed != null)
        {
            bed.close();
        }
    }

    private static Run await(final CompletableFuture<Run> run)
        throws InterruptedException, ExecutionException, TimeoutException
    {
        return run.get(3, TimeUnit.MINUTES);
    }

    private static void assertIntact(final Run run)
    {
        assertEquals(RATE * TRANSFER_SECONDS, run.transfer().receivedBytes(), run.user() + ": " + run.transfer());
        assertEquals(run.transfer().sentSha256(), run.transfer().receivedSha256(), run.user() + ": data changed");
        assertTrue(count(run.output(), REKEY_DUE) >= 1, run.user() + ": no rekey during the transfer\n"
            + run.output());
    }

    /** One session for the user, still on its first address. */
    private static void assertOneSessionOnTheSameAddress(final Run run)
    {
        final List<HeadendProcess.Session> mine = bed.headend().sessions().stream()
            .filter(s -> s.username().equals(run.user())).toList();
        assertEquals(1, mine.size(), run.user() + ": " + mine);
        assertEquals(run.address(), mine.get(0).assignedIp());
        assertEquals(run.address(), run.client().tunAddress());
    }

    @Test
    void shouldReconnectWithTheCookieOnNewTunnelRekeyAndKeepTheTransferAndAddress() throws Exception
    {
        final Run run = await(newTunnel);
        assertIntact(run);
        assertTrue(count(run.output(), "CSTP connected") >= 2, "new-tunnel means a new CONNECT\n" + run.output());
        final Map<String, String> reconnect = run.client().awaitScriptCall("reconnect", 1, Duration.ofSeconds(5));
        assertEquals(run.address(), reconnect.get("INTERNAL_IP4_ADDRESS"));
        assertOneSessionOnTheSameAddress(run);
    }

    @Test
    void shouldBringDtlsBackWithNewKeysAfterANewTunnelRekey() throws Exception
    {
        final Run run = await(newTunnelDtls);
        assertIntact(run);
        assertTrue(count(run.output(), "CSTP connected") >= 2, run.output());
        assertTrue(count(run.output(), DTLS_UP) >= 2, "DTLS is set up again after the reconnect\n" + run.output());
        assertOneSessionOnTheSameAddress(run);
    }

    @Test
    void shouldUpdateTheTls13KeysInPlaceOnSslRekey() throws Exception
    {
        final Run run = await(keyUpdate);
        assertIntact(run);
        assertTrue(run.output().matches("(?s).*Renegotiated SSL on \\S+ with ciphersuite \\(TLS1\\.3\\).*"),
            "openconnect's rehandshake is a KeyUpdate on TLS 1.3\n" + run.output());
        assertEquals(1, count(run.output(), "CSTP connected"), "no reconnect\n" + run.output());
        assertTrue(bed.headend().process().err().text().contains("TLS key update sent"),
            "the headend renews its own keys as well");
        assertOneSessionOnTheSameAddress(run);
    }

    @Test
    void shouldRebuildDtlsAfterAnSslRekey() throws Exception
    {
        final Run run = await(keyUpdateDtls);
        assertIntact(run);
        assertTrue(run.output().contains("Renegotiated SSL"), run.output());
        assertTrue(count(run.output(), DTLS_UP) >= 2, "no DTLS rekey announced: openconnect rebuilds DTLS\n"
            + run.output());
        assertEquals(1, count(run.output(), "CSTP connected"), run.output());
        assertOneSessionOnTheSameAddress(run);
    }

    @Test
    void shouldRenegotiateTls12OnSslRekey() throws Exception
    {
        final Run run = await(renegotiation);
        assertIntact(run);
        assertTrue(run.output().matches("(?s).*Renegotiated SSL on \\S+ with ciphersuite \\(TLS1\\.2\\).*"),
            run.output());
        assertEquals(1, count(run.output(), "CSTP connected"), run.output());
        assertOneSessionOnTheSameAddress(run);
    }

    private static int count(final String text, final String what)
    {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length()))
        {
            n++;
        }
        return n;
    }
}
