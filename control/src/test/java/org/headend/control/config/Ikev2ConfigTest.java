package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.headend.control.auth.radius.MsChapV2;
import org.junit.jupiter.api.Test;

/**
 * The IKEv2 lines: {@code crypto ikev2 enable NAMEIF} and {@code username NAME password P mschap}, which keeps the NT
 * hash EAP-MSCHAPv2 needs beside the PBKDF2 hash, never the clear text.
 */
class Ikev2ConfigTest
{
    @Test
    void shouldKeepTheNtHashOfAnMschapPasswordAndPrintItAsAHashOnly() throws ConfigException
    {
        final String text = "username alice password Wonderland-42 mschap privilege 3\n";
        final UserAccount alice = ConfigLanguageTest.compile(text).user("alice").orElseThrow();
        assertEquals(HexFormat.of().formatHex(MsChapV2.ntPasswordHash("Wonderland-42")), alice.ntHash());
        assertEquals(3, alice.privilege());
        assertTrue(alice.password().matches("Wonderland-42"), "the PBKDF2 hash still checks SSL VPN logins");
        final String running = ConfigLanguageTest.render(text);
        assertTrue(running.contains("nt-encrypted " + alice.ntHash()), running);
        assertFalse(running.contains("Wonderland-42"), running);
        assertEquals(alice.ntHash(), ConfigLanguageTest.compile(running).user("alice").orElseThrow().ntHash(),
            "show running-config reads back to the same hash");
        assertNull(ConfigLanguageTest.compile("username bob password secret-one\n").user("bob").orElseThrow()
            .ntHash(), "no NT hash without mschap");
    }

    @Test
    void shouldRefuseAnNtHashThatIsNotSixteenBytesOfHex()
    {
        final ConfigException bad = assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "username alice password " + PasswordHash.of("x") + " pbkdf2 nt-encrypted 12zz\n"));
        assertTrue(bad.getMessage().contains("32 hex digits"), bad.getMessage());
    }

    @Test
    void shouldEnableIkev2OnANamedInterfaceAndPrintIt() throws ConfigException
    {
        final String text = "crypto ikev2 enable outside client-services port 443\n";
        assertEquals("outside", ConfigLanguageTest.compile(text).globals().ikev2Interface());
        assertTrue(ConfigLanguageTest.render(text).contains("crypto ikev2 enable outside client-services port 443"),
            ConfigLanguageTest.render(text));
        assertNull(ConfigLanguageTest.compile("hostname h\n").globals().ikev2Interface());
    }

    private static final String ASA_RA = """
        crypto ipsec ikev2 ipsec-proposal GCM
         protocol esp encryption aes-gcm-256 aes-gcm
         protocol esp integrity null
        crypto ipsec ikev2 ipsec-proposal GCM128
         protocol esp encryption aes-gcm
        crypto dynamic-map DYN 10 set ikev2 ipsec-proposal GCM128 GCM
        crypto map OUTSIDE_MAP 65535 ipsec-isakmp dynamic DYN
        crypto map OUTSIDE_MAP interface outside
        crypto ikev2 policy 20
         encryption aes-256
         integrity sha512 sha256
         group 14
         lifetime seconds 3600
        crypto ikev2 policy 10
         encryption aes-gcm-256
         integrity null
         group 20 19
         prf sha384
        crypto ikev2 enable outside client-services port 443
        crypto ikev2 remote-access trustpoint VPN-TP
        """;

    @Test
    void shouldKeepIkePoliciesByPriorityAndTheirAlgorithmsAsTyped() throws ConfigException
    {
        final Ikev2Config ikev2 = ConfigLanguageTest.compile(ASA_RA).globals().ikev2();
        assertEquals(2, ikev2.policies().size());
        final Ikev2Config.IkePolicy first = ikev2.policies().get(0);
        assertEquals(10, first.priority(), "the lowest priority number is the most preferred");
        assertEquals(java.util.List.of("aes-gcm-256"), first.encryption());
        assertEquals(java.util.List.of(20, 19), first.groups());
        assertEquals(java.util.List.of("sha384"), first.prf());
        assertEquals(Ikev2Config.DEFAULT_LIFETIME_SECONDS, first.lifetimeSeconds());
        assertEquals(java.util.List.of("sha512", "sha256"), ikev2.policies().get(1).integrity());
        assertEquals(3600, ikev2.policies().get(1).lifetimeSeconds());
        assertEquals("VPN-TP", ikev2.remoteAccessTrustpoint());
    }

    @Test
    void shouldGiveTheInterfacesProposalsThroughItsCryptoMapInDynamicMapOrder() throws ConfigException
    {
        final Ikev2Config ikev2 = ConfigLanguageTest.compile(ASA_RA).globals().ikev2();
        assertEquals(java.util.List.of("GCM128", "GCM"), ikev2.espProposals("outside").stream()
            .map(Ikev2Config.IpsecProposal::name).toList());
        assertEquals(java.util.List.of("aes-gcm-256", "aes-gcm"), ikev2.proposals().get("GCM").espEncryption());
        assertNull(ikev2.espProposals("inside"), "no crypto map on inside: the responder's defaults");
        final Ikev2Config dangling = ConfigLanguageTest.compile(
            "crypto dynamic-map DYN 10 set ikev2 ipsec-proposal NOPE\ncrypto map M 1 ipsec-isakmp dynamic DYN\n"
            + "crypto map M interface outside\n").globals().ikev2();
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> dangling.espProposals("outside"));
        assertTrue(missing.getMessage().contains("no crypto ipsec ikev2 ipsec-proposal NOPE"), missing.getMessage());
    }

    @Test
    void shouldPrintTheIkev2LinesBackSoThatTheyReadBackTheSame() throws ConfigException
    {
        final String running = ConfigLanguageTest.render(ASA_RA);
        for (final String line : ASA_RA.split("\n"))
        {
            if (!line.contains("integrity null") || line.startsWith(" protocol"))
            {
                assertTrue(running.contains(line.startsWith(" ") ? line.strip() : line), line + "\n" + running);
            }
        }
        assertEquals(ConfigLanguageTest.compile(ASA_RA).globals().ikev2(),
            ConfigLanguageTest.compile(running).globals().ikev2());
    }

    @Test
    void shouldPrintIkePoliciesInPriorityOrderTogetherWhateverOrderTheyWereTypedIn() throws ConfigException
    {
        final String running = ConfigLanguageTest.render("""
            crypto ikev2 policy 30
             encryption aes-256
            crypto ikev2 remote-access trustpoint VPN-TP
            crypto ikev2 policy 5
             encryption aes-gcm-256
            crypto ikev2 policy 65535
             encryption aes
            crypto ikev2 policy 10
             encryption aes-gcm
            crypto ikev2 policy 30
             group 19
            """);
        final java.util.List<String> policies = running.lines().filter(l -> l.startsWith("crypto ikev2 policy"))
            .toList();
        assertEquals(java.util.List.of("crypto ikev2 policy 5", "crypto ikev2 policy 10", "crypto ikev2 policy 30",
            "crypto ikev2 policy 65535"), policies, running);
        final int first = running.indexOf("crypto ikev2 policy 5");
        final int last = running.indexOf("crypto ikev2 policy 65535");
        assertFalse(running.substring(first, last).contains("remote-access trustpoint"),
            "the policies print as one block, as on the ASA:\n" + running);
        assertTrue(running.contains("crypto ikev2 policy 30\n encryption aes-256\n group 19\n"),
            "a policy's lines stay under it:\n" + running);
    }

    @Test
    void shouldKeepSetPfsPerDynamicMapEntryAndGiveTheInterfaceItsGroup() throws ConfigException
    {
        final String text = ASA_RA + "crypto dynamic-map DYN 10 set pfs group19\n";
        final Ikev2Config ikev2 = ConfigLanguageTest.compile(text).globals().ikev2();
        assertEquals(19, ikev2.pfsGroup("outside"));
        assertEquals(0, ikev2.pfsGroup("inside"), "no crypto map there");
        assertEquals(0, ConfigLanguageTest.compile(ASA_RA).globals().ikev2().pfsGroup("outside"), "no set pfs");
        final String running = ConfigLanguageTest.render(text);
        assertTrue(running.contains("crypto dynamic-map DYN 10 set pfs group19\n"), running);
        assertTrue(running.contains("crypto dynamic-map DYN 10 set ikev2 ipsec-proposal GCM128 GCM\n"),
            "both lines of the entry are kept:\n" + running);
        assertEquals(ikev2, ConfigLanguageTest.compile(running).globals().ikev2(), "reads back the same");
        assertEquals(Ikev2Config.DEFAULT_PFS_GROUP, ConfigLanguageTest.compile(ASA_RA
            + "crypto dynamic-map DYN 10 set pfs\n").globals().ikev2().pfsGroup("outside"), "set pfs alone: group 14");
        final ConfigException weak = assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(
            "crypto dynamic-map DYN 10 set pfs group2\n"));
        assertTrue(weak.getMessage().contains("set pfs group2 is not supported here (supported: group14, group19, "
            + "group20, group21)"), weak.getMessage());
        final Ikev2Config two = ConfigLanguageTest.compile(ASA_RA + "crypto dynamic-map DYN 10 set pfs group19\n"
            + "crypto dynamic-map DYN2 5 set ikev2 ipsec-proposal GCM\ncrypto dynamic-map DYN2 5 set pfs group20\n"
            + "crypto map OUTSIDE_MAP 100 ipsec-isakmp dynamic DYN2\n").globals().ikev2();
        final IllegalArgumentException clash = assertThrows(IllegalArgumentException.class,
            () -> two.pfsGroup("outside"));
        assertTrue(clash.getMessage().contains("crypto dynamic-map DYN 10 set pfs group19")
            && clash.getMessage().contains("already asks for group 20"), clash.getMessage());
    }

    @Test
    void shouldFragmentAtTheAsaDefaultOf576BytesUnlessTheMtuIsSet() throws ConfigException
    {
        assertEquals(576, ConfigLanguageTest.compile(ASA_RA).globals().ikev2().fragmentationMtu());
        assertEquals(576, Ikev2Config.NONE.fragmentationMtu());
        final String text = "crypto ikev2 fragmentation mtu 1280\n";
        assertEquals(1280, ConfigLanguageTest.compile(text).globals().ikev2().fragmentationMtu());
        assertTrue(ConfigLanguageTest.render(text).contains("crypto ikev2 fragmentation mtu 1280\n"),
            ConfigLanguageTest.render(text));
        assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile("crypto ikev2 fragmentation mtu 400\n"),
            "below 576, the IPv4 datagram every host takes");
    }

    @Test
    void shouldTurnFragmentationOffWithItsNoFormAndPrintThatAsTheAsaDoes() throws ConfigException
    {
        assertTrue(ConfigLanguageTest.compile(ASA_RA).globals().ikev2().fragmentation(), "on by default");
        final String off = "crypto ikev2 fragmentation mtu 1280\nno crypto ikev2 fragmentation\n";
        assertFalse(ConfigLanguageTest.compile(off).globals().ikev2().fragmentation());
        assertEquals(1280, ConfigLanguageTest.compile(off).globals().ikev2().fragmentationMtu(), "the MTU is kept");
        final String shown = ConfigLanguageTest.render(off);
        assertTrue(shown.contains("crypto ikev2 fragmentation mtu 1280\nno crypto ikev2 fragmentation\n"), shown);
        assertFalse(ConfigLanguageTest.compile(shown).globals().ikev2().fragmentation(), "the running-config reloads");
        final String onAgain = off + "crypto ikev2 fragmentation\n";
        assertTrue(ConfigLanguageTest.compile(onAgain).globals().ikev2().fragmentation());
        assertFalse(ConfigLanguageTest.render(onAgain).contains("no crypto ikev2 fragmentation"),
            "turning it on again replaces the no line");

        final ConfigStore store = ConfigStore.embeddedDefault("unused-password");
        store.apply(ConfigCursor.TOP, "no crypto ikev2 fragmentation", "console", 1);
        assertTrue(store.runningConfig().contains("\nno crypto ikev2 fragmentation\n"), store.runningConfig());
        assertFalse(store.current().globals().ikev2().fragmentation(), "typed at the console too");
        store.apply(ConfigCursor.TOP, "crypto ikev2 fragmentation", "console", 2);
        assertTrue(store.current().globals().ikev2().fragmentation());
    }

    @Test
    void shouldRefuseAlgorithmsTheResponderOrTheUserSpaceEspCannotDo()
    {
        final String[][] refused = {
            {"crypto ikev2 policy 1\n encryption 3des\n", "encryption 3des is not supported here"},
            {"crypto ikev2 policy 1\n integrity sha\n", "integrity sha is not supported here"},
            {"crypto ikev2 policy 1\n group 5\n", "group 5 is not supported here"},
            {"crypto ikev2 policy 1\n prf md5\n", "prf md5 is not supported here"},
            {"crypto ipsec ikev2 ipsec-proposal P\n protocol esp encryption aes-256 aes-gcm-256\n",
                "protocol esp encryption aes-256 is not supported here (supported: aes-gcm, aes-gcm-256)"},
            {"crypto ipsec ikev2 ipsec-proposal P\n protocol esp integrity sha-256\n",
                "protocol esp integrity sha-256 is not supported here (supported: null)"},
            {"crypto ikev2 policy 1\n group 20 20\n", "20 is given twice"},
        };
        for (final String[] bad : refused)
        {
            final ConfigException error = assertThrows(ConfigException.class, () -> ConfigLanguageTest.compile(bad[0]),
                bad[0]);
            assertTrue(error.getMessage().contains(bad[1]), error.getMessage());
        }
    }
}
