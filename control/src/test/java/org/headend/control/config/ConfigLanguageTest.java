package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.headend.control.config.grammar.Element;
import org.headend.control.config.grammar.ErrorKind;
import org.headend.control.config.grammar.Ipv4;
import org.junit.jupiter.api.Test;

class ConfigLanguageTest
{
    private static final String HASH = PasswordHash.of("s3cret").stored();

    /** Every command of issue 2, as show running-config prints it. */
    static final String FULL = """
        hostname edge-1
        !
        interface eth0
         nameif outside
         ip address 198.51.100.1 255.255.255.0
        !
        interface eth1
         nameif inside
         ip address 10.1.0.1 255.255.0.0
         shutdown
        !
        ip local pool POOL-A 10.10.0.10-10.10.0.200 mask 255.255.255.0
        ip local pool POOL-B 10.10.1.1-10.10.1.254 mask 255.255.255.0
        !
        webvpn
         port 8443
         enable outside
         anyconnect enable
        !
        group-policy ENG internal
        group-policy ENG attributes
         dns-server value 10.1.0.53 10.1.0.54
         vpn-tunnel-protocol ssl-client ikev2
         default-domain value eng.example.com
         webvpn
          anyconnect mtu 1300
          anyconnect ssl keepalive 30
          anyconnect dpd-interval client none
          anyconnect dpd-interval gateway 60
        group-policy DfltGrpPolicy attributes
         dns-server none
         default-domain none
        !
        username alice password HASH pbkdf2 privilege 15
        username alice attributes
         vpn-group-policy ENG
         vpn-tunnel-protocol ssl-client
        !
        tunnel-group ENG-TG type remote-access
        tunnel-group ENG-TG general-attributes
         address-pool POOL-A POOL-B
         default-group-policy ENG
        """.replace("HASH", HASH);

    static ConfigTree tree(final String text) throws ConfigException
    {
        return ConfigLoader.load(text, "test.cfg");
    }

    static HeadendConfig compile(final String text) throws ConfigException
    {
        return ConfigCompiler.compile(tree(text));
    }

    static String render(final String text) throws ConfigException
    {
        final ConfigTree tree = tree(text);
        ConfigCompiler.compile(tree);
        return tree.render(List.of());
    }

    private static ConfigException assertRefused(final String text, final int line, final String reason)
    {
        final ConfigException error = assertThrows(ConfigException.class, () -> compile(text));
        assertEquals(line, error.line(), error.getMessage());
        assertTrue(error.reason().contains(reason), error.getMessage());
        assertEquals("test.cfg:" + line + ": " + error.reason(), error.getMessage());
        return error;
    }

    @Test
    void shouldPrintEveryCommandWhenFullConfigIsLoaded() throws ConfigException
    {
        assertEquals(FULL, render(FULL));
    }

    @Test
    void shouldCompileEveryCommandIntoTheSnapshotWhenFullConfigIsLoaded() throws ConfigException
    {
        final HeadendConfig config = compile(FULL);
        assertEquals("edge-1", config.hostname());
        final InterfaceConfig outside = config.interfaceByNameif("outside").orElseThrow();
        assertEquals("eth0", outside.ifname());
        assertEquals(Ipv4.parse("198.51.100.1"), outside.address());
        assertEquals(Ipv4.parse("255.255.255.0"), outside.netmask());
        assertFalse(outside.shutdown());
        assertTrue(config.interfaceByNameif("inside").orElseThrow().shutdown());
        final IpLocalPool pool = config.pool("POOL-A").orElseThrow();
        assertEquals(Ipv4.parse("10.10.0.10"), pool.first());
        assertEquals(Ipv4.parse("10.10.0.200"), pool.last());
        assertEquals(List.of("POOL-A", "POOL-B"), List.copyOf(config.pools().keySet()));
        final UserAccount alice = config.user("alice").orElseThrow();
        assertTrue(alice.password().matches("s3cret"));
        assertEquals(15, alice.privilege());
        assertEquals("ENG", alice.vpnGroupPolicy());
        assertEquals(Set.of("ssl-client"), alice.attributes().get(PolicyAttribute.VPN_TUNNEL_PROTOCOL));
        final PolicyAttributes eng = config.groupPolicies().get("ENG").attributes();
        assertEquals(List.of(Ipv4.parse("10.1.0.53"), Ipv4.parse("10.1.0.54")), eng.get(PolicyAttribute.DNS_SERVER));
        assertEquals(Set.of("ssl-client", "ikev2"), eng.get(PolicyAttribute.VPN_TUNNEL_PROTOCOL));
        assertEquals("eng.example.com", eng.get(PolicyAttribute.DEFAULT_DOMAIN));
        assertEquals(1300, eng.get(PolicyAttribute.MTU));
        assertEquals(30, eng.get(PolicyAttribute.SSL_KEEPALIVE));
        assertEquals(0, eng.get(PolicyAttribute.DPD_CLIENT));
        assertEquals(60, eng.get(PolicyAttribute.DPD_GATEWAY));
        final PolicyAttributes dflt = config.groupPolicies().get(HeadendConfig.DEFAULT_GROUP_POLICY).attributes();
        assertEquals(List.of(), dflt.get(PolicyAttribute.DNS_SERVER));
        assertEquals("", dflt.get(PolicyAttribute.DEFAULT_DOMAIN));
        final TunnelGroup group = config.tunnelGroup("ENG-TG").orElseThrow();
        assertEquals("remote-access", group.type());
        assertEquals(List.of("POOL-A", "POOL-B"), group.addressPools());
        assertEquals("ENG", group.defaultGroupPolicy());
        assertEquals(new WebvpnConfig(Set.of("outside"), 8443, true), config.webvpn());
    }

    @Test
    void shouldRenderIdenticallyAndCompileEquallyWhenRenderedConfigIsParsedAgain() throws ConfigException
    {
        final ConfigTree first = tree(FULL);
        final String once = first.render(List.of());
        final ConfigTree second = tree(once);
        assertEquals(once, second.render(List.of()));
        assertEquals(ConfigCompiler.compile(first), ConfigCompiler.compile(second));
        final ConfigStore embedded = ConfigStore.embeddedDefault("demo-pass");
        final ConfigStore reread = new ConfigStore(tree(embedded.runningConfig()), embedded.current(), null, null,
            AtomicFile.ATOMIC_RENAME);
        assertEquals(embedded.runningConfig(), reread.runningConfig());
        assertEquals(embedded.current(), compile(embedded.runningConfig()));
    }

    @Test
    void shouldStoreClearPasswordHashedWhenUsernameIsGivenAPassword() throws ConfigException
    {
        final String shown = render("username bob password hunter2");
        assertTrue(shown.startsWith("username bob password $sha512$"), shown);
        assertTrue(shown.strip().endsWith(" pbkdf2"), shown);
        assertFalse(shown.contains("hunter2"));
        assertTrue(compile(shown).user("bob").orElseThrow().password().matches("hunter2"));
        assertEquals(2, compile(shown).user("bob").orElseThrow().privilege());
    }

    @Test
    void shouldCloseSubModeWhenLineBelongsToEnclosingMode() throws ConfigException
    {
        final HeadendConfig config = compile("""
            group-policy G internal
            group-policy G attributes
            webvpn
            anyconnect mtu 1200
            dns-server value 10.0.0.1
            tunnel-group T type remote-access
            tunnel-group T general-attributes
            default-group-policy G
            webvpn
            anyconnect enable
            """);
        final PolicyAttributes g = config.groupPolicies().get("G").attributes();
        assertEquals(1200, g.get(PolicyAttribute.MTU));
        assertEquals(List.of(Ipv4.parse("10.0.0.1")), g.get(PolicyAttribute.DNS_SERVER));
        assertEquals("G", config.tunnelGroup("T").orElseThrow().defaultGroupPolicy());
        assertTrue(config.webvpn().anyconnectEnabled());
    }

    @Test
    void shouldLeaveSubModeWhenExitIsGiven() throws ConfigException
    {
        final HeadendConfig config = compile("""
            group-policy G internal
            group-policy G attributes
             webvpn
              anyconnect mtu 1200
              exit
             dns-server value 10.0.0.1
             exit
            """);
        assertEquals(List.of(Ipv4.parse("10.0.0.1")),
            config.groupPolicies().get("G").attributes().get(PolicyAttribute.DNS_SERVER));
    }

    @Test
    void shouldAcceptAbbreviationsAndPrintFullKeywordsWhenUnambiguous() throws ConfigException
    {
        final String shown = render("""
            ip loc po P 10.0.0.1-10.0.0.9 ma 255.255.255.0
            group-policy G int
            group-policy G attr
             web
              anyconnect ssl keep 20
              any dpd gat none
              anyconnect keepalive 25
            tunnel-group T ty remote
            tunnel-group T gen
             address P
            """);
        assertEquals("""
            ip local pool P 10.0.0.1-10.0.0.9 mask 255.255.255.0
            !
            group-policy G internal
            group-policy G attributes
             webvpn
              anyconnect ssl keepalive 25
              anyconnect dpd-interval gateway none
            !
            tunnel-group T type remote-access
            tunnel-group T general-attributes
             address-pool P
            """, shown);
    }

    static ConfigStore store(final String text) throws ConfigException
    {
        final ConfigTree tree = tree(text);
        return new ConfigStore(tree, ConfigCompiler.compile(tree), null, null, AtomicFile.ATOMIC_RENAME);
    }

    /** Types the lines into the store one by one, as a CLI session does. */
    static ConfigCursor type(final ConfigStore store, final String lines) throws ConfigException
    {
        ConfigCursor cursor = ConfigCursor.TOP;
        int number = 0;
        for (final String line : lines.split("\n"))
        {
            cursor = store.apply(cursor, line, "cli", ++number);
        }
        return cursor;
    }

    @Test
    void shouldRemoveLineOrWholeObjectWhenNoFormIsGiven() throws ConfigException
    {
        final ConfigStore store = store(FULL);
        type(store, """
            group-policy ENG attributes
             no dns-server
             webvpn
              no anyconnect mtu
              no anyconnect keepalive
            no tunnel-group ENG-TG
            no username alice
            no ip local pool POOL-B 10.10.1.1-10.10.1.254 mask 255.255.255.0
            interface eth1
             no shutdown
             no nameif
            webvpn
             no enable outside
             no port
            """);
        final HeadendConfig config = store.current();
        final PolicyAttributes eng = config.groupPolicies().get("ENG").attributes();
        assertFalse(eng.isSet(PolicyAttribute.DNS_SERVER));
        assertFalse(eng.isSet(PolicyAttribute.MTU));
        assertFalse(eng.isSet(PolicyAttribute.SSL_KEEPALIVE));
        assertTrue(eng.isSet(PolicyAttribute.DPD_GATEWAY));
        assertTrue(config.tunnelGroup("ENG-TG").isEmpty());
        assertTrue(config.user("alice").isEmpty());
        assertEquals(Set.of("POOL-A"), config.pools().keySet());
        assertFalse(config.interfaces().get(1).shutdown());
        assertEquals(null, config.interfaces().get(1).nameif());
        assertEquals(new WebvpnConfig(Set.of(), 443, true), config.webvpn());
        assertEquals(store.runningConfig(), "%s%n:%n%s: end%n".formatted(": Saved", render(store.runningConfig()))
            .replace(System.lineSeparator(), "\n"));
    }

    @Test
    void shouldRemoveBothLinesWhenGroupPolicyIsRemoved() throws ConfigException
    {
        final String shown = render("""
            group-policy G internal
            group-policy G attributes
             dns-server value 10.0.0.1
            no group-policy G
            """);
        assertEquals("", shown);
    }

    @Test
    void shouldSetExplicitEmptyValueWhenNoneIsGiven() throws ConfigException
    {
        final HeadendConfig config = compile("""
            group-policy DfltGrpPolicy attributes
             dns-server value 10.0.0.1
             default-domain value corp.example
            group-policy G internal
            group-policy G attributes
             dns-server none
             default-domain none
            tunnel-group T type remote-access
            tunnel-group T general-attributes
             default-group-policy G
            """);
        final EffectivePolicy policy = config.effectivePolicy("T", null);
        assertEquals(List.of(), policy.get(PolicyAttribute.DNS_SERVER));
        assertEquals("", policy.get(PolicyAttribute.DEFAULT_DOMAIN));
        assertEquals(List.of(Ipv4.parse("10.0.0.1")),
            config.effectivePolicy(HeadendConfig.DEFAULT_TUNNEL_GROUP, null).get(PolicyAttribute.DNS_SERVER));
    }

    @Test
    void shouldProvideDefaultObjectsWhenConfigIsEmpty() throws ConfigException
    {
        final HeadendConfig config = compile("");
        assertEquals("headend", config.hostname());
        assertTrue(config.groupPolicies().containsKey(HeadendConfig.DEFAULT_GROUP_POLICY));
        assertEquals(HeadendConfig.DEFAULT_GROUP_POLICY, config.defaultTunnelGroup().defaultGroupPolicy());
        assertEquals(HeadendConfig.DEFAULT_TUNNEL_GROUP, config.defaultTunnelGroup().name());
        assertTrue(config.tunnelGroup(HeadendConfig.DEFAULT_RA_GROUP).isPresent());
        assertEquals(443, config.webvpn().port());
        assertEquals("", render(""));
    }

    @Test
    void shouldPrintDefaultObjectsOnlyWhereConfiguredWhenTheyAreRestated() throws ConfigException
    {
        assertEquals("", render("""
            group-policy DfltGrpPolicy internal
            tunnel-group DefaultWEBVPNGroup type remote-access
            group-policy DfltGrpPolicy attributes
            tunnel-group DefaultWEBVPNGroup general-attributes
            """));
        assertEquals("""
            tunnel-group DefaultWEBVPNGroup general-attributes
             default-group-policy DfltGrpPolicy
            """, render("""
            tunnel-group DefaultWEBVPNGroup general-attributes
             default-group-policy DfltGrpPolicy
            """));
    }

    @Test
    void shouldResetDefaultObjectWhenItIsRemoved() throws ConfigException
    {
        final HeadendConfig config = compile("""
            group-policy DfltGrpPolicy attributes
             vpn-tunnel-protocol ikev2
            no group-policy DfltGrpPolicy
            no tunnel-group DefaultWEBVPNGroup
            """);
        assertFalse(config.groupPolicies().get(HeadendConfig.DEFAULT_GROUP_POLICY).attributes()
            .isSet(PolicyAttribute.VPN_TUNNEL_PROTOCOL));
        assertNotNull(config.defaultTunnelGroup());
    }

    @Test
    void shouldRefusePoolsWhenRangeMaskSizeOrOverlapIsWrong()
    {
        assertRefused("hostname a\nip local pool P 10.0.0.10-10.0.0.1 mask 255.255.255.0\n", 2, "ends before it starts");
        assertRefused("ip local pool P 10.0.0.1-10.0.0.9 mask 255.0.255.0\n", 1, "not a valid mask");
        assertRefused("ip local pool P 10.0.0.1-10.2.0.1 mask 255.0.0.0\n", 1, "at most 65536");
        assertRefused("ip local pool P 10.0.0.1-10.0.1.9 mask 255.255.255.0\n", 1, "one subnet");
        assertRefused("""
            ip local pool P 10.0.0.1-10.0.0.100 mask 255.255.255.0
            ip local pool Q 10.0.0.50-10.0.0.150 mask 255.255.255.0
            """, 2, "pool Q overlaps pool P");
    }

    @Test
    void shouldRefuseOutOfRangeValuesWithTheirLineWhenLoading()
    {
        final String head = "group-policy G internal\ngroup-policy G attributes\n webvpn\n";
        assertRefused(head + "  anyconnect mtu 1407\n", 4, "out of range 576-1406");
        assertRefused(head + "  anyconnect ssl keepalive 14\n", 4, "out of range 15-600");
        assertRefused(head + "  anyconnect dpd-interval client 3601\n", 4, "out of range 30-3600");
        assertRefused("webvpn\n port 0\n", 2, "out of range 1-65535");
        assertRefused("username u password x privilege 16\n", 1, "out of range 0-15");
        final ConfigException error = assertRefused(head + "  anyconnect mtu 1407\n", 4, "1407");
        assertEquals(17, error.column());
        assertEquals(ErrorKind.INVALID_INPUT, error.kind());
    }

    @Test
    void shouldRefuseMissingReferencesWithTheirLine()
    {
        assertRefused("tunnel-group T type remote-access\ntunnel-group T general-attributes\n address-pool NOPE\n", 3,
            "ip local pool NOPE does not exist");
        assertRefused("tunnel-group DefaultWEBVPNGroup general-attributes\n default-group-policy NOPE\n", 2,
            "group-policy NOPE does not exist");
        assertRefused("group-policy NOPE attributes\n", 1, "group-policy NOPE does not exist");
        assertRefused("tunnel-group NOPE general-attributes\n", 1, "tunnel-group NOPE does not exist");
        assertRefused("username u attributes\n", 1, "username u does not exist");
        assertRefused("username u password x\nusername u attributes\n vpn-group-policy NOPE\n", 3,
            "group-policy NOPE does not exist");
    }

    @Test
    void shouldRefuseRemovingObjectsWhileReferenced()
    {
        assertRefused("""
            ip local pool P 10.0.0.1-10.0.0.9 mask 255.255.255.0
            tunnel-group DefaultWEBVPNGroup general-attributes
             address-pool P
            no ip local pool P
            """, 4, "ip local pool P is in use by tunnel-group DefaultWEBVPNGroup general-attributes");
        assertRefused("""
            group-policy G internal
            username u password x
            username u attributes
             vpn-group-policy G
            no group-policy G
            """, 5, "group-policy G is in use by username u attributes");
        assertRefused("no group-policy NOPE\n", 1, "group-policy NOPE does not exist");
    }

    @Test
    void shouldRefuseBadSyntaxWithTheReasonAndLine()
    {
        assertEquals(ErrorKind.INVALID_INPUT, assertRefused("hostname a\nbogus command\n", 2, "unexpected 'bogus'")
            .kind());
        assertEquals(ErrorKind.INCOMPLETE, assertRefused("ip local pool P\n", 1, "incomplete").kind());
        assertEquals(ErrorKind.AMBIGUOUS, assertRefused("hostname a\ni eth0\n", 2, "'i' is ambiguous: interface, ip")
            .kind());
        assertRefused("interface eth0\n nameif outside\ninterface eth1\n nameif outside\n", 4,
            "nameif outside is already used by interface eth0");
        assertRefused("group-policy G internal\ngroup-policy G attributes\n vpn-tunnel-protocol ssl-client ssl-client\n",
            3, "twice");
    }

    @Test
    void shouldRefuseBadNamesConsistently()
    {
        assertRefused("tunnel-group \"x; reboot\" type remote-access\n", 1, "not allowed in a name");
        assertRefused("tunnel-group " + "t".repeat(65) + " type remote-access\n", 1, "longer than 64");
        assertRefused("tunnel-group x y type remote-access\n", 1, "unexpected 'y'");
        assertRefused("hostname -bad\n", 1, "host name");
    }

    @Test
    void shouldRefuseMalformedFilesWithTheLine()
    {
        assertRefused("hostname a\nhostname " + "b".repeat(1100) + "\n", 2, "longer than 1024");
        assertRefused("hostname a\n\nhostname b\u001b[2J\n", 3, "control character 0x1b");
        assertRefused(": Saved\n:\nhostname x\nwebvpn\n", 4, "truncated");
        final ConfigException utf8 = assertThrows(ConfigException.class, () -> ConfigLoader.load(
            "hostname a\nhostname b\n\u00ff\n".getBytes(StandardCharsets.ISO_8859_1), "bad.cfg"));
        assertEquals("bad.cfg:3: invalid UTF-8", utf8.getMessage());
    }

    @Test
    void shouldMergeTheLinesOfARepeatedBlockHeaderAsTheCliDoes() throws ConfigException
    {
        // bad-inputs #48 (corrected): a second header is not bad input, it re-enters its block
        assertEquals("hostname x\n!\nwebvpn\n enable outside\n anyconnect enable\n",
            render("webvpn\n enable outside\nhostname x\nwebvpn\n anyconnect enable\n"));
    }

    @Test
    void shouldIgnoreCommentsBlankLinesAndCarriageReturns() throws ConfigException
    {
        assertEquals("hostname x\n", render("! comment\r\n: another\r\n\r\n   hostname x\r\n"));
    }

    @Test
    void shouldDeclareHelpForEveryKeywordAndArgumentWhenHelpIsAskedLater()
    {
        for (final org.headend.control.config.grammar.Mode mode : org.headend.control.config.grammar.Mode.values())
        {
            for (final var declaration : ConfigLanguage.grammar().declarations(mode))
            {
                assertHelp(declaration.syntax());
            }
        }
    }

    private static void assertHelp(final List<Element> elements)
    {
        for (final Element element : elements)
        {
            switch (element)
            {
                case Element.Keyword keyword -> assertFalse(keyword.help().isBlank(), keyword.word());
                case Element.Arg arg -> assertFalse(arg.help().isBlank(), arg.name());
                case Element.Choice choice -> assertHelp(List.copyOf(choice.options()));
                case Element.Optional optional -> assertHelp(optional.body());
                case Element.Repeat repeat -> assertHelp(List.of(repeat.body()));
            }
        }
    }

    @Test
    void shouldListSectionKeywordsFromGlobalCommands()
    {
        assertTrue(ConfigLanguage.sectionKeywords().containsAll(Set.of("hostname", "interface", "ip", "local", "pool",
            "username", "group-policy", "tunnel-group", "webvpn")));
    }
}
