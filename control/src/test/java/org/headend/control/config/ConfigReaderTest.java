package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 1: the startup-config, {@code copy FILE running-config} and typed lines are one reader with the
 * CLI's semantics. The configuration examples of the seed (the deployment chapter has none of its own: its headend
 * side is ASDM, audited through the same commands) are fed as the seed prints them — one example per piece, each
 * repeating its mode headers — in many interleavings, and {@code show running-config} must come out as one canonical
 * text every time.
 */
class ConfigReaderTest
{
    private static final String HASH = PasswordHash.of("s3cret").stored();

    /**
     * What must exist before its attributes, as on the ASA: the objects whose print order is their creation order,
     * and the names the examples refer to.
     */
    private static final String DEFINITIONS = """
        hostname asa1
        interface eth0
         nameif outside
        interface eth1
         nameif inside
        ip local pool vpn_users 209.165.200.225-209.165.200.254 mask 255.255.255.224
        ipv6 local pool ipv6pool 2001:DB8:1:1::5/32 100
        group-policy sales internal
        group-policy telecommuters internal
        username lee password HASH pbkdf2 privilege 15
        tunnel-group telecommuters type remote-access
        tunnel-group YourTunGrp1 type remote-access
        """.replace("HASH", HASH);

    /**
     * The seed's examples (000_37b323a66eae9c29.txt, line of each in the comment), one piece each. Pieces of one
     * chain keep their order (a later one overrides an earlier one, or uses what it defines); chains interleave
     * freely. Where the seed's text cannot be typed as printed, the nearest valid line is used: interface names are
     * Linux names, the pool's mask is on the same line, the client DPD of the example (10 s) is outside the range the
     * seed itself gives (300 s, its recommendation, instead), {@code keep-installer installed none} is a typo.
     */
    private static final List<List<String>> CHAINS = List.of(
        List.of(
            // 80-84 images, then 88 anyconnect enable after them
            """
            webvpn
             anyconnect image anyconnect-win-2.3.0254-k9.pkg 1
             anyconnect image anyconnect-macosx-i386-2.3.0254-k9.pkg 2
             anyconnect image anyconnect-linux-2.3.0254-k9.pkg 3
            """,
            """
            webvpn
             anyconnect enable
            """),
        List.of(
            // 97, 206, 215, 222: the same interface enabled again, last with tls-only removed again
            """
            webvpn
             enable outside
            """,
            """
            webvpn
             enable outside tls-only
            """,
            """
            webvpn
             enable outside
             port 555
             dtls port 556
            """),
        List.of(
            // 123, 132
            """
            tunnel-group telecommuters general-attributes
             address-pool vpn_users
            """,
            """
            tunnel-group telecommuters general-attributes
             default-group-policy sales
            """),
        List.of(
            // 142
            """
            tunnel-group telecommuters webvpn-attributes
             group-alias sales_department enable
            """),
        List.of(
            // 153
            """
            webvpn
             tunnel-group-list enable
            """),
        List.of(
            // 164: typed under the group's webvpn, taken by the enclosing group-policy mode
            """
            group-policy sales attributes
             webvpn
              vpn-tunnel-protocol ssl-client
            """),
        List.of(
            // 182
            """
            group-policy sales attributes
             webvpn
              anyconnect keep-installer installed
            """),
        List.of(
            // 233, 241, 269
            """
            group-policy sales attributes
             webvpn
              anyconnect ssl dtls enable
            """,
            """
            group-policy sales attributes
             webvpn
              anyconnect dtls compression lzs
            """),
        List.of(
            """
            group-policy sales attributes
             webvpn
              anyconnect ask enable default anyconnect timeout 10
            """),
        List.of(
            // 298-300 profiles, 335 a group uses one, 476 the profile given again
            """
            webvpn
             anyconnect profiles sales disk0:/sales_hosts.xml
             anyconnect profiles engineering disk0:/engineering_hosts.xml
            """,
            """
            group-policy sales attributes
             webvpn
              anyconnect profiles value sales type vpn
            """,
            """
            webvpn
             anyconnect profiles sales disk0:/sales_hosts.xml
            """),
        List.of(
            // 370-372 attribute types, 384-386 their values, 401-404 a group uses them
            """
            webvpn
             anyconnect-custom-attr DeferredUpdateAllowed description Indicates if the deferred update feature is enabled or not
             anyconnect-custom-attr DeferredUpdateDismissTimeout
            """,
            """
            anyconnect-custom-data DeferredUpdateDismissTimeout def-timeout 150
            anyconnect-custom-data DeferredUpdateAllowed def-allowed true
            """,
            """
            group-policy sales attributes
             anyconnect-custom DeferredUpdateAllowed value def-allowed
             anyconnect-custom DeferredUpdateDismissTimeout value def-timeout
            """),
        List.of(
            // 449
            """
            group-policy telecommuters attributes
             webvpn
              anyconnect modules value vpngina
            """),
        List.of(
            // 679-682
            """
            group-policy sales attributes
             webvpn
              anyconnect ssl rekey method ssl
              anyconnect ssl rekey time 30
            """),
        List.of(
            // 701-711: the same attributes in a user's webvpn mode
            """
            username lee attributes
             vpn-group-policy sales
             webvpn
              anyconnect dpd-interval gateway 300
            """),
        List.of(
            // 737-740
            """
            group-policy sales attributes
             webvpn
              anyconnect dpd-interval gateway 30
              anyconnect dpd-interval client 300
            """),
        List.of(
            // 761
            """
            group-policy sales attributes
             webvpn
              anyconnect ssl keepalive 300
            """),
        List.of(
            // 783
            """
            no compression
            """),
        List.of(
            // 801-803: the no form of a line the group does not have removes nothing
            """
            group-policy sales attributes
             webvpn
              no anyconnect ssl compression none
            """),
        List.of(
            // 818, 825-827
            """
            group-policy telecommuters attributes
             webvpn
              anyconnect mtu 1200
              anyconnect ssl df-bit-ignore disable
            """),
        List.of(
            // 846-847, 859-876
            """
            interface eth0
             ipv6 enable
            """,
            """
            interface eth0
             nameif outside
             security-level 0
             ip address 192.168.0.1 255.255.255.0
             ipv6 enable
            """),
        List.of(
            """
            interface eth1
             nameif inside
             security-level 100
             ip address 10.10.0.1 255.255.0.0
             ipv6 address 2001:DB8::1/32
             ipv6 enable
            """),
        List.of(
            // 887-893: the IPv6 pool of a tunnel group, and the IPv4 pool it needs as well
            """
            tunnel-group YourTunGrp1 general-attributes
             ipv6-address-pool ipv6pool
            """,
            """
            tunnel-group YourTunGrp1 general-attributes
             address-pool vpn_users
            """),
        List.of(
            // 897
            """
            ipv6 route inside ::/0 2001:db8::fe tunneled
            """));

    /** What show running-config prints for every interleaving: one block per object, lines in canonical order. */
    private static final String CANONICAL = """
        : Saved
        :
        hostname asa1
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
        no compression
        !
        webvpn
         port 555
         dtls port 556
         enable outside
         anyconnect image disk0:/anyconnect-win-2.3.0254-k9.pkg 1
         anyconnect image disk0:/anyconnect-macosx-i386-2.3.0254-k9.pkg 2
         anyconnect image disk0:/anyconnect-linux-2.3.0254-k9.pkg 3
         anyconnect profiles sales disk0:/sales_hosts.xml
         anyconnect profiles engineering disk0:/engineering_hosts.xml
         anyconnect enable
         tunnel-group-list enable
         anyconnect-custom-attr DeferredUpdateAllowed description Indicates if the deferred update feature is enabled or not
         anyconnect-custom-attr DeferredUpdateDismissTimeout
        !
        anyconnect-custom-data DeferredUpdateDismissTimeout def-timeout 150
        anyconnect-custom-data DeferredUpdateAllowed def-allowed true
        !
        group-policy sales internal
        group-policy sales attributes
         vpn-tunnel-protocol ssl-client
         anyconnect-custom DeferredUpdateAllowed value def-allowed
         anyconnect-custom DeferredUpdateDismissTimeout value def-timeout
         webvpn
          anyconnect ssl dtls enable
          anyconnect keep-installer installed
          anyconnect ssl keepalive 300
          anyconnect ssl rekey time 30
          anyconnect ssl rekey method ssl
          anyconnect dpd-interval client 300
          anyconnect dpd-interval gateway 30
          anyconnect dtls compression lzs
          anyconnect profiles value sales type vpn
          anyconnect ask enable default anyconnect timeout 10
        group-policy telecommuters internal
        group-policy telecommuters attributes
         webvpn
          anyconnect mtu 1200
          anyconnect ssl df-bit-ignore disable
          anyconnect modules value vpngina
        !
        username lee password HASH pbkdf2 privilege 15
        username lee attributes
         vpn-group-policy sales
         webvpn
          anyconnect dpd-interval gateway 300
        !
        tunnel-group telecommuters type remote-access
        tunnel-group telecommuters general-attributes
         address-pool vpn_users
         default-group-policy sales
        tunnel-group telecommuters webvpn-attributes
         group-alias sales_department enable
        tunnel-group YourTunGrp1 type remote-access
        tunnel-group YourTunGrp1 general-attributes
         address-pool vpn_users
         ipv6-address-pool ipv6pool
        : end
        """.replace("HASH", HASH);

    @TempDir
    Path dir;

    @Test
    void shouldPrintOneCanonicalConfigurationWhateverOrderAndSplitTheSeedExamplesComeIn() throws Exception
    {
        for (int seed = 0; seed < 40; seed++)
        {
            final Random random = new Random(seed);
            final boolean lineByLine = seed % 2 == 1;
            final String text = DEFINITIONS + String.join("", interleave(random, lineByLine));
            final String why = "interleaving " + seed + ":\n" + text;

            final Path startup = dir.resolve("startup-" + seed);
            Files.writeString(startup, text);
            assertEquals(CANONICAL, ConfigStore.load(startup).runningConfig(), "startup-config, " + why);

            final ConfigStore copied = loaded("hostname asa1\n");
            copied.merge(text.getBytes(StandardCharsets.UTF_8), "disk0:/pieces.cfg");
            assertEquals(CANONICAL, copied.runningConfig(), "copy FILE running-config, " + why);

            final ConfigStore typed = loaded("hostname asa1\n");
            ConfigCursor cursor = ConfigCursor.TOP;
            int number = 0;
            for (final String line : text.split("\n"))
            {
                cursor = typed.apply(cursor, line, true, "console", ++number);
            }
            assertEquals(CANONICAL, typed.runningConfig(), "lines pasted at the CLI, " + why);
        }
    }

    @Test
    void shouldReadItsOwnOutputBackUnchanged() throws Exception
    {
        final Path file = dir.resolve("startup-config");
        Files.writeString(file, CANONICAL);
        assertEquals(CANONICAL, ConfigStore.load(file).runningConfig());
    }

    @Test
    void shouldReadIndentationAsTheBlockALineBelongsToButExitAsOneLevelUp() throws Exception
    {
        assertEquals("""
            webvpn
             tunnel-group-list enable
            !
            group-policy G internal
            group-policy G attributes
             dns-server value 10.0.0.1
             webvpn
              anyconnect mtu 1300
            """, ConfigLanguageTest.render("""
            group-policy G internal
            group-policy G attributes
             webvpn
              anyconnect mtu 1300
            exit
             dns-server value 10.0.0.1
             webvpn
            webvpn
             tunnel-group-list enable
            """));
    }

    @Test
    void shouldRemoveWithTheNoFormsWhicheverBlockTheyAreTypedIn() throws Exception
    {
        final ConfigStore store = loaded(CANONICAL);
        store.merge("""
            group-policy sales attributes
             webvpn
              no anyconnect dpd-interval
            webvpn
             no anyconnect image disk0:/anyconnect-linux-2.3.0254-k9.pkg
            group-policy sales attributes
             webvpn
              no anyconnect ssl rekey method
             no anyconnect-custom DeferredUpdateDismissTimeout
            username lee attributes
             webvpn
              no anyconnect dpd-interval gateway
            tunnel-group telecommuters webvpn-attributes
             no group-alias sales_department
            """.getBytes(StandardCharsets.UTF_8), "disk0:/no.cfg");
        final String expected = CANONICAL
            .replace("  anyconnect dpd-interval client 300\n  anyconnect dpd-interval gateway 30\n", "")
            .replace(" anyconnect image disk0:/anyconnect-linux-2.3.0254-k9.pkg 3\n", "")
            .replace("  anyconnect ssl rekey method ssl\n", "")
            .replace(" anyconnect-custom DeferredUpdateDismissTimeout value def-timeout\n", "")
            .replace(" webvpn\n  anyconnect dpd-interval gateway 300\n", "")
            .replace("tunnel-group telecommuters webvpn-attributes\n group-alias sales_department enable\n", "");
        assertEquals(expected, store.runningConfig());
        assertFalse(store.current().user("lee").orElseThrow().attributes().isSet(PolicyAttribute.DPD_GATEWAY),
            "the user's gateway DPD is no longer set");
    }

    @Test
    void shouldApplyAWholeFileOrNothingAndNameTheBadLine() throws Exception
    {
        final ConfigStore store = loaded(CANONICAL);
        final String bad = """
            hostname changed
            group-policy sales attributes
             webvpn
              anyconnect mtu 1300
            group-policy sales attributes
             webvpn
              anyconnect mtu 99
            """;
        final ConfigException copyError = assertThrows(ConfigException.class,
            () -> store.merge(bad.getBytes(StandardCharsets.UTF_8), "disk0:/bad.cfg"));
        assertEquals("disk0:/bad.cfg:7: 99 is out of range 576-1406", copyError.getMessage());
        assertEquals(CANONICAL, store.runningConfig(), "nothing of the file before its bad line was applied");

        final Path startup = dir.resolve("bad-startup");
        Files.writeString(startup, CANONICAL.replace(": end\n", "") + bad);
        final ConfigException startError = assertThrows(ConfigException.class, () -> ConfigStore.load(startup));
        final int badLine = CANONICAL.split("\n").length - 1 + 7;
        assertEquals(startup + ":" + badLine + ": 99 is out of range 576-1406", startError.getMessage());
    }

    private ConfigStore loaded(final String text) throws Exception
    {
        final Path file = Files.createTempFile(dir, "base", ".cfg");
        Files.writeString(file, text);
        return ConfigStore.load(file);
    }

    /** A random interleaving of the chains; each piece whole, or split into one line per piece with its headers. */
    private static List<String> interleave(final Random random, final boolean lineByLine)
    {
        final List<List<String>> queues = new ArrayList<>();
        for (final List<String> chain : CHAINS)
        {
            final List<String> pieces = new ArrayList<>();
            for (final String piece : chain)
            {
                pieces.addAll(lineByLine ? splitWithHeaders(piece) : List.of(piece));
            }
            queues.add(pieces);
        }
        final List<String> out = new ArrayList<>();
        while (!queues.isEmpty())
        {
            final int pick = random.nextInt(queues.size());
            out.add(queues.get(pick).removeFirst());
            if (queues.get(pick).isEmpty())
            {
                queues.remove(pick);
            }
        }
        return out;
    }

    /**
     * One piece per leaf line, each preceded by the header lines it sits under (a repeated header re-enters the
     * mode); the header lines themselves only when nothing is under them.
     */
    private static List<String> splitWithHeaders(final String piece)
    {
        final String[] lines = piece.split("\n");
        final List<String> out = new ArrayList<>();
        final List<String> headers = new ArrayList<>();
        for (int i = 0; i < lines.length; i++)
        {
            final int depth = indent(lines[i]);
            while (headers.size() > depth)
            {
                headers.removeLast();
            }
            final boolean hasChildren = i + 1 < lines.length && indent(lines[i + 1]) > depth;
            if (hasChildren)
            {
                headers.add(lines[i]);
            }
            else
            {
                out.add(String.join("\n", headers) + (headers.isEmpty() ? "" : "\n") + lines[i] + "\n");
            }
        }
        return out;
    }

    private static int indent(final String line)
    {
        return line.length() - line.stripLeading().length();
    }
}
