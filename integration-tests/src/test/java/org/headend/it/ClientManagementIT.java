package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Client management end to end (issue 6): packages and profiles brought to disk0: by copy, http and scp and
 * configured on the console; openconnect's --authgroup landing in the picked tunnel-group (its pool and its
 * group-policy) and a group-locked user refused; the complete document carrying the core manifest, the custom
 * attributes and the profile manifest exactly as configured (raw client and openconnect's own dump, with its -x
 * profile download checking the SHA-1); downloads returning the configured bytes and nothing else reachable
 * (bad-inputs 1–3); a translation table's round trip.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClientManagementIT
{
    private static final String ENG_POOL = "192.168.110.";
    /** A Network Access Manager service profile (its content is the client's business; the headend passes it on). */
    private static final String WIRED = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<nam:NetworkAccessManager "
        + "xmlns:nam=\"http://www.cisco.com/nam\"><nam:Networks/></nam:NetworkAccessManager>\n";
    private static Testbed bed;
    private static byte[] windowsPackage;
    private static String host;

    @BeforeAll
    static void start() throws Exception
    {
        bed = Testbed.start(1, c -> c
            .extraLine(" tunnel-group-list enable")
            .extraLine(" anyconnect-custom-attr DeferredUpdateAllowed description Deferred updates allowed")
            .extraLine(" anyconnect-custom-attr DeferredUpdateDismissTimeout")
            .extraLine(" anyconnect-custom-attr DeferredUpdateDismissResponse")
            .extraLine("ip local pool ENG 192.168.110.10-192.168.110.250 mask 255.255.255.0")
            .extraLine("anyconnect-custom-data DeferredUpdateAllowed def-allowed true")
            .extraLine("anyconnect-custom-data DeferredUpdateDismissTimeout def-timeout 1")
            .extraLine("anyconnect-custom-data DeferredUpdateDismissTimeout def-timeout 50")
            .extraLine("anyconnect-custom-data DeferredUpdateDismissResponse def-response defer")
            .extraLine("group-policy ENG-GP internal")
            .extraLine("group-policy ENG-GP attributes")
            .extraLine(" vpn-tunnel-protocol ssl-client")
            .extraLine(" dns-server value 192.168.110.1")
            .extraLine(" default-domain value eng.example.com")
            .extraLine(" anyconnect-custom DeferredUpdateAllowed value def-allowed")
            .extraLine(" anyconnect-custom DeferredUpdateDismissTimeout value def-timeout")
            .extraLine(" anyconnect-custom DeferredUpdateDismissResponse value def-response")
            .extraLine("tunnel-group STAFF type remote-access")
            .extraLine("tunnel-group STAFF general-attributes")
            .extraLine(" address-pool POOL")
            .extraLine(" default-group-policy GP")
            .extraLine("tunnel-group STAFF webvpn-attributes")
            .extraLine(" group-alias Staff enable")
            .extraLine("tunnel-group ENG type remote-access")
            .extraLine("tunnel-group ENG general-attributes")
            .extraLine(" address-pool ENG")
            .extraLine(" default-group-policy ENG-GP")
            .extraLine("tunnel-group ENG webvpn-attributes")
            .extraLine(" group-alias Engineering enable")
            .extraLine("username carol password carol-secret")
            .extraLine("username carol attributes")
            .extraLine(" group-lock value STAFF")
            .extraLine("username admin password admin-secret privilege 15")
            .extraLine("aaa authentication ssh console LOCAL")
            .extraLine("ssh 10.77.0.0 255.255.255.0 outside")
            .extraLine("ssh scopy enable"));
        host = Netns.SERVER_ADDRESS;
        windowsPackage = ClientFixtures.windowsPackage();
        final Path win = ClientFixtures.scratchFile(ClientFixtures.WIN_PACKAGE, windowsPackage);
        final Path profile = ClientFixtures.scratchFile("eng.xml", ClientFixtures.PROFILE.getBytes(StandardCharsets.UTF_8));
        final HeadendProcess headend = bed.headend();
        assertTrue(headend.console("copy " + win + " disk0:/" + ClientFixtures.WIN_PACKAGE).contains("bytes copied"));
        assertTrue(headend.console("copy " + profile + " disk0:/eng.xml").contains("bytes copied"));
        final Path wired = ClientFixtures.scratchFile("wired.xml", WIRED.getBytes(StandardCharsets.UTF_8));
        assertTrue(headend.console("copy " + wired + " disk0:/wired.xml").contains("bytes copied"));
        configure("webvpn", " anyconnect image disk0:/" + ClientFixtures.WIN_PACKAGE + " 1",
            " anyconnect profiles eng disk0:/eng.xml", " anyconnect profiles wired disk0:/wired.xml",
            "group-policy ENG-GP attributes", " webvpn", "  anyconnect profiles value wired type nam",
            "  anyconnect profiles value eng type vpn", "  anyconnect modules value dart,vpngina");
    }

    private static void configure(final String... lines)
    {
        final HeadendProcess headend = bed.headend();
        headend.console("configure terminal");
        final StringBuilder out = new StringBuilder();
        for (final String line : lines)
        {
            out.append(headend.console(line.strip()));
        }
        headend.console("end");
        assertFalse(out.toString().contains("ERROR"), out.toString());
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
    void shouldLandAuthgroupInThatTunnelGroupWithItsPoolAndPolicy()
    {
        try (OpenconnectClient client = new OpenconnectClient(bed.net().client(1), bed.headend().url(),
            bed.headend().pin(), "demo", false, List.of("--authgroup=Engineering")))
        {
            client.startWithPassword("demo-secret");
            final String address = client.awaitConfigured(Duration.ofSeconds(30));
            assertTrue(address.startsWith(ENG_POOL), "address from pool ENG: " + address);
            final Map<String, String> env = client.awaitScriptCall("connect", 1, Duration.ofSeconds(10));
            assertEquals("eng.example.com", env.get("CISCO_DEF_DOMAIN"), "ENG-GP's default-domain: " + env);
            final String sessions = bed.headend().console("show vpn-sessiondb anyconnect");
            assertTrue(sessions.contains("ENG-GP") && sessions.matches("(?s).*Tunnel Group\\s*:\\s*ENG\\b.*"),
                sessions);
        }
    }

    @Test
    void shouldRefuseAGroupTheUserIsLockedOutOfAndAnUnknownAlias()
    {
        try (OpenconnectClient client = new OpenconnectClient(bed.net().client(1), bed.headend().url(),
            bed.headend().pin(), "carol", false, List.of("--authgroup=Engineering", "--non-inter")))
        {
            client.startWithPassword("carol-secret");
            final Integer code = client.waitForExit(Duration.ofSeconds(30));
            assertNotNull(code, client.process().tails(40));
            assertNotEquals(0, code.intValue());
            client.process().waitFor("You are not permitted to use this group", Duration.ofSeconds(2));
        }
        final ClientFixtures.ProbeResult unknown = ClientFixtures.probe(bed.net().client(1), host, 443,
            "init win NoSuchGroup", "init win ENG");
        for (final ClientFixtures.Step step : unknown.steps())
        {
            assertTrue(step.text().contains("is not available.") && step.text().contains(
                "<tunnel-group>DefaultWEBVPNGroup</tunnel-group>"), step.text());
            assertTrue(step.text().contains("<option>Staff</option>") && step.text().contains("Engineering"));
        }
        assertTrue(bed.headend().sessions().isEmpty() || bed.headend().sessions().stream()
            .noneMatch(s -> s.username().equals("carol")));
    }

    @Test
    void shouldCarryTheManifestsAndCustomAttributesAndServeExactlyTheConfiguredFiles() throws Exception
    {
        final String profileSha1 = ClientFixtures.sha1(ClientFixtures.PROFILE.getBytes(StandardCharsets.UTF_8));
        final List<String> script = new ArrayList<>(List.of("ua AnyConnect Windows 4.10.06079",
            "login demo demo-secret win Engineering",
            "get /CACHE/stc/profiles/eng.xml",
            "getanon /CACHE/stc/profiles/eng.xml",
            "getanon /CACHE/stc/1/" + ClientFixtures.WIN_INSTALLER,
            "getanon /CACHE/stc/1/binaries/update.txt",
            "getanon /CACHE/stc/1/VPNManifest.xml",
            "getanon /CACHE/stc/2/binaries/update.txt"));
        final List<String> corpus = List.of("/+CSCOE+/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
            "/..%252f..%252fetc/passwd", "/..;/", "/\\..\\etc\\passwd",
            "/+CSCOT+/translation-table?type=mst&textdomain=/%2bCSCOE%2b/portal_inc.lua&lang=../",
            "/+CSCOT+/translation-table?textdomain=AnyConnect&type=po&lang=../../etc",
            "/profiles/../ocserv.conf", "/profiles/%00.xml", "/CACHE/stc/profiles/../../startup-config",
            "/CACHE/stc/1/../../../etc/passwd", "/CACHE/stc/1/binaries/%2e%2e/%2e%2e/x",
            "/CACHE/stc/profiles/eng.xml/../../eng.xml", "/disk0/eng.xml", "/CACHE/stc/1//binaries/update.txt");
        for (final String path : corpus)
        {
            script.add("get " + path);
        }
        final ClientFixtures.ProbeResult result = ClientFixtures.probe(bed.net().client(1), host, 443,
            script.toArray(String[]::new));
        final List<ClientFixtures.Step> steps = result.steps();
        final String complete = steps.get(0).text();
        assertNotNull(result.token(), result.output());
        assertTrue(complete.contains("<base-package-uri>/CACHE/stc/1</base-package-uri>"), complete);
        assertTrue(complete.contains("<pkgversion>4,10,08029</pkgversion>"), complete);
        assertTrue(complete.contains("<uri>" + ClientFixtures.WIN_INSTALLER + "</uri>"), complete);
        assertTrue(complete.contains("<custom-attr>\n"
            + "<DeferredUpdateAllowed><![CDATA[true]]></DeferredUpdateAllowed>\n"
            + "<DeferredUpdateDismissTimeout><![CDATA[150]]></DeferredUpdateDismissTimeout>\n"
            + "<DeferredUpdateDismissResponse><![CDATA[defer]]></DeferredUpdateDismissResponse>\n"
            + "</custom-attr>"), complete);
        assertTrue(complete.contains("<vpn-profile-manifest>\n<vpn rev=\"1.0\">\n"
            + "<file type=\"profile\" service-type=\"user\">\n<uri>/CACHE/stc/profiles/eng.xml</uri>\n"
            + "<hash type=\"sha1\">" + profileSha1 + "</hash>\n</file>\n"
            + "<file type=\"profile\" service-type=\"nam\">\n<uri>/CACHE/stc/profiles/wired.xml</uri>\n"
            + "<hash type=\"sha1\">" + ClientFixtures.sha1(WIRED.getBytes(StandardCharsets.UTF_8)) + "</hash>\n"
            + "</file>\n</vpn>\n</vpn-profile-manifest>"), complete);
        // the group's modules, found in the Cisco package by their installers' names (SBL is vpngina)
        assertTrue(complete.contains("module=\"dart\" os=\"win\">\n<uri>" + ClientFixtures.WIN_DART + "</uri>"), complete);
        assertTrue(complete.contains("module=\"vpngina\" os=\"win\">\n<uri>" + ClientFixtures.WIN_GINA + "</uri>\n"
            + "<display-name>Start Before Login</display-name>"), complete);
        assertEquals(200, steps.get(1).status());
        assertEquals(profileSha1, steps.get(1).sha1(), "the profile is served byte for byte");
        assertNotEquals(200, steps.get(2).status(), "profiles need the session cookie");
        assertEquals(200, steps.get(3).status());
        assertEquals(ClientFixtures.sha1(extract(windowsPackage, ClientFixtures.WIN_INSTALLER)), steps.get(3).sha1());
        assertEquals("4,10,08029\n", steps.get(4).text());
        assertTrue(steps.get(5).text().contains("version=\"4.10.08029\""), steps.get(5).text());
        assertEquals("0,0,0000\n", steps.get(6).text(), "a slot without a package");
        for (int i = 0; i < corpus.size(); i++)
        {
            final ClientFixtures.Step step = steps.get(7 + i);
            assertTrue(step.status() == 404 || step.status() == 400, corpus.get(i) + " -> " + step.status());
            assertFalse(step.text().contains("root:") || step.text().contains("AnyConnectProfile")
                || step.text().contains("hostname"), corpus.get(i));
        }
    }

    @Test
    void shouldShowTheSameCompleteToOpenconnectWhichChecksTheProfileHash() throws Exception
    {
        final Path dir = Harness.tempDir("oc-x-");
        final Path saved = dir.resolve("profile.xml");
        final List<String> argv = Netns.in(bed.net().client(1), "openconnect", "--protocol=anyconnect",
            "--servercert", bed.headend().pin(), "--useragent=AnyConnect Windows 4.10.06079", "--os=win",
            "--authgroup=Engineering", "--dump-http-traffic", "-x", saved.toString(), "--authenticate",
            "--passwd-on-stdin", "--user", "demo", "--non-inter", bed.headend().url());
        try (ManagedProcess oc = ManagedProcess.start("openconnect-x", argv, dir, null))
        {
            oc.writeLine("demo-secret");
            oc.closeStdin();
            assertEquals(0, oc.waitForExit(Duration.ofSeconds(40)), oc.tails(80));
            oc.out().awaitClosed(Duration.ofSeconds(2));
            oc.err().awaitClosed(Duration.ofSeconds(2));
            final String all = oc.out().text() + oc.err().text();
            assertTrue(all.contains("<vpn-profile-manifest>") && all.contains("<custom-attr>")
                && all.contains("<vpn-core-manifest>"), all);
            assertTrue(all.contains("<DeferredUpdateDismissTimeout><![CDATA[150]]>"), all);
        }
        assertEquals(ClientFixtures.PROFILE, Files.readString(saved), "openconnect saved the profile it verified");
    }

    @Test
    void shouldRoundTripATranslationTable() throws Exception
    {
        final HeadendProcess headend = bed.headend();
        assertTrue(headend.console("export webvpn translation-table AnyConnect template disk0:/ac.po")
            .contains("bytes copied"));
        final Path disk0 = headend.stateDir().resolve("disk0");
        final String template = Files.readString(disk0.resolve("ac.po"));
        assertTrue(template.contains("msgid \"Connected\"\nmsgstr \"\""), template);
        Files.writeString(disk0.resolve("ac-es.po"), template.replace("msgid \"Connected\"\nmsgstr \"\"",
            "msgid \"Connected\"\nmsgstr \"Conectado\""));
        assertTrue(headend.console("import webvpn translation-table AnyConnect language es-us disk0:/ac-es.po")
            .contains("bytes copied"));
        Files.writeString(disk0.resolve("bad.po"), "msgid \"Connected\"\nmsgstr \"x\"\nmsgstr \"y\"\n");
        final String bad = headend.console("import webvpn translation-table AnyConnect language fr disk0:/bad.po");
        assertTrue(bad.contains("not imported") && bad.contains("line 3"), bad);
        // a table in Cisco's form: references, flags, a plural, a multi-line message the template does not list
        Files.writeString(disk0.resolve("ja.po"), """
            # Japanese, exported from an ASA
            msgid ""
            msgstr ""
            "Content-Type: text/plain; charset=UTF-8\\n"
            "Plural-Forms: nplurals=1; plural=0;\\n"

            #: C:\\build\\vpn\\Api\\AgentIfc.cpp:23
            msgid "Connected"
            msgstr "接続済み"

            #, c-format
            msgid "%d minute remaining"
            msgid_plural "%d minutes remaining"
            msgstr[0] "残り %d 分"

            msgid ""
            "A message of a newer client.\\n"
            "On two lines."
            msgstr ""
            "新しいクライアントのメッセージ。\\n"
            "二行です。"
            """);
        assertTrue(headend.console("import webvpn translation-table AnyConnect language ja disk0:/ja.po")
            .contains("bytes copied"));
        final ClientFixtures.ProbeResult japanese = ClientFixtures.probe(bed.net().client(1), host, 443,
            "getanon /+CSCOT+/translation-table?textdomain=AnyConnect&type=po&lang=ja");
        assertTrue(japanese.steps().get(0).text().contains("msgid \"\"\n\"A message of a newer client.\\n\"\n"
            + "\"On two lines.\"\nmsgstr \"\"\n\"新しいクライアントのメッセージ。\\n\"\n\"二行です。\"\n"),
            japanese.steps().get(0).text());
        assertTrue(japanese.steps().get(0).text().contains("msgstr[0] \"残り %d 分\""));
        headend.console("revert webvpn translation-table AnyConnect language ja");
        final String shown = headend.console("show import webvpn translation-table");
        assertTrue(shown.matches("(?s).*Translation Tables:\\s+es-us\\s+AnyConnect\\s*$"), shown);
        final String po = "/+CSCOT+/translation-table?textdomain=AnyConnect&type=po&lang=es-us";
        ClientFixtures.ProbeResult served = ClientFixtures.probe(bed.net().client(1), host, 443,
            "getanon " + po, "getanon /+CSCOT+/translation-table?textdomain=AnyConnect&type=manifest");
        assertEquals(200, served.steps().get(0).status());
        assertTrue(served.steps().get(0).text().contains("msgstr \"Conectado\""));
        assertTrue(served.steps().get(1).text().contains("lang=\"es-us\""), served.steps().get(1).text());
        headend.console("revert webvpn translation-table anyconnect language es-us");
        served = ClientFixtures.probe(bed.net().client(1), host, 443, "getanon " + po);
        assertEquals(404, served.steps().get(0).status());
        assertFalse(headend.console("show import webvpn translation-table").contains("es-us"));
    }

    @Test
    void shouldCopyByHttpAndScpAndRefuseFilesThatAreNotPackages() throws Exception
    {
        final HeadendProcess headend = bed.headend();
        final byte[] linux = ClientFixtures.linuxPackage();
        final Path served = ClientFixtures.scratchFile("lin.pkg", linux);
        final String client = bed.net().client(1);
        try (ManagedProcess web = ManagedProcess.start("http-server", Netns.in(client,
            Path.of(Harness.javaBinary()).resolveSibling("jwebserver").toString(), "-b", Netns.clientAddress(1), "-p",
            "8099", "-d", served.getParent().toString()), null, null))
        {
            NetTools.awaitTcp(bed.net().server(), Netns.clientAddress(1), 8099, Duration.ofSeconds(20));
            final String copied = headend.console("copy http://" + Netns.clientAddress(1) + ":8099/lin.pkg disk0:/lin.pkg");
            assertTrue(copied.contains(linux.length + " bytes copied"), copied);
        }
        assertTrue(java.util.Arrays.equals(linux, Files.readAllBytes(headend.stateDir().resolve("disk0/lin.pkg"))));
        SshCli.prerequisites();
        final Path notAPackage = ClientFixtures.scratchFile("notes.pkg", "just text\n".getBytes(StandardCharsets.UTF_8));
        final Cmd.Result scp = Cmd.run(Duration.ofSeconds(40), Netns.in(client, "sshpass", "-p", "admin-secret", "scp",
            "-O", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
            notAPackage.toString(), "admin@" + host + ":disk0:/notes.pkg"));
        assertTrue(scp.ok(), scp.output());
        assertTrue(headend.console("dir disk0:/").contains("notes.pkg"));
        final Cmd.Result refused = Cmd.run(Duration.ofSeconds(40), Netns.in(client, "sshpass", "-p", "demo-secret",
            "scp", "-O", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o",
            "LogLevel=ERROR", notAPackage.toString(), "demo@" + host + ":disk0:/x.pkg"));
        assertFalse(refused.ok(), "a user below privilege 15 may not copy");
        headend.console("configure terminal");
        headend.console("webvpn");
        final String bad = headend.console("anyconnect image disk0:/notes.pkg 3");
        final String traversal = headend.console("anyconnect image disk0:/../../etc/passwd.pkg 4");
        final String good = headend.console("anyconnect image disk0:/lin.pkg 2");
        headend.console("end");
        assertTrue(bad.contains("not a valid AnyConnect package"), bad);
        assertTrue(traversal.contains("ERROR"), traversal);
        assertFalse(good.contains("ERROR"), good);
        final String shown = headend.console("show webvpn anyconnect");
        assertTrue(shown.contains("4.10.08029 for win") && shown.contains("5.1.2 for linux-64"), shown);
        assertFalse(shown.contains("notes.pkg"), shown);
        final String profiles = headend.console("dir cache:/stc/profiles");
        assertTrue(profiles.contains("eng.xml") && profiles.contains(Integer.toString(ClientFixtures.PROFILE.length())),
            profiles);
    }

    private static byte[] extract(final byte[] zip, final String name) throws Exception
    {
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip)))
        {
            java.util.zip.ZipEntry entry;
            while ((entry = in.getNextEntry()) != null)
            {
                if (entry.getName().equals(name))
                {
                    return in.readAllBytes();
                }
            }
        }
        throw new AssertionError(name + " not in the package");
    }
}
