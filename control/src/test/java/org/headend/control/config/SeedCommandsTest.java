package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.headend.control.config.grammar.ErrorKind;
import org.headend.control.config.grammar.Ipv4;
import org.headend.control.config.grammar.Ipv6;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Item 7 of issue 4: every configuration command of the seed chapter (and the everyday ones around it) parses,
 * prints back byte-identically in {@code show running-config}, compiles into typed values, refuses bad values, and
 * its {@code no} form removes it.
 */
class SeedCommandsTest
{
    private static final String HASH = PasswordHash.of("s3cret").stored();
    private static final String ENABLE_HASH = PasswordHash.of("en-secret").stored();

    /** Every command added for issue 4, as show running-config prints it (tree order, separators). */
    static final String SEED = """
        hostname asa1
        !
        enable password ENABLE pbkdf2
        !
        interface eth0
         nameif outside
         security-level 0
         ip address 192.168.0.1 255.255.255.0
         ipv6 enable
        !
        interface eth1
         nameif inside
         security-level 100
         ip address 10.10.0.1 255.255.0.0
         ipv6 address 2001:db8::1/32
         ipv6 enable
        !
        ip local pool vpn_users 209.165.200.225-209.165.200.254 mask 255.255.255.224
        !
        ipv6 local pool ipv6pool 2001:db8:1:1::5/32 100
        !
        ipv6 route inside ::/0 2001:db8::fe tunneled
        !
        no compression svc
        !
        webvpn
         port 555
         dtls port 556
         enable outside tls-only
         anyconnect image disk0:/anyconnect-win-2.3.0254-k9.pkg 1
         anyconnect image disk0:/anyconnect-macosx-i386-2.3.0254-k9.pkg 2
         anyconnect profiles sales disk0:/sales_hosts.xml
         anyconnect profiles engineering disk0:/engineering_hosts.xml
         anyconnect enable
         tunnel-group-list enable
         anyconnect-custom-attr DeferredUpdateAllowed description Indicates if the deferred update is enabled
         anyconnect-custom-attr DeferredUpdateDismissTimeout
        !
        anyconnect-custom-data DeferredUpdateDismissTimeout def-timeout 150
        anyconnect-custom-data DeferredUpdateAllowed def-allowed true
        !
        group-policy sales internal
        group-policy sales attributes
         banner value Authorized use only
         banner value Second line
         vpn-simultaneous-logins 2
         vpn-idle-timeout 60
         vpn-session-timeout none
         vpn-tunnel-protocol ssl-client
         split-tunnel-policy tunnelspecified
         split-tunnel-network-list value SPLIT-ACL
         ipv6-address-pools value ipv6pool
         anyconnect-custom DeferredUpdateAllowed value def-allowed
         anyconnect-custom DeferredUpdateDismissTimeout none
         webvpn
          anyconnect ssl dtls enable
          anyconnect mtu 1200
          anyconnect keep-installer none
          anyconnect ssl keepalive 300
          anyconnect ssl rekey time 30
          anyconnect ssl rekey method ssl
          anyconnect ssl compression none
          anyconnect ssl df-bit-ignore disable
          anyconnect dpd-interval client 300
          anyconnect dpd-interval gateway 30
          anyconnect dtls compression lzs
          anyconnect modules value vpngina,dart
          anyconnect profiles value sales type vpn
          anyconnect ask enable default anyconnect timeout 10
        group-policy telecommuters internal
        group-policy telecommuters attributes
         webvpn
          anyconnect mtu 576
          anyconnect ssl keepalive none
          anyconnect ssl rekey time 10080
          anyconnect ssl rekey method new-tunnel
          anyconnect dpd-interval client none
          anyconnect dpd-interval gateway 3600
          anyconnect modules none
          anyconnect profiles none
          anyconnect ask none
        !
        username lee password HASH pbkdf2 privilege 15
        username lee attributes
         vpn-group-policy sales
         service-type admin
         webvpn
          anyconnect ssl dtls none
          anyconnect mtu 1406
          anyconnect dpd-interval gateway none
        !
        tunnel-group telecommuters type remote-access
        tunnel-group telecommuters general-attributes
         address-pool vpn_users
         ipv6-address-pool ipv6pool
         default-group-policy sales
        tunnel-group telecommuters webvpn-attributes
         group-alias sales_department enable
         group-alias old_name disable
        !
        aaa authentication ssh console LOCAL
        !
        aaa local authentication attempts max-fail 5
        !
        ssh 10.77.0.0 255.255.255.0 outside
        ssh 192.168.0.10 255.255.255.255 outside
        !
        ssh timeout 10
        """.replace("ENABLE", ENABLE_HASH).replace("HASH", HASH);

    @Test
    void shouldPrintEverySeedCommandBackByteIdentically() throws ConfigException
    {
        assertEquals(SEED, ConfigLanguageTest.render(SEED));
        final ConfigTree first = ConfigLanguageTest.tree(SEED);
        final ConfigTree second = ConfigLanguageTest.tree(first.render(List.of()));
        assertEquals(SEED, second.render(List.of()));
        assertEquals(ConfigCompiler.compile(first), ConfigCompiler.compile(second));
    }

    @Test
    void shouldCompileTheDtlsCompressionAndRekeySettingsIntoTypedValues() throws ConfigException
    {
        final HeadendConfig config = ConfigLanguageTest.compile(SEED);
        final EffectivePolicy sales = config.effectivePolicy("telecommuters", null);
        assertEquals(true, sales.get(PolicyAttribute.SSL_DTLS));
        assertEquals(DtlsCompression.LZS, sales.get(PolicyAttribute.DTLS_COMPRESSION));
        assertEquals(SslCompression.NONE, sales.get(PolicyAttribute.SSL_COMPRESSION));
        assertEquals(RekeyMethod.SSL, sales.get(PolicyAttribute.SSL_REKEY_METHOD));
        assertEquals(30, sales.get(PolicyAttribute.SSL_REKEY_TIME));
        assertEquals(false, sales.get(PolicyAttribute.SSL_DF_BIT_IGNORE));
        assertEquals(300, sales.get(PolicyAttribute.SSL_KEEPALIVE));
        assertEquals(300, sales.get(PolicyAttribute.DPD_CLIENT));
        assertEquals(30, sales.get(PolicyAttribute.DPD_GATEWAY));
        assertEquals(false, sales.get(PolicyAttribute.KEEP_INSTALLER));
        assertEquals(List.of("vpngina", "dart"), sales.get(PolicyAttribute.MODULES));
        assertEquals(List.of(new ClientProfileRef("sales", "vpn")), sales.get(PolicyAttribute.PROFILES));
        assertEquals(new AnyconnectAsk(true, "anyconnect", 10), sales.get(PolicyAttribute.ASK));
        assertEquals(List.of("Authorized use only", "Second line"), sales.get(PolicyAttribute.BANNER));
        assertEquals(Map.of("DeferredUpdateAllowed", "def-allowed", "DeferredUpdateDismissTimeout", ""),
            sales.get(PolicyAttribute.CUSTOM_ATTRIBUTES));
        assertEquals(SplitTunnelPolicy.TUNNELSPECIFIED, sales.get(PolicyAttribute.SPLIT_TUNNEL_POLICY));
        assertEquals("SPLIT-ACL", sales.get(PolicyAttribute.SPLIT_TUNNEL_NETWORK_LIST));
        assertEquals(60, sales.get(PolicyAttribute.VPN_IDLE_TIMEOUT));
        assertEquals(0, sales.get(PolicyAttribute.VPN_SESSION_TIMEOUT));
        assertEquals(2, sales.get(PolicyAttribute.VPN_SIMULTANEOUS_LOGINS));
        assertEquals(List.of("ipv6pool"), sales.get(PolicyAttribute.IPV6_ADDRESS_POOLS));

        final EffectivePolicy lee = config.effectivePolicy("telecommuters", "lee");
        assertEquals(false, lee.get(PolicyAttribute.SSL_DTLS), "the user's own webvpn attributes come first");
        assertEquals(0, lee.get(PolicyAttribute.DPD_GATEWAY));
        assertEquals(1406, lee.get(PolicyAttribute.MTU));
        assertEquals(DtlsCompression.LZS, lee.get(PolicyAttribute.DTLS_COMPRESSION), "then the user's group-policy");

        final EffectivePolicy dflt = config.effectivePolicy(HeadendConfig.DEFAULT_TUNNEL_GROUP, null);
        assertEquals(true, dflt.get(PolicyAttribute.SSL_DTLS));
        assertEquals(DtlsCompression.NONE, dflt.get(PolicyAttribute.DTLS_COMPRESSION));
        assertEquals(SslCompression.NONE, dflt.get(PolicyAttribute.SSL_COMPRESSION), "off unless a policy asks");
        assertEquals(RekeyMethod.NONE, dflt.get(PolicyAttribute.SSL_REKEY_METHOD));

        final WebvpnConfig webvpn = config.webvpn();
        assertEquals(555, webvpn.port());
        assertEquals(556, webvpn.dtlsPort());
        assertFalse(webvpn.dtlsEnabledOn("outside"), "enable outside tls-only");
        assertTrue(webvpn.tunnelGroupList());
        assertEquals(List.of(new AnyconnectImage("disk0:/anyconnect-win-2.3.0254-k9.pkg", 1),
            new AnyconnectImage("disk0:/anyconnect-macosx-i386-2.3.0254-k9.pkg", 2)), webvpn.images());
        assertEquals("disk0:/sales_hosts.xml", webvpn.profiles().get("sales"));
        assertEquals("", webvpn.customAttributeTypes().get("DeferredUpdateDismissTimeout"));
        assertFalse(config.globals().compressionSvc());
        assertTrue(config.globals().compressionHttp());
        assertEquals(List.of("150"), config.globals().customData().get("DeferredUpdateDismissTimeout")
            .get("def-timeout"));
        final Ipv6LocalPool v6 = config.ipv6Pools().get("ipv6pool");
        assertEquals("2001:db8:1:1::5", Ipv6.format(v6.first()));
        assertEquals(32, v6.prefixLength());
        assertEquals(100, v6.count());
        assertTrue(config.ipv6Routes().getFirst().tunneled());
        final TunnelGroup group = config.tunnelGroup("telecommuters").orElseThrow();
        assertEquals(List.of("ipv6pool"), group.ipv6AddressPools());
        assertEquals(Map.of("sales_department", true, "old_name", false), group.groupAliases());
        final InterfaceConfig inside = config.interfaceByNameif("inside").orElseThrow();
        assertEquals(100, inside.securityLevel());
        assertTrue(inside.ipv6Enabled());
        assertEquals(List.of("2001:db8::1/32"), inside.ipv6Addresses());
        final ManagementConfig management = config.management();
        assertTrue(management.enablePassword().matches("en-secret"));
        assertTrue(management.sshAuthLocal());
        assertEquals(10, management.sshTimeoutMinutes());
        assertEquals(5, management.maxFailedAttempts());
        assertTrue(management.sshPermits(Ipv4.parse("10.77.0.2"), "outside"));
        assertFalse(management.sshPermits(Ipv4.parse("10.78.0.2"), "outside"));
        assertFalse(management.sshPermits(Ipv4.parse("10.77.0.2"), "inside"));
        assertEquals("admin", config.user("lee").orElseThrow().serviceType());
    }

    @Test
    void shouldKeepDefaultsWhenNothingIsConfigured() throws ConfigException
    {
        final HeadendConfig config = ConfigLanguageTest.compile("");
        assertNull(config.management().enablePassword());
        assertFalse(config.management().sshAuthLocal());
        assertEquals(ManagementConfig.DEFAULT_SSH_TIMEOUT_MINUTES, config.management().sshTimeoutMinutes());
        assertEquals(GlobalSettings.DEFAULT, config.globals());
        assertEquals(443, config.webvpn().dtlsPort(), "dtls port follows port");
        assertEquals(Set.of(), config.webvpn().tlsOnlyNameifs());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "anyconnect mtu 575|out of range 576-1406",
        "anyconnect mtu 1407|out of range 576-1406",
        "anyconnect ssl rekey time 0|out of range 1-10080",
        "anyconnect ssl rekey time 10081|out of range 1-10080",
        "anyconnect dpd-interval gateway 29|out of range 30-3600",
        "anyconnect dpd-interval client 3601|out of range 30-3600",
        "anyconnect ssl keepalive 14|out of range 15-600",
        "anyconnect ssl keepalive 601|out of range 15-600",
        "anyconnect ssl keepalive often|not a number",
        "anyconnect ssl dtls maybe|unexpected 'maybe'",
        "anyconnect dtls compression deflate|unexpected 'deflate'",
        "anyconnect ssl compression gzip|unexpected 'gzip'",
        "anyconnect ssl rekey method tls|unexpected 'tls'",
        "anyconnect ask enable default anyconnect timeout 31|out of range 1-30",
        "anyconnect modules value vpn gina|unexpected 'gina'",
        "anyconnect keep-installer forever|unexpected 'forever'"})
    void shouldRefuseOutOfRangeAndMalformedGroupWebvpnValuesAtTheBadToken(final String line, final String reason)
    {
        final String head = "group-policy G internal\ngroup-policy G attributes\n webvpn\n";
        final ConfigException error = assertThrows(ConfigException.class,
            () -> ConfigLanguageTest.compile(head + "  " + line + "\n"));
        assertEquals(4, error.line(), error.getMessage());
        assertTrue(error.reason().contains(reason), error.getMessage());
        assertEquals(ErrorKind.INVALID_INPUT, error.kind());
        final String bad = line.substring(line.lastIndexOf(' ') + 1);
        assertEquals(2 + line.lastIndexOf(' ') + 1, error.column(), "the caret goes under '" + bad + "'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "webvpn\\n dtls port 0|out of range 1-65535",
        "webvpn\\n anyconnect image disk0:/../../etc/passwd 1|not a valid disk0: path",
        "webvpn\\n anyconnect image disk0:/client.exe 1|not a .pkg file",
        "webvpn\\n anyconnect image flash:/a.pkg 0|out of range 1-65535",
        "webvpn\\n anyconnect profiles p tftp://10.0.0.1/p.xml|not on disk0:",
        "ipv6 local pool V6 2001:db8::1/129 10|out of range 0-128",
        "ipv6 local pool V6 2001:db8::1/64 16385|out of range 1-16384",
        "ipv6 local pool V6 2001:zz8::1/64 10|not an IPv6 address",
        "ssh timeout 61|out of range 1-60",
        "ssh 10.0.0.0 255.0.255.0 outside|not a valid mask",
        "aaa authentication ssh console RADIUS|aaa-server RADIUS does not exist",
        "aaa local authentication attempts max-fail 17|out of range 1-16",
        "interface eth0\\n security-level 101|out of range 0-100",
        "group-policy G internal\\ngroup-policy G attributes\\n vpn-idle-timeout 0|out of range 1-35791394",
        "group-policy G internal\\ngroup-policy G attributes\\n split-tunnel-policy some|unexpected 'some'",
        "tunnel-group T type remote-access\\ntunnel-group T webvpn-attributes\\n group-alias a on|unexpected 'on'"})
    void shouldRefuseBadGlobalAndBlockValues(final String text, final String reason)
    {
        final ConfigException error = assertThrows(ConfigException.class,
            () -> ConfigLanguageTest.compile(text.replace("\\n", "\n") + "\n"));
        assertTrue(error.reason().contains(reason), error.getMessage());
    }

    @Test
    void shouldRefuseReferencesToProfilesAndIpv6PoolsThatDoNotExist()
    {
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "group-policy G internal\ngroup-policy G attributes\n webvpn\n  anyconnect profiles value nope\n"));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "tunnel-group T type remote-access\ntunnel-group T general-attributes\n ipv6-address-pool nope\n"));
        final ConfigException inUse = assertThrows(ConfigException.class, () -> ConfigLanguageTest.type(
            ConfigLanguageTest.store(SEED), "webvpn\nno anyconnect profiles sales disk0:/sales_hosts.xml"));
        assertTrue(inUse.reason().contains("anyconnect profiles sales is in use"), inUse.getMessage());
    }

    /** Each line removed by its no form, typed in its mode: the mode path and the no line. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "|no enable password|enable password",
        "|no ipv6 route inside ::/0 2001:db8::fe tunneled|ipv6 route",
        "|no anyconnect-custom-data DeferredUpdateAllowed def-allowed|def-allowed true",
        "|no aaa authentication ssh console|aaa authentication",
        "|no aaa local authentication attempts max-fail|max-fail",
        "|no ssh 192.168.0.10 255.255.255.255 outside|ssh 192.168.0.10",
        "|no ssh timeout|ssh timeout",
        "interface eth1|no ipv6 address 2001:db8::1/32|ipv6 address",
        "interface eth1|no security-level|security-level 100",
        "webvpn|no dtls port|dtls port",
        "webvpn|no anyconnect image disk0:/anyconnect-win-2.3.0254-k9.pkg|anyconnect-win",
        "webvpn|no tunnel-group-list enable|tunnel-group-list",
        "webvpn|no anyconnect-custom-attr DeferredUpdateAllowed|description Indicates",
        "webvpn|no enable outside|enable outside",
        "group-policy sales attributes|no banner|banner value",
        "group-policy sales attributes|no split-tunnel-policy|split-tunnel-policy",
        "group-policy sales attributes|no anyconnect-custom DeferredUpdateAllowed|custom DeferredUpdateAllowed value",
        "group-policy sales attributes|no vpn-idle-timeout|vpn-idle-timeout",
        "group-policy sales attributes/webvpn|no anyconnect ssl dtls|anyconnect ssl dtls enable",
        "group-policy sales attributes/webvpn|no anyconnect dtls compression|dtls compression",
        "group-policy sales attributes/webvpn|no anyconnect ssl compression none|ssl compression",
        "group-policy sales attributes/webvpn|no anyconnect ssl rekey time|rekey time 30",
        "group-policy sales attributes/webvpn|no anyconnect ssl rekey method|rekey method ssl",
        "group-policy sales attributes/webvpn|no anyconnect profiles|profiles value sales",
        "group-policy sales attributes/webvpn|no anyconnect ask|ask enable",
        "group-policy sales attributes/webvpn|no anyconnect keep-installer|keep-installer",
        "username lee attributes/webvpn|no anyconnect ssl dtls|anyconnect ssl dtls none",
        "username lee attributes|no service-type|service-type",
        "tunnel-group telecommuters webvpn-attributes|no group-alias old_name|old_name",
        "tunnel-group telecommuters general-attributes|no ipv6-address-pool|ipv6-address-pool ipv6pool"})
    void shouldRemoveEachLineWithItsNoForm(final String path, final String no, final String gone)
        throws ConfigException
    {
        final ConfigStore store = ConfigLanguageTest.store(SEED);
        assertTrue(store.runningConfig().contains(gone), gone);
        final String lines = (path == null ? "" : path.replace("/", "\n") + "\n") + no;
        ConfigLanguageTest.type(store, lines);
        assertFalse(store.runningConfig().contains(gone), store.runningConfig());
    }

    @Test
    void shouldTurnCompressionBackOnWhenTheNegationIsReplaced() throws ConfigException
    {
        final ConfigStore store = ConfigLanguageTest.store("no compression\n");
        assertFalse(store.current().globals().compressionSvc());
        assertFalse(store.current().globals().compressionHttp());
        ConfigLanguageTest.type(store, "compression all");
        assertTrue(store.current().globals().compressionSvc());
        assertTrue(store.runningConfig().contains("\ncompression all\n"));
        assertFalse(store.runningConfig().contains("no compression"));
    }
}
