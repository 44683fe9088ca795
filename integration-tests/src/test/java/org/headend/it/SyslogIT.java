package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ASA syslog to a real collector: rsyslog, started in the server's namespace with its own configuration, receives
 * over UDP and over TCP the messages of a CLI change, a login (TLS and DTLS tunnels), a failed login and a logoff,
 * each with the ASA's id and fields; {@code show logging} prints the buffered ones.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SyslogIT
{
    private static final int UDP_PORT = 5514;
    private static final int TCP_PORT = 5515;
    /** The TCP collector's address: the ASA keeps one {@code logging host} per address, so it needs its own. */
    private static final String TCP_COLLECTOR = "127.0.0.1";

    private static Testbed bed;
    private static ManagedProcess rsyslog;
    private static Path dir;

    @BeforeAll
    static void start() throws IOException
    {
        bed = Testbed.start(1);
        dir = Files.createTempDirectory("hdit-rsyslog");
        Files.writeString(dir.resolve("rsyslog.conf"), """
            global(workDirectory="%1$s")
            module(load="imudp")
            module(load="imtcp")
            template(name="raw" type="string" string="%%rawmsg%%\\n")
            ruleset(name="udp") { action(type="omfile" file="%1$s/udp.log" template="raw") }
            ruleset(name="tcp") { action(type="omfile" file="%1$s/tcp.log" template="raw") }
            input(type="imudp" address="%2$s" port="%3$d" ruleset="udp")
            input(type="imtcp" address="%5$s" port="%4$d" ruleset="tcp")
            """.formatted(dir, Netns.SERVER_ADDRESS, UDP_PORT, TCP_PORT, TCP_COLLECTOR));
        rsyslog = ManagedProcess.start("rsyslogd", Netns.in(bed.net().server(), "rsyslogd", "-n", "-f",
            dir.resolve("rsyslog.conf").toString(), "-i", dir.resolve("rsyslogd.pid").toString()), dir, Map.of());
        awaitListening();
        final HeadendProcess headend = bed.headend();
        headend.console("configure terminal");
        headend.console("logging host outside " + Netns.SERVER_ADDRESS + " udp/" + UDP_PORT);
        headend.console("logging host outside " + TCP_COLLECTOR + " tcp/" + TCP_PORT);
        headend.console("logging trap informational");
        headend.console("logging timestamp");
        headend.console("logging enable");
        // the first line logged: a CLI change, 111008/111010
        headend.console("logging buffered informational");
        headend.console("end");

        final OpenconnectClient demo = bed.dtlsClient(1, "demo").startWithPassword("demo-secret");
        demo.awaitConfigured(Duration.ofSeconds(30));
        demo.process().waitFor("Established DTLS connection", Duration.ofSeconds(20));
        final OpenconnectClient intruder = bed.client(1, "bob").startWithPassword("not-bobs-password");
        assertNotNull(intruder.waitForExit(Duration.ofSeconds(30)), "openconnect gives up after the refusal");
        NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 5);
        headend.console("vpn-sessiondb logoff name demo noconfirm");
        assertNotNull(demo.waitForExit(Duration.ofSeconds(15)), "demo's openconnect still runs after logoff");
    }

    @AfterAll
    static void tearDown() throws IOException
    {
        if (rsyslog != null)
        {
            rsyslog.stop(Duration.ofSeconds(5));
        }
        if (bed != null)
        {
            bed.close();
        }
    }

    @Test
    void shouldDeliverTheMessagesOverUdp() throws Exception
    {
        assertMessages("udp.log");
    }

    @Test
    void shouldDeliverTheMessagesOverTcp() throws Exception
    {
        assertMessages("tcp.log");
    }

    @Test
    void shouldShowTheBufferedMessages()
    {
        final String shown = bed.headend().console("show logging");
        assertTrue(shown.contains("Syslog logging: enabled"), shown);
        assertTrue(shown.contains("Logging to outside " + Netns.SERVER_ADDRESS + " udp/" + UDP_PORT), shown);
        assertTrue(shown.contains("Logging to outside " + TCP_COLLECTOR + " tcp/" + TCP_PORT), shown);
        assertTrue(shown.contains("%ASA-4-113019: Group = DefaultWEBVPNGroup, Username = demo"), shown);
    }

    private static void assertMessages(final String file) throws Exception
    {
        final String ts = "<1\\d\\d>[A-Z][a-z]{2} \\d\\d \\d{4} \\d\\d:\\d\\d:\\d\\d: ";
        final String client = Pattern.quote(Netns.clientAddress(1));
        final List<String> expected = List.of(
            ts + "%ASA-5-111008: User '[^']+' executed the 'logging buffered informational' command\\.",
            ts + "%ASA-5-111010: User '[^']+', running 'CLI' from IP [^,]+, executed 'logging buffered "
                + "informational'",
            ts + "%ASA-6-113004: AAA user authentication Successful : server = LOCAL : user = demo",
            ts + "%ASA-6-716001: Group <\\S+> User <demo> IP <" + client + "> WebVPN session started\\.",
            ts + "%ASA-6-722022: Group <\\S+> User <demo> IP <" + client + "> TCP SVC connection established.*",
            ts + "%ASA-6-722022: Group <\\S+> User <demo> IP <" + client + "> UDP SVC connection established.*",
            ts + "%ASA-6-722023: Group <\\S+> User <demo> IP <" + client + "> UDP SVC connection terminated.*",
            ts + "%ASA-4-722051: Group <\\S+> User <demo> IP <" + client + "> IPv4 Address <"
                + Pattern.quote(ApplianceConfig.POOL_FIRST) + "> IPv6 address <::> assigned to session",
            ts + "%ASA-6-113005: AAA user authentication Rejected : reason = Invalid password : server = LOCAL : "
                + "user = bob : user IP = " + client,
            ts + "%ASA-4-722037: Group <\\S+> User <demo> IP <" + client + "> SVC closing connection: logged off "
                + "by the administrator\\.",
            ts + "%ASA-6-722023: Group <\\S+> User <demo> IP <" + client + "> TCP SVC connection terminated.*",
            ts + "%ASA-6-716002: Group <\\S+> User <demo> IP <" + client + "> WebVPN session terminated: "
                + "Administrator Reset\\.",
            ts + "%ASA-4-113019: Group = DefaultWEBVPNGroup, Username = demo, IP = " + client + ", Session "
                + "disconnected\\. Session Type: SSL, Duration: 0h:\\d\\dm:\\d\\ds, Bytes xmt: [1-9]\\d*, Bytes rcv: "
                + "[1-9]\\d*, Reason: Administrator Reset");
        final Path log = dir.resolve(file);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String missing = "";
        while (System.nanoTime() < deadline)
        {
            final List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            missing = expected.stream().filter(regex -> lines.stream().noneMatch(line -> line.matches(regex)))
                .findFirst().orElse(null);
            if (missing == null)
            {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(file + " has no line matching " + missing + ":\n"
            + (Files.exists(log) ? Files.readString(log) : "(no file)") + "\nrsyslogd: " + rsyslog.tails(20));
    }

    /** Waits until rsyslogd listens on both ports in the server's namespace. */
    private static void awaitListening() throws IOException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline)
        {
            final String sockets = Netns.exec(bed.net().server(), "ss", "-lntu").output();
            if (sockets.contains(":" + UDP_PORT) && sockets.contains(":" + TCP_PORT))
            {
                return;
            }
            try
            {
                Thread.sleep(200);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IOException(ex);
            }
        }
        throw new IOException("rsyslogd does not listen: " + rsyslog.tails(20));
    }
}
