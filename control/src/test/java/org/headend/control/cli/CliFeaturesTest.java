package org.headend.control.cli;

import org.headend.control.flash.FlashStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.headend.control.config.ConfigStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 4's CLI features: privilege, help, completion, filters, JSON, audit, disk0:, the new show commands. */
class CliFeaturesTest
{
    private final FakeSessions sessions = new FakeSessions();
    private final ScriptedIo io = new ScriptedIo();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ConfigStore store = ConfigStore.embeddedDefault("demo-pass");
    private CliContext context;
    private CliSession session;

    @TempDir
    Path state;

    @BeforeEach
    void setUp() throws IOException
    {
        final Instant now = Instant.parse("2024-01-01T12:00:00Z");
        final Path sys = state.resolve("sys");
        fakeInterface(sys, "headend0", "00:00:00:00:00:00", 1400, Map.of("rx_packets", 10L, "tx_bytes", 840L));
        context = new CliContext(store, sessions, List::of, "0.1.0", Clock.fixed(now, ZoneOffset.UTC),
            now.minusSeconds(60), new CliContext.Services(new AuditLog(state.resolve("audit.log"),
            Clock.fixed(now, ZoneOffset.UTC)), FlashStore.inStateDir(state), new InterfaceStats(sys),
            new LoginGuard(), new EnableGuard(), new Operators(), nanos::get));
        session = CliSession.console(context, io);
    }

    private static void fakeInterface(final Path sys, final String name, final String mac, final int mtu,
        final Map<String, Long> counters) throws IOException
    {
        final Path dir = Files.createDirectories(sys.resolve(name).resolve("statistics"));
        Files.writeString(sys.resolve(name).resolve("address"), mac + "\n");
        Files.writeString(sys.resolve(name).resolve("mtu"), mtu + "\n");
        Files.writeString(sys.resolve(name).resolve("flags"), "0x1091\n");
        Files.writeString(sys.resolve(name).resolve("operstate"), "unknown\n");
        for (final Map.Entry<String, Long> counter : counters.entrySet())
        {
            Files.writeString(dir.resolve(counter.getKey()), counter.getValue() + "\n");
        }
    }

    private String run(final String line) throws IOException
    {
        io.clear();
        session.execute(line);
        return io.output();
    }

    @Test
    void shouldStartTheConsoleInPrivilegedModeOnlyWithoutAnEnablePassword() throws IOException
    {
        assertEquals("headend#", session.prompt());
        run("conf t");
        run("enable password en-secret");
        run("end");
        session = CliSession.console(context, io);
        assertEquals("headend>", session.prompt());
        assertTrue(run("configure terminal").contains("ERROR: % Invalid input detected at '^' marker."));
        io.type("en-secret");
        assertEquals("Password: ", run("enable"));
        assertEquals("headend#", session.prompt());
        run("disable");
        assertEquals("headend>", session.prompt());
        assertTrue(run("show version").contains("Headend Software Version 0.1.0"), "user EXEC has show version");
    }

    @Test
    void shouldLetSshUsersInByPrivilegeAndRefuseEnableWithoutAPassword() throws IOException
    {
        run("conf t");
        run("username admin password a-secret privilege 15");
        run("username oper password o-secret");
        run("end");
        session = CliSession.ssh(context, io, "admin", "10.0.0.2:5000");
        assertEquals("headend#", session.prompt());
        assertEquals("", run("enable"), "enable in privileged EXEC is accepted silently, as on the ASA");
        assertEquals("headend#", session.prompt());
        run("conf t");
        run("enable password en-secret");
        run("end");
        assertEquals("", run("enable"), "nor does it ask for the enable password once one is set");
        run("conf t");
        run("no enable password");
        run("end");
        session = CliSession.ssh(context, io, "oper", "10.0.0.2:5001");
        assertEquals("headend>", session.prompt());
        assertTrue(run("enable").contains("No enable password is configured"));
        assertEquals("headend>", session.prompt());
    }

    @Test
    void shouldAskThreeTimesThenLockEnableOutAfterRepeatedFailures() throws IOException
    {
        run("conf t");
        run("enable password en-secret");
        run("end");
        session = CliSession.console(context, io);
        io.type("a", "b", "c");
        assertEquals("Password: Password: Password: % Bad passwords\n", run("enable"));
        io.type("d", "e", "f");
        run("enable");
        assertTrue(run("enable").contains("Too many failed enable attempts"));
        nanos.addAndGet(org.headend.control.auth.FailedLoginLimiter.LOCKOUT_NANOS + 1);
        io.type("en-secret");
        run("enable");
        assertEquals("headend#", session.prompt());
        final String audit = Files.readString(state.resolve("audit.log"));
        assertTrue(audit.contains("command=\"enable\" result=denied: wrong password"), audit);
        assertTrue(audit.contains("command=\"enable\" result=denied: locked out"), audit);
    }

    @Test
    void shouldListWhatMayComeNextWhenAQuestionMarkIsTyped() throws IOException
    {
        final String top = run("?");
        assertTrue(top.contains("  configure "), top);
        assertTrue(top.contains("  show "), top);
        final String show = run("show ?");
        assertTrue(show.contains("  vpn-sessiondb") && show.contains("Show the VPN sessions"), show);
        assertEquals("  show  Show running system information\n", run("sh?"));
        run("conf t");
        run("group-policy DEMO attributes");
        run("webvpn");
        final String mtu = run("anyconnect mtu ?");
        assertEquals("config-group-webvpn mode commands/options:\n  <576-1406>  MTU in bytes\n", mtu);
        final String dpd = run("anyconnect dpd-interval gateway ?");
        assertTrue(dpd.contains("<30-3600>|none"), dpd);
        assertTrue(run("anyconnect ssl keepalive 30 ?").contains("<cr>"));
        final String profiles = run("anyconnect profiles value ?");
        assertTrue(profiles.startsWith("config-group-webvpn mode commands/options:\n"), profiles);
        assertTrue(profiles.contains("Available configured profile packages: "), "the seed's words: " + profiles);
        assertEquals("headend(config-group-webvpn)#", session.prompt(), "help changes nothing");
    }

    @Test
    void shouldOfferLzsForTheTlsTunnelAndShowItInTheRunningConfig() throws IOException
    {
        run("conf t");
        run("group-policy DEMO internal");
        run("group-policy DEMO attributes");
        run("webvpn");
        final String choices = run("anyconnect ssl compression ?");
        assertTrue(choices.contains("  deflate") && choices.contains("  none"), choices);
        assertTrue(choices.matches("(?s).*\n  lzs +LZS compression.*"), choices);
        assertEquals(List.of("lzs"), session.complete("anyconnect ssl compression l"));
        run("anyconnect ssl compression lzs");
        run("end");
        assertTrue(run("show running-config group-policy").contains("\n  anyconnect ssl compression lzs\n"),
            run("show running-config group-policy"));
    }

    @Test
    void shouldCompleteKeywordsAndConfiguredNamesFromTheGrammar() throws IOException
    {
        assertEquals(List.of("show"), session.complete("sh"));
        // "show vpn load-balancing" beside "show vpn-sessiondb": both words complete "vpn"
        assertEquals(List.of("vpn", "vpn-sessiondb"), session.complete("show vpn"));
        assertEquals(List.of("vpn-sessiondb"), session.complete("show vpn-"));
        assertTrue(session.complete("show ").containsAll(List.of("running-config", "version", "interface")));
        assertEquals(List.of("include"), session.complete("show version | inc"));
        run("conf t");
        assertEquals(List.of("DEMO", "DfltGrpPolicy"), session.complete("group-policy D"));
        run("tunnel-group DefaultWEBVPNGroup general-attributes");
        assertEquals(List.of("DEMO-POOL"), session.complete("address-pool D"));
    }

    @Test
    void shouldFilterShowOutputWithIncludeExcludeBeginAndGrep() throws IOException
    {
        assertEquals("hostname headend\n", run("show running-config | include ^hostname"));
        assertFalse(run("show running-config | exclude pool").contains("ip local pool"));
        assertTrue(run("show running-config | begin ^webvpn").startsWith("webvpn\n enable outside\n"));
        assertEquals("hostname headend\n", run("show running-config | grep hostname"));
        assertFalse(run("show running-config | grep -v e").contains("hostname"));
        assertTrue(run("show run | i (").contains("Invalid regular expression"));
        assertTrue(run("show run | frob x").contains("Invalid input"));
    }

    @Test
    void shouldPrintEveryShowCommandAsJsonOnRequest() throws IOException
    {
        sessions.sessions.add(FakeSessions.lee());
        for (final String show : List.of("show running-config", "show startup-config", "show version", "show clock",
            "show counters", "show vpn-sessiondb", "show vpn-sessiondb anyconnect", "show vpn-sessiondb detail",
            "show vpn-sessiondb summary", "show vpn-sessiondb ratio encryption", "show webvpn anyconnect",
            "show interface", "show ssh sessions", "show aaa local user", "dir"))
        {
            final String json = run(show + " | json").strip();
            assertTrue(json.startsWith("{") && json.endsWith("}"), show + ": " + json);
        }
        final String sessionsJson = run("show vpn-sessiondb anyconnect | json");
        assertTrue(sessionsJson.contains("\"username\": \"lee\""), sessionsJson);
        assertTrue(sessionsJson.contains("\"encryption\": \"AES-GCM-256\""), sessionsJson);
        assertTrue(run("show clock | json").contains("\"utc\": \"2024-01-01T12:00:00Z\""));
        assertTrue(run("write memory | json").contains("only available for show commands"));
    }

    @Test
    void shouldTakeShowVpnLoadBalancingBesideTheAsaAbbreviationsOfShowVpnSessiondb() throws IOException
    {
        sessions.sessions.add(FakeSessions.lee());
        final String anyconnect = run("show vpn-sessiondb anyconnect");
        assertTrue(anyconnect.contains("Username     : lee"), anyconnect);
        assertEquals(anyconnect, run("sh vpn any"), "sh vpn any is show vpn-sessiondb anyconnect, as on the ASA");
        assertEquals(run("show vpn-sessiondb summary"), run("sh vpn sum"));
        final String loadBalancing = run("show vpn load-balancing");
        assertEquals("VPN load-balancing is not active on this device\n", loadBalancing);
        assertEquals(loadBalancing, run("sh vpn load"));
        assertEquals(loadBalancing, run("show load-balancing"), "the earlier form still works");
    }

    @Test
    void shouldShowSessionsInTheSeedsShapes() throws IOException
    {
        sessions.sessions.add(FakeSessions.lee());
        final String plain = run("show vpn-sessiondb");
        assertTrue(plain.startsWith("\nSession Type: SSL VPN Client\n\nUsername     : lee\n"), plain);
        assertTrue(plain.contains("Index        : 1                      IP Addr      : 192.168.246.1\n"), plain);
        assertTrue(plain.contains("Filter Name  : \n"), plain);
        final String detail = run("show vpn-sessiondb detail anyconnect");
        assertEquals(detail, run("show vpn-sessiondb anyconnect detail"));
        assertTrue(detail.contains("Session Type: AnyConnect Detailed"), detail);
        assertTrue(detail.contains("Pkts Tx      : 27                     Pkts Rx      : 19\n"), detail);
        assertTrue(detail.contains("Pkts Tx Drop : 3                      Pkts Rx Drop : 1\n"), detail);
        assertTrue(detail.contains("DTLS-Tunnel:\n  Tunnel ID    : 1.3\n"), detail);
        assertEquals(SessionDbFormatter.NO_SESSIONS, run("show vpn-sessiondb anyconnect filter name nobody"));
        final String summary = run("show vpn-sessiondb summary");
        assertTrue(summary.contains("VPN Session Summary"), summary);
        assertTrue(summary.contains("AnyConnect Client            :      1 :          1 :           1 :        0"),
            summary);
        run("configure terminal");
        run("vpn-sessiondb max-anyconnect-premium-or-essentials-limit 4");
        run("end");
        final String capped = run("show vpn-sessiondb summary");
        assertTrue(capped.contains("Device Total VPN Capacity    :      4\nDevice Load                  :    25%\n"),
            "the session limit caps the capacity:\n" + capped);
        final String ratio = run("show vpn-sessiondb ratio encryption");
        assertTrue(java.util.regex.Pattern.compile("(?m)^AES-GCM-256\\s+2\\s+100%$").matcher(ratio).find(), ratio);
    }

    @Test
    void shouldShowInterfacesWithKernelCounters() throws IOException
    {
        final String text = run("show interface headend0");
        assertTrue(text.startsWith("Interface headend0 \"\", is up, line protocol is up\n"), text);
        assertTrue(text.contains("MAC address 0000.0000.0000, MTU 1400"), text);
        assertTrue(text.contains("        10 packets input, 0 bytes"), text);
        assertTrue(text.contains("        0 packets output, 840 bytes"), text);
        assertTrue(run("show interface").contains("Interface headend0"));
        assertTrue(run("show interface nosuch0").contains("is not present"));
    }

    @Test
    void shouldListShowAndDeleteFilesOnlyInsideDisk0() throws IOException
    {
        final Path disk0 = state.resolve("disk0");
        Files.writeString(disk0.resolve("notes.txt"), "hello\n");
        Files.createDirectories(disk0.resolve("cache"));
        Files.writeString(state.resolve("secret"), "outside\n");
        Files.createSymbolicLink(disk0.resolve("escape"), state.resolve("secret"));
        final String dir = run("dir");
        assertTrue(dir.startsWith("\nDirectory of disk0:/\n\n"), dir);
        assertTrue(dir.contains("notes.txt") && dir.contains("drwx") && dir.contains("bytes total"), dir);
        assertEquals("hello\n", run("more disk0:/notes.txt"));
        assertTrue(run("more disk0:/escape").contains("symbolic link"));
        assertTrue(run("more disk0:/../secret").contains("Invalid input"));
        assertTrue(run("delete /noconfirm disk0:/escape").contains("symbolic link"));
        assertTrue(Files.exists(state.resolve("secret")));
        io.type("");
        io.type("");
        assertEquals("Delete filename [notes.txt]? Delete disk0:/notes.txt? [confirm]", run("delete disk0:/notes.txt"));
        assertFalse(Files.exists(disk0.resolve("notes.txt")));
        assertTrue(run("delete /noconfirm notes.txt").contains("No such file or directory"));
        assertThrows(IllegalArgumentException.class, () -> context.services().flash().resolve("disk0:/a/../../b"));
    }

    @Test
    void shouldAuditConfigurationWithWhoAndWhereAndMaskSecrets() throws IOException
    {
        run("conf t");
        run("username admin password a-secret privilege 15");
        session = CliSession.ssh(context, io, "admin", "10.0.0.2:5000");
        run("conf t");
        run("username carol password hunter2 privilege 3");
        run("anyconnect mtu 1200");
        final String audit = Files.readString(state.resolve("audit.log"));
        assertTrue(audit.contains("2024-01-01T12:00:00Z user=admin from=ssh 10.0.0.2:5000 mode=config "
            + "command=\"username carol password ***** privilege 3\" result=ok"), audit);
        assertTrue(audit.contains("command=\"anyconnect mtu 1200\" result=refused"), audit);
        assertFalse(audit.contains("hunter2"));
    }

    @Test
    void shouldShowThatNoClientImagesAreInstalledTheAsaWay() throws IOException
    {
        assertEquals("No AnyConnect Client images are installed\n", run("show webvpn anyconnect"));
        run("conf t");
        run("webvpn");
        run("no anyconnect enable");
        run("end");
        assertEquals("SSL VPN is not enabled\n", run("show webvpn anyconnect"));
    }

    @Test
    void shouldKeepTheSessionWhenACommandFails() throws IOException
    {
        final CliContext broken = new CliContext(store, new FakeSessions()
        {
            @Override
            public List<org.headend.control.session.SessionView> sessions()
            {
                throw new IllegalStateException("the control thread did not answer");
            }
        }, List::of);
        session = CliSession.console(broken, io);
        assertEquals("ERROR: % The command failed: the control thread did not answer\n",
            run("show vpn-sessiondb anyconnect"));
        assertTrue(session.isOpen());
        assertEquals("hostname headend\n", run("show running-config hostname"));
    }

    @Test
    void shouldShowClockTheAsaWay() throws IOException
    {
        assertEquals("12:00:00.000 UTC Mon Jan 1 2024\n", run("show clock"));
    }
}
