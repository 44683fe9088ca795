package org.headend.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.PolicyAttribute;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliSessionTest
{
    private final FakeSessions sessions = new FakeSessions();
    private final ScriptedIo io = new ScriptedIo();
    private ConfigStore store = ConfigStore.embeddedDefault("demo-pass");
    private CliSession session = newSession();

    @TempDir
    Path dir;

    private CliSession newSession()
    {
        final Instant now = Instant.parse("2024-01-01T12:00:00Z");
        final CliContext context = new CliContext(store, sessions,
            () -> List.of(Map.entry("rx packets", 1234567L), Map.entry("replayed records dropped", 3L)), "0.1.0",
            Clock.fixed(now, ZoneOffset.UTC), now.minusSeconds(90_061));
        return new CliSession(context, io, "console");
    }

    /** Runs a line and returns what it printed. */
    private String run(final String line) throws IOException
    {
        io.clear();
        session.execute(line);
        return io.output();
    }

    @Test
    void shouldShowThePromptOfEachModeWhenEnteringAndLeavingThem() throws IOException
    {
        assertEquals("headend#", session.prompt());
        final String[][] steps = {
            {"conf t", "headend(config)#"},
            {"interface eth0", "headend(config-if)#"},
            {"group-policy DEMO attributes", "headend(config-group-policy)#"},
            {"webvpn", "headend(config-group-webvpn)#"},
            {"tunnel-group DefaultWEBVPNGroup general-attributes", "headend(config-tunnel-general)#"},
            {"webvpn", "headend(config-webvpn)#"},
            {"username demo attributes", "headend(config-username)#"},
            {"exit", "headend(config)#"},
            {"hostname edge", "edge(config)#"},
            {"end", "edge#"},
            {"configure terminal", "edge(config)#"},
            {"exit", "edge#"},
        };
        for (final String[] step : steps)
        {
            assertEquals("", run(step[0]), step[0]);
            assertEquals(step[1], session.prompt(), step[0]);
        }
    }

    @Test
    void shouldPrintCaretUnderTheBadTokenWhenInputIsInvalid() throws IOException
    {
        assertEquals("              ^\nERROR: % Invalid input detected at '^' marker.\n", run("show bogus"));
        run("conf t");
        assertEquals(" ".repeat("headend(config)# ".length() + 16) + "^\n"
            + "ERROR: % Invalid input detected at '^' marker.\n", run("ip local pool P 10.0.0.9-10.0.0.1 mask 255.255.255.0"));
        assertEquals("headend(config)#", session.prompt());
    }

    @Test
    void shouldReportIncompleteAmbiguousAndRefusedLinesInAsaWords() throws IOException
    {
        assertEquals("ERROR: % Incomplete command\n", run("show"));
        assertEquals("ERROR: % Ambiguous command:  \"sh v\"\n", run("sh v"));
        run("conf t");
        assertEquals("ERROR: group-policy DEMO is in use by tunnel-group DefaultWEBVPNGroup general-attributes "
            + "(default-group-policy DEMO)\n", run("no group-policy DEMO"));
        assertEquals("ERROR: % Line too long (more than 4096 characters); ignored\n", run("hostname " + "a".repeat(4100)));
        assertEquals("ERROR: % Invalid character in input; line ignored\n", run("hostname \u001b[2Jx"));
        assertEquals("headend", store.current().hostname());
    }

    @Test
    void shouldApplyConfigLinesAtOnceAndCloseSubModesLikeTheLoader() throws IOException
    {
        run("conf t");
        run("group-policy DEMO attributes");
        run("web");
        assertEquals("", run("anyconnect ssl keep 25"));
        assertEquals(25, store.current().effectivePolicy(null, "demo").get(PolicyAttribute.SSL_KEEPALIVE));
        assertEquals("", run("ip local pool P2 10.5.0.1-10.5.0.9 mask 255.255.255.0"));
        assertEquals("headend(config)#", session.prompt());
        assertTrue(store.current().pool("P2").isPresent());
    }

    @Test
    void shouldRunShowCommandsInConfigModesWithoutLeavingThem() throws IOException
    {
        run("conf t");
        run("tunnel-group DefaultWEBVPNGroup general-attributes");
        assertEquals("tunnel-group DefaultWEBVPNGroup general-attributes\n address-pool DEMO-POOL\n"
            + " default-group-policy DEMO\n", run("sh run tunnel"));
        assertEquals("headend(config-tunnel-general)#", session.prompt());
    }

    @Test
    void shouldShowRunningConfigWholeOrBySection() throws IOException
    {
        assertEquals(store.runningConfig(), run("show running-config"));
        assertTrue(run("sh run").startsWith(": Saved\n"));
        assertEquals("ip local pool DEMO-POOL 192.168.100.10-192.168.100.250 mask 255.255.255.0\n",
            run("show running-config ip local pool"));
        assertEquals("webvpn\n enable outside\n anyconnect enable\n", run("show running-config webvpn"));
        assertTrue(run("show running-config group-policy").startsWith("group-policy DEMO internal\n"));
    }

    @Test
    void shouldReadPastedRunningConfigTextByItsIndentationAndMergeRepeatedHeaders() throws IOException
    {
        run("configure terminal");
        for (final String line : """
            group-policy DEMO attributes
             webvpn
              anyconnect mtu 1300
            webvpn
             tunnel-group-list enable
            group-policy DEMO attributes
             webvpn
              anyconnect ssl keepalive 25
            """.split("\n"))
        {
            assertEquals("", run(line), line);
        }
        run("end");
        assertTrue(run("show running-config webvpn").contains("\n tunnel-group-list enable\n"),
            "the unindented webvpn is the global one, not the group's again");
        final String policy = run("show running-config group-policy");
        assertEquals(1, policy.split("group-policy DEMO attributes\n", -1).length - 1, policy);
        assertTrue(policy.contains("  anyconnect mtu 1300\n") && policy.contains("  anyconnect ssl keepalive 25\n"),
            policy);
    }

    @Test
    void shouldLogoffAfterConfirmWhenAnswerIsEmptyOrYes() throws IOException
    {
        sessions.sessions.add(FakeSessions.lee());
        io.type("");
        assertEquals("Do you want to logoff the VPN session(s)? [confirm]"
            + "INFO: Number of sessions with name \"lee\" logged off : 1\n", run("vpn-sessiondb logoff name lee"));
        io.type("y");
        assertEquals("Do you want to logoff the VPN session(s)? [confirm]"
            + "INFO: Number of sessions with index \"1\" logged off : 1\n", run("vpn-sessiondb logoff index 1"));
        assertEquals(List.of("name lee", "index 1"), sessions.logoffs);
    }

    @Test
    void shouldNotLogoffWhenConfirmIsRefusedOrInputEnds() throws IOException
    {
        sessions.sessions.add(FakeSessions.lee());
        io.type("n");
        assertEquals("Do you want to logoff the VPN session(s)? [confirm]", run("vpn-sessiondb logoff all"));
        assertTrue(sessions.logoffs.isEmpty());
    }

    @Test
    void shouldLogoffWithoutAskingWhenNoconfirmIsGiven() throws IOException
    {
        sessions.sessions.add(FakeSessions.lee());
        sessions.sessions.add(FakeSessions.parentOnly());
        assertEquals("INFO: Number of sessions of type \"all\" logged off : 2\n", run("vpn-s logoff all noc"));
        assertEquals("INFO: Number of sessions with name \"nobody\" logged off : 0\n",
            run("vpn-sessiondb logoff name nobody noconfirm"));
        assertEquals(List.of("all", "name nobody"), sessions.logoffs);
    }

    @Test
    void shouldLogEverySessionOffWithTheBareFormAsTheSeedPrintsIt() throws IOException
    {
        // 000_37b323a66eae9c29.txt:950-951, 965-966: no question, an empty type
        sessions.sessions.add(FakeSessions.lee());
        assertEquals("INFO: Number of sessions of type \"\" logged off : 1\n", run("vpn-sessiondb logoff"));
        assertEquals("INFO: Number of sessions of type \"\" logged off : 1\n", run("vpn-sessiondb logoff noconfirm"));
        // the seed gives the command in global configuration mode (line 960)
        run("configure terminal");
        assertEquals("INFO: Number of sessions of type \"\" logged off : 1\n", run("vpn-sessiondb logoff"));
        assertEquals(List.of("all", "all", "all"), sessions.logoffs);
    }

    @Test
    void shouldListPortalLoginsApartAsClientlessSessions() throws IOException
    {
        // seed 000_37b323a66eae9c29.txt:915: the ASA lists a session as clientless (weblaunch through the portal) or
        // as an AnyConnect parent
        sessions.sessions.add(FakeSessions.lee());
        sessions.sessions.add(FakeSessions.portalLogin());
        final String webvpn = """

            Session Type: WebVPN

            Username     : ann                    Index        : 9
            Public IP    : 198.51.100.4
            Protocol     : Clientless
            License      : AnyConnect Premium
            Bytes Tx     : 5120                   Bytes Rx     : 2048
            Group Policy : DfltGrpPolicy          Tunnel Group : DefaultWEBVPNGroup
            Login Time   : 09:08:07 UTC Tue Mar 5 2024
            Duration     : 0h:02m:05s
            Inactivity   : 0h:00m:05s
            VLAN Mapping : N/A                    VLAN         : none
            """;
        assertEquals(webvpn, run("show vpn-sessiondb webvpn"));
        assertEquals(webvpn, run("show vpn-sessiondb webvpn filter name ann"));
        assertEquals(SessionDbFormatter.NO_SESSIONS, run("show vpn-sessiondb webvpn filter name lee"));
        final String anyconnect = run("show vpn-sessiondb anyconnect");
        assertTrue(anyconnect.contains("Username     : lee") && !anyconnect.contains(": ann"), anyconnect);
        assertFalse(run("show vpn-sessiondb detail").contains(": ann"));
        final String plain = run("show vpn-sessiondb");
        assertTrue(plain.startsWith("\nSession Type: SSL VPN Client\n\nUsername     : lee\n"), plain);
        assertTrue(plain.endsWith(webvpn), plain);
        final String summary = run("show vpn-sessiondb summary");
        assertTrue(summary.contains("\nClientless VPN               :      1 :          - :           -\n"), summary);
        assertTrue(summary.contains("\nClientless                   :      1 :          - :               -\n"), summary);
        assertTrue(summary.contains("\nAnyConnect-Parent            :      1 :"), summary);
        io.type("");
        assertEquals("Do you want to logoff the VPN session(s)? [confirm]"
            + "INFO: Number of sessions with index \"9\" logged off : 1\n", run("vpn-sessiondb logoff index 9"));
    }

    @Test
    void shouldSayNoSessionsWhenTableIsEmpty() throws IOException
    {
        assertEquals("INFO: There are presently no active sessions\n", run("show vpn-sessiondb anyconnect"));
    }

    @Test
    void shouldRenderSessionsWithTheAsaFieldsInTheAsaOrder() throws IOException
    {
        sessions.sessions.add(FakeSessions.lee());
        sessions.sessions.add(FakeSessions.parentOnly());
        assertEquals("""

            Session Type: AnyConnect

            Username     : lee                    Index        : 1
            Assigned IP  : 192.168.246.1          Public IP    : 10.139.1.2
            Protocol     : AnyConnect-Parent SSL-Tunnel DTLS-Tunnel
            License      : AnyConnect Premium
            Encryption   : AnyConnect-Parent: (1)none  SSL-Tunnel: (1)AES-GCM-256  DTLS-Tunnel: (1)AES-GCM-256
            Hashing      : AnyConnect-Parent: (1)none  SSL-Tunnel: (1)SHA384  DTLS-Tunnel: (1)SHA384
            Bytes Tx     : 11079                  Bytes Rx     : 4942
            Group Policy : EngPolicy              Tunnel Group : EngGroup
            Login Time   : 15:25:13 UTC Fri Jan 28 2011
            Duration     : 0h:00m:15s
            Inactivity   : 0h:00m:00s
            NAC Result   : Unknown
            VLAN Mapping : N/A                    VLAN         : none

            Username     : bob                    Index        : 7
            Assigned IP  : 0.0.0.0                Public IP    : 203.0.113.9
            Protocol     : AnyConnect-Parent
            License      : AnyConnect Premium
            Encryption   : AnyConnect-Parent: (1)none
            Hashing      : AnyConnect-Parent: (1)none
            Bytes Tx     : 0                      Bytes Rx     : 0
            Group Policy : DfltGrpPolicy          Tunnel Group : DefaultWEBVPNGroup
            Login Time   : 09:08:07 UTC Tue Mar 5 2024
            Duration     : 1h:02m:05s
            Inactivity   : 0h:01m:01s
            NAC Result   : Unknown
            VLAN Mapping : N/A                    VLAN         : none
            """, run("show vpn-sessiondb anyconnect"));
        assertEquals(run("show vpn-sessiondb anyconnect"), run("sh vpn any"));
    }

    @Test
    void shouldAlignCountersAndShowVersion() throws IOException
    {
        assertEquals("""
            Counter                     Value
            rx packets                1234567
            replayed records dropped        3
            """, run("show counters"));
        final String version = run("show version");
        assertTrue(version.contains("Headend Software Version 0.1.0\n"), version);
        assertTrue(version.contains("headend up 1 days 1 hours 1 mins\n"), version);
    }

    @Test
    void shouldWriteMemoryAndShowStartupConfig() throws Exception
    {
        assertTrue(run("write memory").contains("ERROR: no startup-config file"));
        final Path file = dir.resolve("startup-config");
        Files.writeString(file, "hostname saved\n");
        store = ConfigStore.load(file);
        session = newSession();
        run("conf t");
        run("hostname changed");
        final String out = run("wr mem");
        assertTrue(out.startsWith("Building configuration...\nCryptochecksum: "), out);
        assertTrue(out.endsWith(" secs\n[OK]\n"), out);
        assertTrue(Files.readString(file).contains("hostname changed\n"));
        assertEquals("hostname saved\n", Files.readString(dir.resolve("startup-config.prev")));
        run("hostname again");
        assertTrue(run("copy running-config startup-config").endsWith("[OK]\n"));
        assertEquals(Files.readString(file), run("show startup-config"));
    }

    @Test
    void shouldMaskTheNtHashOfAnMschapUserInShowRunningConfigButSaveIt() throws Exception
    {
        final Path file = dir.resolve("startup-config");
        Files.writeString(file, "hostname saved\n");
        store = ConfigStore.load(file);
        session = newSession();
        run("conf t");
        run("username alice password Wonderland-42 mschap");
        final String ntHash = java.util.HexFormat.of().formatHex(
            org.headend.control.auth.radius.MsChapV2.ntPasswordHash("Wonderland-42"));
        final String running = run("show running-config");
        assertTrue(running.contains(" pbkdf2 nt-encrypted *****"), running);
        assertFalse(running.contains(ntHash), "the NT hash logs in over MSCHAPv2 as the password would: " + running);
        assertFalse(run("show running-config username").contains(ntHash));
        assertTrue(run("write memory").endsWith("[OK]\n"));
        assertTrue(Files.readString(file).contains(" nt-encrypted " + ntHash), "write memory keeps the hash");
        assertFalse(run("show startup-config").contains(ntHash));
        assertEquals(ntHash, ConfigStore.load(file).current().user("alice").orElseThrow().ntHash(),
            "the saved configuration reads back with the hash");
    }

    @Test
    void shouldMaskTheClusterKeyAndTheEtcdPasswordInShowRunningConfigButSaveThem() throws Exception
    {
        final Path file = dir.resolve("startup-config");
        Files.writeString(file, "hostname saved\n");
        store = ConfigStore.load(file);
        session = newSession();
        run("conf t");
        run("vpn load-balancing");
        run("cluster key Cluster-K3y");
        assertEquals("", run("cluster etcd-user vpn-member password Etcd-Pw-42"));
        run("end");
        final String running = run("show running-config");
        assertTrue(running.contains(" cluster key *****\n"), running);
        assertTrue(running.contains(" cluster etcd-user vpn-member password *****\n"), running);
        assertFalse(running.contains("Etcd-Pw-42") || running.contains("Cluster-K3y"), running);
        assertTrue(run("write memory").endsWith("[OK]\n"));
        assertTrue(Files.readString(file).contains(" cluster etcd-user vpn-member password Etcd-Pw-42\n"),
            "write memory keeps the password");
        assertFalse(run("show startup-config").contains("Etcd-Pw-42"));
        assertEquals(new org.headend.control.config.LoadBalancing.EtcdUser("vpn-member", "Etcd-Pw-42"),
            ConfigStore.load(file).current().globals().loadBalancing().etcdUser(),
            "the saved configuration reads back with the password");
    }

    @Test
    void shouldCloseTheSessionWhenExitIsTypedInExec() throws IOException
    {
        assertTrue(session.isOpen());
        assertFalse(session.execute("exit"));
        assertFalse(session.isOpen());
    }
}
