package org.headend.perf.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * perf/scripts/lib/tunnel-await.sh, as soak.sh uses it for each churn cycle, against a stand-in for openconnect
 * that behaves as the real one does in order: it prints "Configured as" first and its --script logs the connect
 * block when the address and route are on the tun. The soak counted a cycle connected on "Configured as" (its
 * pings then failed with "Network is unreachable") and, because the client's output file was emptied by the
 * background child, sometimes on the previous cycle's "Configured as" (a cycle counted failed 0.04 s after its
 * start, or counted connected before it had logged in).
 */
class TunnelAwaitScriptTest
{
    private static final Path LIBRARY = Path.of("scripts/lib/tunnel-await.sh").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void shouldReportTheTunnelUpOnlyOnceTheClientsScriptHasConfiguredIt() throws Exception
    {
        final List<String> result = cycle("""
            echo 'Configured as 192.168.100.11, with SSL connected and DTLS connected'
            sleep 1
            printf '### reason=connect\\nTUNDEV=t0\\n### end\\n' >> "$ENV"
            sleep 30
            """, 20, 0);

        assertTrue(result.get(0).startsWith("up "), "the tunnel is reported up: " + result);
        assertEquals("1", result.get(1), "the script's connect block is there when the wait returns");
    }

    @Test
    void shouldNotTakeThePreviousClientsOutputForThisClients() throws Exception
    {
        Files.writeString(dir.resolve("out"), "Configured as 192.168.100.11, with SSL connected and DTLS connected\n");
        Files.writeString(dir.resolve("env"), "### reason=connect\nTUNDEV=t0\n### end\n### reason=disconnect\n### end\n");

        final List<String> result = cycle("""
            sleep 0.5
            echo 'Failed to connect to host'
            exit 1
            """, 20, 0.5);

        final String[] outcome = result.get(0).split(" ");
        assertEquals("exited", outcome[0], "this client exited without a tunnel: " + result);
        assertTrue(Double.parseDouble(outcome[1]) >= 0.9, "the wait lasted as long as this client: " + result);
    }

    @Test
    void shouldGiveUpOnAClientThatHangsAfterTheStatedWait() throws Exception
    {
        final List<String> result = cycle("sleep 30", 1, 0);

        final String[] outcome = result.get(0).split(" ");
        assertEquals("timeout", outcome[0], result.toString());
        assertTrue(Double.parseDouble(outcome[1]) >= 1.0, "it waited the stated second: " + result);
    }

    /**
     * One churn cycle in bash: the baseline, the client in the background, the wait; prints its result and the
     * number of connect blocks at the moment the wait returned, then stops the client. The background child opens
     * (and empties) the output file after {@code openDelaySeconds}: under load it is scheduled that late.
     */
    private List<String> cycle(final String client, final int waitSeconds, final double openDelaySeconds)
        throws IOException, InterruptedException
    {
        final Path clientScript = dir.resolve("client.sh");
        Files.writeString(clientScript, client);
        final String cycle = """
            . "$LIB"
            base=$(tunnel_baseline "$OUT" "$ENV")
            { sleep "$OPEN_DELAY"; exec bash "$CLIENT" > "$OUT" 2>&1; } &
            pid=$!
            tunnel_await "$pid" "$ENV" "$base" "$WAIT"
            echo $(( $(tunnel_connect_blocks "$ENV") - base ))
            kill -KILL "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
            exit 0
            """;
        // bash reports the killed client on stderr when it reaps it, at a moment of its own: kept off the results
        final ProcessBuilder builder = new ProcessBuilder("bash", "-c", cycle)
            .redirectError(dir.resolve("stderr").toFile());
        builder.environment().put("LIB", LIBRARY.toString());
        builder.environment().put("OUT", dir.resolve("out").toString());
        builder.environment().put("ENV", dir.resolve("env").toString());
        builder.environment().put("CLIENT", clientScript.toString());
        builder.environment().put("WAIT", Integer.toString(waitSeconds));
        builder.environment().put("OPEN_DELAY", Double.toString(openDelaySeconds));
        final Process bash = builder.start();
        assertTrue(bash.waitFor(60, TimeUnit.SECONDS), "the cycle ended");
        final List<String> lines = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), "the wait's result and the block count: " + lines + ", stderr: "
            + Files.readString(dir.resolve("stderr")));
        return lines;
    }
}
