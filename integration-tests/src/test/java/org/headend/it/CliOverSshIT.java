package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's CLI over SSH (issue 4), with the real OpenSSH client: login, a configuration session, write memory,
 * restart with the same running-config and host key; wrong passwords refused and counted; the bad CLI inputs of
 * bad-inputs.md §2 #42–50 refused without half-applying; with openconnect clients connected, the session table,
 * logoff of exactly one session by index, and a DPD change that applies to the next session without dropping the
 * live one. One appliance for the whole class; the tests run in order.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliOverSshIT
{
    private static final String ADMIN_PASSWORD = "admin-secret";
    private static final String OPER_PASSWORD = "oper-secret";

    private static Testbed bed;
    private static Path knownHosts;

    @BeforeAll
    static void start()
    {
        SshCli.prerequisites();
        knownHosts = Harness.tempDir("ssh-").resolve("known_hosts");
        bed = Testbed.start(2, c -> c
            .extraLine("username admin password " + ADMIN_PASSWORD + " privilege 15")
            .extraLine("username oper password " + OPER_PASSWORD)
            .extraLine("aaa authentication ssh console LOCAL")
            .extraLine("ssh 10.77.0.0 255.255.255.0 outside")
            .extraLine("ssh timeout 10"));
    }

    @AfterEach
    void stopClients()
    {
        bed.closeClients();
    }

    @AfterAll
    static void tearDown()
    {
        if (bed != null)
        {
            bed.close();
        }
    }

    private static SshCli admin()
    {
        return SshCli.login(bed.net().client(1), Netns.SERVER_ADDRESS, "admin", ADMIN_PASSWORD, knownHosts, false);
    }

    private static String running(final SshCli cli)
    {
        return cli.command("show running-config");
    }

    @Test
    @Order(1)
    void shouldConfigureOverSshAndKeepTheRunningConfigAcrossARestart() throws IOException
    {
        final String saved;
        try (SshCli cli = admin())
        {
            assertEquals("headend#", cli.prompt(), "privilege 15 lands in privileged EXEC");
            cli.command("configure terminal");
            cli.command("group-policy GP attributes");
            cli.command("webvpn");
            assertEquals("headend(config-group-webvpn)#", cli.prompt());
            for (final String line : List.of("anyconnect ssl rekey time 30", "anyconnect ssl rekey method ssl",
                "anyconnect ssl dtls none", "anyconnect dtls compression lzs", "anyconnect keep-installer none",
                "anyconnect modules value vpngina", "anyconnect ask enable default anyconnect timeout 10"))
            {
                assertEquals("", cli.command(line), line);
            }
            cli.command("exit");
            assertEquals("", cli.command("banner value Authorized use only"));
            cli.command("exit");
            assertEquals("", cli.command("webvpn"));
            assertEquals("", cli.command("dtls port 4443"));
            assertEquals("", cli.command("tunnel-group-list enable"));
            assertEquals("", cli.command("ipv6 local pool V6 2001:db8:1::10/64 100"));
            assertEquals("", cli.command("no compression svc"));
            cli.command("end");
            assertEquals("headend#", cli.prompt());
            assertTrue(cli.command("write memory").contains("[OK]"));
            saved = running(cli);
            assertTrue(saved.contains("  anyconnect ssl rekey time 30\n"), saved);
            assertTrue(saved.contains(" dtls port 4443\n"), saved);
            assertTrue(saved.contains("no compression svc\n"), saved);
            assertEquals(saved, cli.command("show startup-config"), "write memory saved the running-config");
            assertTrue(cli.command("show running-config | include rekey").contains("anyconnect ssl rekey method ssl"));
            final String json = cli.command("show running-config group-policy | json");
            assertTrue(json.contains("\"line\": \"anyconnect ssl dtls none\""), json);
        }
        final String audit = Files.readString(bed.headend().stateDir().resolve("audit.log"));
        assertTrue(audit.contains("user=admin from=ssh " + Netns.clientAddress(1)), audit);
        assertTrue(audit.contains("mode=config-group-webvpn command=\"anyconnect ssl rekey time 30\" result=ok"),
            audit);
        assertFalse(audit.contains(ADMIN_PASSWORD));

        final long started = System.nanoTime();
        bed.restartHeadend();
        System.out.printf("appliance restarted in %.1f s%n", (System.nanoTime() - started) / 1e9);
        try (SshCli cli = SshCli.login(bed.net().client(1), Netns.SERVER_ADDRESS, "admin", ADMIN_PASSWORD,
            knownHosts, true))
        {
            assertEquals(saved, running(cli), "the same running-config after the restart (and the same host key)");
        }
    }

    @Test
    @Order(2)
    void shouldRefuseAndCountAWrongPassword()
    {
        final int code = SshCli.failedLogin(bed.net().client(1), Netns.SERVER_ADDRESS, "oper", "not-the-password",
            knownHosts);
        assertNotEquals(0, code, "a wrong password must not get a shell");
        try (SshCli cli = admin())
        {
            final String users = cli.command("show aaa local user");
            assertTrue(Pattern.compile("(?m)^\\s+-\\s+1\\s+N oper$").matcher(users).find(), users);
            assertTrue(cli.command("show aaa local user | json").contains("\"failedLoginsTotal\": 1"));
            cli.command("clear aaa local user fail-attempts username oper");
            assertFalse(cli.command("show aaa local user").contains("oper"));
        }
        final String audit = readAudit();
        assertTrue(audit.contains("user=oper from=ssh " + Netns.clientAddress(1)) && audit.contains(
            "result=denied: bad credentials"), audit);
    }

    @Test
    @Order(3)
    void shouldKeepUnprivilegedUsersOutOfConfigurationAndRateLimitEnable()
    {
        try (SshCli admin = admin(); SshCli oper = SshCli.login(bed.net().client(1), Netns.SERVER_ADDRESS, "oper",
            OPER_PASSWORD, knownHosts, false))
        {
            assertEquals("headend>", oper.prompt(), "privilege 2 lands in user EXEC");
            assertTrue(oper.command("configure terminal").contains("ERROR: % Invalid input detected at '^' marker."));
            assertTrue(oper.command("show running-config").contains("Invalid input"));
            assertTrue(oper.command("enable").contains("No enable password is configured"));
            assertTrue(oper.command("show version").contains("Headend Software Version"));

            assertEquals("", admin.command("enable"), "privilege 15 is already privileged: enable says nothing");
            assertEquals("headend#", admin.prompt());
            admin.command("configure terminal");
            assertEquals("", admin.command("enable password enable-secret"));
            admin.command("end");
            assertEquals("", admin.command("enable"), "nor does it ask for the enable password");
            for (int round = 0; round < 2; round++)
            {
                oper.commandUntil("enable", "Password: \\z");
                oper.commandUntil("wrong-1", "Password: \\z");
                oper.commandUntil("wrong-2", "Password: \\z");
                assertTrue(oper.command("wrong-3").contains("% Bad passwords"));
            }
            assertTrue(oper.command("enable").contains("Too many failed enable attempts"),
                "six wrong passwords lock enable out");
            assertEquals("headend>", oper.prompt());
            assertTrue(readAudit().contains("user=oper from=ssh " + Netns.clientAddress(1)));
            assertTrue(readAudit().contains("command=\"enable\" result=denied: wrong password"));

            admin.command("configure terminal");
            admin.command("no enable password");
            admin.command("end");
        }
    }

    @Test
    @Order(4)
    void shouldRefuseBadInputsWithoutHalfApplyingAnything() throws IOException
    {
        final OpenconnectClient client = bed.connect(1, "demo", "demo-secret");
        try (SshCli cli = admin())
        {
            final String before = running(cli);
            cli.command("configure terminal");
            // #42 pools
            assertTrue(cli.command("ip local pool P 10.0.0.10-10.0.0.1 mask 255.255.255.0").contains("Invalid input"));
            assertTrue(cli.command("ip local pool P2 192.168.100.5-192.168.100.20 mask 255.255.255.0")
                .contains("overlaps pool POOL"));
            assertTrue(cli.command("ip local pool P 10.0.0.1-10.0.0.9 mask 255.0.255.0").contains("Invalid input"));
            assertTrue(cli.command("ip local pool P 10.0.0.0-10.255.255.255 mask 255.0.0.0").contains("at most"));
            // #43 long lines, escapes, stray quotes
            assertTrue(cli.command("banner value " + "x".repeat(65_536)).contains("Line too long"));
            assertTrue(cli.command("hostname evil\u001b[2J").contains("Invalid character"));
            assertTrue(cli.command("group-policy \"GP attributes").contains("Invalid input"));
            // #44 names
            assertTrue(cli.command("tunnel-group \"x; reboot\" type remote-access").contains("Invalid input"));
            assertTrue(cli.command("tunnel-group two words type remote-access").contains("Invalid input"));
            assertTrue(cli.command("tunnel-group " + "t".repeat(65) + " type remote-access").contains("Invalid input"));
            assertTrue(cli.command("tunnel-group gr\u00fcn type remote-access").contains("Invalid character"));
            // #45 a pool with a live lease
            cli.command("tunnel-group DefaultWEBVPNGroup general-attributes");
            cli.command("no address-pool");
            final String refused = cli.command("no ip local pool POOL");
            assertTrue(refused.contains("address(es) in use"), refused);
            cli.command("tunnel-group DefaultWEBVPNGroup general-attributes");
            cli.command("address-pool POOL");
            // #47 images
            final Path flash = bed.headend().stateDir().resolve("disk0");
            assertTrue(cli.command("webvpn").isEmpty());
            assertTrue(cli.command("anyconnect image disk0:/../../etc/passwd 1").contains("Invalid input"));
            Files.writeString(flash.resolve("fake.pkg"), "not a zip");
            assertTrue(cli.command("anyconnect image disk0:/fake.pkg 1").contains("not a valid AnyConnect package"));
            final byte[] pkg = zip();
            Files.write(flash.resolve("anyconnect-linux64-4.10.pkg"), pkg);
            assertEquals("", cli.command("anyconnect image disk0:/anyconnect-linux64-4.10.pkg 1"));
            cli.command("end");
            final String images = cli.command("show webvpn anyconnect");
            assertTrue(images.contains("disk0:/anyconnect-linux64-4.10.pkg 1"), images);
            assertTrue(images.contains(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pkg))));
            cli.command("configure terminal");
            cli.command("webvpn");
            cli.command("no anyconnect image disk0:/anyconnect-linux64-4.10.pkg");
            cli.command("end");
            // #48 bad files merged into the running-config
            Files.writeString(flash.resolve("truncated.cfg"), ": Saved\n:\nhostname halfway\nwebvpn\n");
            Files.write(flash.resolve("badutf8.cfg"), new byte[] {'h', 'o', 's', 't', 'n', 'a', 'm', 'e', ' ', 'x',
                '\n', (byte)0xff, '\n'});
            // a repeated header merges (#48 corrected), so the file goes wrong only at its last line: nothing of it
            // may be applied, neither the hostname nor the port of the re-entered webvpn
            Files.writeString(flash.resolve("halfgood.cfg"), "hostname dup\nwebvpn\n port 444\nwebvpn\n port 0\n");
            Files.writeString(flash.resolve("unknown.cfg"), "hostname unk\nfrobnicate everything\n");
            assertTrue(cli.command("copy disk0:/truncated.cfg running-config").contains("truncated"));
            assertTrue(cli.command("copy disk0:/badutf8.cfg running-config").contains("badutf8.cfg:2: invalid UTF-8"));
            assertTrue(cli.command("copy disk0:/halfgood.cfg running-config").contains("halfgood.cfg:5:"));
            assertTrue(cli.command("copy disk0:/unknown.cfg running-config").contains("unknown.cfg:2:"));
            // #50 paths out of disk0:
            assertTrue(cli.command("copy disk0:/../startup-config running-config").contains("Invalid input"));
            Files.createSymbolicLink(flash.resolve("link.cfg"), Path.of("/etc/hostname"));
            assertTrue(cli.command("more disk0:/link.cfg").contains("symbolic link"));
            assertTrue(cli.command("delete /noconfirm disk0:/link.cfg/../../x").contains("Invalid input"));
            assertTrue(Files.exists(Path.of("/etc/hostname")));

            assertEquals(before, running(cli), "nothing of the refused lines was applied");
            final String dir = cli.command("dir");
            assertTrue(dir.contains("Directory of disk0:/") && dir.contains("fake.pkg"), dir);
            cli.commandUntil("delete disk0:/fake.pkg", "Delete filename \\[fake.pkg\\]\\? \\z");
            cli.commandUntil("", "\\[confirm\\]\\z");
            cli.command("");
            assertFalse(Files.exists(flash.resolve("fake.pkg")));
        }
        catch (final java.security.NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
        final NetTools.PingResult r = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 20);
        assertEquals(20, r.received(), "the session survived every refused change: " + r.output());
        client.close();
        bed.closeClients();
    }

    @Test
    @Order(5)
    void shouldListClientsWithGrowingCountersAndLogOffExactlyOneByIndex()
    {
        final OpenconnectClient demo = bed.connect(1, "demo", "demo-secret");
        final OpenconnectClient bob = bed.connect(2, "bob", "bob-secret");
        try (SshCli cli = admin())
        {
            final String table = cli.command("show vpn-sessiondb anyconnect");
            final List<HeadendProcess.Session> sessions = HeadendProcess.parseSessions(table);
            assertEquals(2, sessions.size(), table);
            final HeadendProcess.Session demoRow = sessions.stream().filter(s -> s.username().equals("demo"))
                .findFirst().orElseThrow();
            assertEquals(Netns.clientAddress(1), demoRow.publicIp());
            assertTrue(demoRow.assignedIp().startsWith(ApplianceConfig.POOL_PREFIX), table);
            assertTrue(table.contains("Protocol     : AnyConnect-Parent SSL-Tunnel"), table);
            assertTrue(Pattern.compile("SSL-Tunnel: \\(1\\)AES").matcher(table).find(), table);
            final long before = bytesTx(cli.command("show vpn-sessiondb anyconnect filter name demo"));
            assertEquals(20, NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 20).received());
            final long after = bytesTx(cli.command("show vpn-sessiondb anyconnect filter name demo"));
            assertTrue(after >= before + 20 * 84, "bytes Tx grew from " + before + " to " + after);
            assertTrue(cli.command("show vpn-sessiondb detail anyconnect").contains("SSL-Tunnel:\n  Tunnel ID"));
            assertTrue(cli.command("show vpn-sessiondb summary").contains("AnyConnect Client            :      2"));
            assertTrue(Pattern.compile("(?m)^Total\\s+2$").matcher(cli.command("show vpn-sessiondb ratio encryption"))
                .find());
            assertTrue(cli.command("show vpn-sessiondb anyconnect | json").contains("\"username\": \"bob\""));
            assertTrue(cli.command("show vpn-sessiondb anyconnect | include Username").contains("bob"));
            final String interfaces = cli.command("show interface");
            assertTrue(interfaces.contains("Interface headend0 \"\", is up"), interfaces);
            assertTrue(interfaces.contains("\"outside\", is up, line protocol is up"), interfaces);
            assertTrue(Pattern.compile("[1-9][0-9]* packets input").matcher(interfaces).find(), interfaces);

            final String answer = cli.command("vpn-sessiondb logoff index " + demoRow.index() + " noconfirm");
            assertTrue(answer.contains("logged off : 1"), answer);
            assertNotNull(demo.waitForExit(Duration.ofSeconds(10)), "demo's openconnect still runs after logoff");
            final List<HeadendProcess.Session> left = HeadendProcess.parseSessions(
                cli.command("show vpn-sessiondb anyconnect"));
            assertEquals(List.of("bob"), left.stream().map(HeadendProcess.Session::username).toList());
            assertNull(bob.process().exitCodeOrNull(), "bob must not be touched");
            assertEquals(10, NetTools.ping(bed.net().client(2), ApplianceConfig.GATEWAY, 10).received());
        }
    }

    @Test
    @Order(6)
    void shouldApplyADpdChangeToTheNextSessionAndTheGatewaySideToTheLiveOne()
    {
        final OpenconnectClient bob = bed.connect(2, "bob", "bob-secret");
        try (SshCli cli = admin())
        {
            cli.command("configure terminal");
            cli.command("group-policy GP attributes");
            cli.command("webvpn");
            assertEquals("", cli.command("anyconnect dpd-interval client 45"));
            assertTrue(cli.command("anyconnect dpd-interval client 29").contains("Invalid input"));
            assertEquals("", cli.command("anyconnect dpd-interval gateway 31"));
            cli.command("exit");
            assertEquals("", cli.command("dns-server value 192.168.100.2"));
            cli.command("end");
        }
        final OpenconnectClient demo = bed.client(1, "demo").startWithPassword("demo-secret");
        demo.awaitConfigured(Duration.ofSeconds(30));
        final Matcher dpd = demo.process().waitFor("DPD (\\d+), Keepalive", Duration.ofSeconds(5));
        assertEquals("45", dpd.group(1), "the new session gets the new client DPD");
        assertNull(bob.process().exitCodeOrNull(), "the live session is not dropped by the change");
        // the headend's own probing needs no word from the client: the live tunnel follows it within a sweep
        final int bobIndex = bed.headend().sessions().stream().filter(x -> x.username().equals("bob")).findFirst()
            .orElseThrow().index();
        bed.headend().process().waitFor("session " + bobIndex + ": gateway DPD interval now 31 s",
            Duration.ofSeconds(15));
        assertEquals(10, NetTools.ping(bed.net().client(2), ApplianceConfig.GATEWAY, 10).received());
        assertEquals(10, NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 10).received());
        bed.closeClients();
    }

    @Test
    @Order(7)
    void shouldCompleteWithTabAndHelpWithQuestionMarkOnAPty()
    {
        try (ManagedProcess tty = ManagedProcess.start("ssh-tty[admin]", SshCli.ttyArgv(bed.net().client(1),
            Netns.SERVER_ADDRESS, "admin", ADMIN_PASSWORD, knownHosts), null, null))
        {
            tty.waitFor("headend# ", Duration.ofSeconds(20));
            tty.writeLine("sh\tver\t");
            tty.waitFor("Headend Software Version", Duration.ofSeconds(10));
            tty.writeLine("show vpn-sessiondb ?");
            tty.waitFor("summary +Show session and tunnel counts", Duration.ofSeconds(10));
            tty.writeLine("exit");
            assertNotNull(tty.waitForExit(Duration.ofSeconds(10)), "exit ends the SSH session");
        }
    }

    @Test
    @Order(8)
    void shouldAnswerOnTheSshPortTheMomentItSaysItIsUp()
    {
        bed.stopHeadend();
        try (HeadendProcess again = HeadendProcess.relaunch(bed.net(), bed.headend().configFile()))
        {
            again.process().waitFor("headend is up", Duration.ofSeconds(120));
            // one attempt, no retry: an operator's script logs in right after this line
            final Cmd.Result ssh = Cmd.run(Duration.ofSeconds(10), Netns.in(bed.net().client(1), "bash", "-c",
                "exec 3<>/dev/tcp/" + Netns.SERVER_ADDRESS + "/22"));
            assertTrue(ssh.ok(), "the SSH listener refused a connection after 'headend is up':\n" + ssh.output());
        }
    }

    private static long bytesTx(final String text)
    {
        final Matcher m = Pattern.compile("Bytes Tx\\s*:\\s*(\\d+)").matcher(text);
        assertTrue(m.find(), text);
        return Long.parseLong(m.group(1));
    }

    private static String readAudit()
    {
        try
        {
            return Files.readString(bed.headend().stateDir().resolve("audit.log"), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** A small zip archive standing in for a client package. */
    private static byte[] zip() throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes))
        {
            zip.putNextEntry(new ZipEntry("binaries/vpnagentd"));
            zip.write("not really a client".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }
}
