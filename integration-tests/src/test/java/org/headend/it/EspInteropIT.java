package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The data plane's user-space ESP against a real client: strongSwan's charon with kernel-libipsec in the client
 * namespace negotiates with the IKEv2 core ({@link EspInteropResponder}), whose child SAs go into the data plane's ESP
 * port on UDP 4500 and whose client packets go through a real TUN device of the server namespace to the inside host.
 * Pings, a large ICMP payload and checksummed TCP transfers (100 MB up, 30 MB down) cross both ways, pings again after
 * a CHILD_SA rekey; logoff ends the tunnel.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class EspInteropIT
{
    private static final String PASSWORD = "Wonderland-42";
    private static final String SERVER_PSK = "server-psk-for-the-esp-interop-test";
    private static final String POOL_ADDRESS = "192.168.100.10";
    private static final String TUN = "esp0";

    private static Netns net;
    private static StrongSwanClient strongswan;
    private static Path dir;
    private static ManagedProcess responder;

    @BeforeAll
    static void start() throws IOException
    {
        net = Netns.create(1, true, true);
        strongswan = StrongSwanClient.prepare("hdit-esp", "");
        dir = strongswan.dir();
        responder = InteropFixture.startResponder("esp-responder", net.server(), dir,
            List.of("--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"),
            EspInteropResponder.class, Netns.SERVER_ADDRESS, SERVER_PSK, "alice", PASSWORD, POOL_ADDRESS,
            Netns.INSIDE_SERVER_ADDRESS, "10.78.0.0/24", TUN);
        responder.waitFor("READY", Duration.ofSeconds(60));
        // the pool is reached through the data plane's TUN device, as the appliance routes it
        Netns.exec(net.server(), "ip", "link", "set", TUN, "up").check();
        Netns.exec(net.server(), "ip", "route", "add", POOL_ADDRESS + "/32", "dev", TUN).check();
        // encap = yes: libipsec carries ESP in UDP only, and there is no NAT here to make the client float to 4500
        strongswan.start(net.client(), InteropFixture.homeConnection("encap = yes", PASSWORD, SERVER_PSK));
    }

    @AfterAll
    static void stop() throws IOException
    {
        InteropFixture.stop(responder, net, strongswan);
    }

    private static Cmd.Result swanctl(final String... args)
    {
        return strongswan.swanctl(args);
    }

    private static String charonLog() throws IOException
    {
        return strongswan.log();
    }

    /** Pings the inside host from the client through the tunnel; true when every echo came back. */
    private static Cmd.Result ping(final int count, final int size)
    {
        return Netns.exec(net.client(), "ping", "-c", Integer.toString(count), "-i", "0.2", "-W", "3", "-s",
            Integer.toString(size), Netns.INSIDE_HOST_ADDRESS);
    }

    /** The responder's ESP packet counters: received from the client, sent to it. */
    private static long[] counters()
    {
        final int outMark = responder.out().mark();
        final int errMark = responder.err().mark();
        responder.writeLine("counters");
        final Matcher counters = responder.waitFor("COUNTERS (\\d+) (\\d+) (\\d+)", outMark, errMark,
            Duration.ofSeconds(10));
        return new long[] {Long.parseLong(counters.group(1)), Long.parseLong(counters.group(2))};
    }

    /** The data plane's non-zero counters, for a failure's message. */
    private static String dataplaneCounters()
    {
        final int outMark = responder.out().mark();
        responder.writeLine("dataplane");
        return responder.waitFor("DATAPLANE.*", outMark, responder.err().mark(), Duration.ofSeconds(10)).group();
    }

    @Test
    void shouldCarryAStrongSwanClientsTrafficThroughUserSpaceEspBeforeAndAfterARekey() throws IOException
    {
        final Cmd.Result up = swanctl("--initiate", "--child", "home", "--timeout", "30");
        assertTrue(up.ok(), "initiate:\n" + up.output() + "\n" + responder.tails(40) + "\n" + charonLog());
        responder.waitFor("CHILD_UP " + Pattern.quote(POOL_ADDRESS), Duration.ofSeconds(10));

        final Cmd.Result first = ping(5, 56);
        assertTrue(first.ok(), "ping through ESP:\n" + first.output() + "\n" + dataplaneCounters() + "\n"
            + responder.tails(20) + "\n" + charonLog());
        final Cmd.Result large = ping(3, 1300);
        assertTrue(large.ok(), "1300-byte pings through ESP:\n" + large.output());
        for (final boolean toInside : new boolean[] {true, false})
        {
            final long bytes = toInside ? 100_000_000L : 30_000_000L;
            final NetTools.TransferResult t = toInside
                ? NetTools.transfer(net.client(), net.inside(), Netns.INSIDE_HOST_ADDRESS, 5101, bytes,
                    Duration.ofSeconds(120))
                : NetTools.transfer(net.inside(), net.client(), POOL_ADDRESS, 5102, bytes, Duration.ofSeconds(120));
            assertEquals(bytes, t.receivedBytes(), dataplaneCounters());
            assertEquals(t.sentSha256(), t.receivedSha256(), "SHA-256 sent vs received");
            System.out.printf("ESP (strongSwan libipsec client) %s: %.0f Mbit/s%n",
                toInside ? "client->inside" : "inside->client", t.megabitsPerSecond());
        }
        final long[] before = counters();
        assertTrue(before[0] >= 8 && before[1] >= 8, "ESP packets each way: " + before[0] + " / " + before[1]);

        assertTrue(swanctl("--rekey", "--child", "home").ok());
        responder.waitFor("CHILD_REKEYED", Duration.ofSeconds(20));
        final Cmd.Result afterRekey = ping(5, 56);
        assertTrue(afterRekey.ok(), "ping after CHILD_SA rekey:\n" + afterRekey.output() + "\n"
            + dataplaneCounters() + "\n" + responder.tails(20));
        final long[] after = counters();
        assertTrue(after[0] >= before[0] + 5 && after[1] >= before[1] + 5, "ESP after rekey: " + after[0] + " / "
            + after[1]);

        responder.writeLine("logoff");
        responder.waitFor("TUNNEL_CLOSED LOCAL logoff", Duration.ofSeconds(10));
        assertTrue(!ping(2, 56).ok(), "no traffic after logoff");
    }
}
