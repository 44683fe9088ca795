package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The running appliance is not root: every thread of the JVM runs as the {@code headend} system user with exactly
 * CAP_NET_ADMIN and CAP_NET_BIND_SERVICE (effective, permitted, ambient and bounding), and still does everything
 * that needs them: TUN and routes for a client, a pool route added live, port 22 for SSH, {@code write memory}.
 * The server's private key is readable only by that user.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LeastPrivilegeIT
{
    /** CAP_NET_BIND_SERVICE (10) and CAP_NET_ADMIN (12), as /proc/PID/status prints a capability set. */
    private static final String NET_BIND_AND_ADMIN = "0000000000001400";

    private static Testbed bed;

    @BeforeAll
    static void start()
    {
        bed = Testbed.start(1, c -> c
            .extraLine("username admin password admin-secret privilege 15")
            .extraLine("aaa authentication ssh console LOCAL")
            .extraLine("ssh 10.77.0.0 255.255.255.0 outside"));
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
    void shouldRunEveryThreadAsTheHeadendUserWithOnlyTheNetworkCapabilities() throws IOException
    {
        final long uid = headendUid();
        assertNotEquals(0, uid, "the headend user must not be root");
        final List<Path> threads;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(bed.headend().pid()), "task")))
        {
            threads = new ArrayList<>(tasks.toList());
        }
        assertTrue(threads.size() > 5, "the JVM's threads: " + threads);
        for (final Path thread : threads)
        {
            final String status;
            try
            {
                status = Files.readString(thread.resolve("status"));
            }
            catch (final IOException ex)
            {
                continue; // the thread ended between the listing and the read
            }
            final String name = field(status, "Name");
            assertEquals(List.of(uid, uid, uid, uid), ids(field(status, "Uid")), "real/effective/saved/fs uid of " + name);
            assertEquals(List.of(uid, uid, uid, uid), ids(field(status, "Gid")), "gids of " + name);
            for (final String set : List.of("CapEff", "CapPrm", "CapBnd", "CapAmb", "CapInh"))
            {
                assertEquals(NET_BIND_AND_ADMIN, field(status, set), set + " of thread " + name);
            }
            assertEquals("1", field(status, "NoNewPrivs"), "no_new_privs of " + name);
        }
    }

    @Test
    void shouldKeepThePrivateKeyReadableOnlyByTheUserThatSigns() throws IOException
    {
        final Path key = bed.headend().stateDir().resolve("server-key.pem");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals(headendUid(), ((Number)Files.getAttribute(key, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue());
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(
            bed.headend().stateDir())), "the state directory is closed to other users");
    }

    @Test
    void shouldStillCarryATunnelAddAPoolRouteLiveServeSshAndSaveTheConfig() throws IOException
    {
        final OpenconnectClient client = bed.connect(1, "demo", "demo-secret");
        try
        {
            final NetTools.PingResult ping = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 20);
            assertEquals(20, ping.received(), ping.output());
        }
        finally
        {
            bed.closeClients();
        }
        final HeadendProcess headend = bed.headend();
        final String tun = headend.deviceWithAddress(ApplianceConfig.GATEWAY);
        headend.console("configure terminal");
        headend.console("ip local pool LATER 10.99.0.10-10.99.0.20 mask 255.255.255.0");
        headend.console("end");
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String routes = "";
        while (!routes.contains("10.99.0.0/24") && System.nanoTime() < deadline)
        {
            routes = Netns.exec(bed.net().server(), "ip", "-4", "route", "show", "dev", tun).output();
            NetTools.sleep(200);
        }
        assertTrue(routes.contains("10.99.0.0/24"), "a pool configured live gets its route: " + routes);

        NetTools.awaitTcp(bed.net().client(1), Netns.SERVER_ADDRESS, 22, Duration.ofSeconds(20));

        final String saved = headend.console("write memory");
        assertFalse(saved.contains("%"), "write memory: " + saved);
        assertTrue(Files.readString(headend.configFile()).contains("ip local pool LATER"), "the saved config");
        assertEquals(headendUid(), ((Number)Files.getAttribute(headend.configFile(), "unix:uid")).longValue(),
            "the saved startup-config belongs to the headend user");
    }

    private static long headendUid()
    {
        final Cmd.Result id = Cmd.run("id", "-u", "headend");
        assertTrue(id.ok(), "the launcher creates the headend user: " + id.output());
        return Long.parseLong(id.output().trim());
    }

    private static String field(final String status, final String name)
    {
        return status.lines().filter(l -> l.startsWith(name + ":")).findFirst()
            .orElseThrow(() -> new AssertionError("no " + name + " in\n" + status))
            .substring(name.length() + 1).trim();
    }

    private static List<Long> ids(final String value)
    {
        return Stream.of(value.split("\\s+")).map(Long::parseLong).toList();
    }
}
