package org.headend.control.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.headend.control.auth.ClientDelivery;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.HeadendConfig;
import org.headend.control.flash.FlashStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packages, profiles, custom attributes and translation tables as the clients get them. */
class ClientFilesTest
{
    @TempDir
    Path state;

    static byte[] zip(final Map<String, String> entries) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes))
        {
            for (final Map.Entry<String, String> e : entries.entrySet())
            {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void shouldReadOurManifestAndCiscoNamesAndRefuseAnythingElse() throws Exception
    {
        final ClientPackage ours = ClientPackage.read("x.pkg", zip(Map.of(ClientPackage.MANIFEST,
            "platform=linux-64\nversion=5.1.2.42\ninstaller=binaries/setup.sh\nmodule.dart=binaries/dart.sh\n",
            "binaries/setup.sh", "#!/bin/sh\n", "binaries/dart.sh", "x")));
        assertEquals("linux-64", ours.platform());
        assertEquals("5,1,2,42", ours.commaVersion());
        assertEquals(Map.of("dart", "binaries/dart.sh"), ours.modules());
        final ClientPackage cisco = ClientPackage.read("anyconnect-win-4.10.08029-webdeploy-k9.pkg", zip(Map.of(
            "binaries/anyconnect-win-4.10.08029-core-vpn-webdeploy-k9.msi", "msi")));
        assertEquals("win", cisco.platform());
        assertEquals("4.10.08029", cisco.version());
        assertEquals("binaries/anyconnect-win-4.10.08029-core-vpn-webdeploy-k9.msi", cisco.installer());
        assertThrows(IOException.class, () -> ClientPackage.read("a.pkg", "not a zip".getBytes()));
        assertThrows(IOException.class, () -> ClientPackage.read("a.pkg", zip(Map.of("binaries/x", "y"))));
        assertThrows(IOException.class, () -> ClientPackage.read("anyconnect-win-4.10.08029-webdeploy-k9.pkg",
            zip(Map.of("../../etc/passwd", "y"))));
        final byte[] truncated = zip(Map.of(ClientPackage.MANIFEST, "platform=win\nversion=1.2.3\n"));
        assertThrows(IOException.class, () -> ClientPackage.read("a.pkg",
            java.util.Arrays.copyOf(truncated, truncated.length / 2)));
    }

    @Test
    void shouldDeliverTheSlotProfilesAndCustomAttributesOfThePolicy() throws Exception
    {
        final FlashStore flash = FlashStore.inStateDir(state);
        Files.write(flash.root().resolve("win.pkg"), zip(Map.of(ClientPackage.MANIFEST,
            "platform=win\nversion=4.10.08029\ninstaller=binaries/core.msi\n", "binaries/core.msi", "MSI")));
        Files.write(flash.root().resolve("lin.pkg"), zip(Map.of(ClientPackage.MANIFEST,
            "platform=linux-64\nversion=4.10.08029\ninstaller=binaries/core.sh\n", "binaries/core.sh", "SH")));
        final String profile = "<?xml version=\"1.0\"?><AnyConnectProfile><ServerList/></AnyConnectProfile>\n";
        Files.writeString(flash.root().resolve("sales.xml"), profile);
        final ConfigStore store = ConfigStore.embeddedDefault("pw-123");
        store.replace("""
            group-policy GP internal
            group-policy GP attributes
             anyconnect-custom DeferredUpdateAllowed value def-allowed
             anyconnect-custom DeferredUpdateDismissTimeout value def-timeout
             anyconnect-custom Unknown value nothing
             webvpn
              anyconnect profiles value sales type vpn
            tunnel-group DefaultWEBVPNGroup general-attributes
             default-group-policy GP
            anyconnect-custom-data DeferredUpdateAllowed def-allowed true
            anyconnect-custom-data DeferredUpdateDismissTimeout def-timeout 1
            anyconnect-custom-data DeferredUpdateDismissTimeout def-timeout 50
            webvpn
             anyconnect image disk0:/lin.pkg 2
             anyconnect image disk0:/win.pkg 1
             anyconnect profiles sales disk0:/sales.xml
             anyconnect-custom-attr DeferredUpdateAllowed description Deferred updates
             anyconnect-custom-attr DeferredUpdateDismissTimeout
             anyconnect enable
            """, "test");
        final HeadendConfig cfg = store.current();
        final ClientFiles files = new ClientFiles(flash);
        files.apply(cfg);
        assertEquals(2, files.slots().size());
        assertEquals("win", files.slot(1).pkg().platform(), "lowest order first");
        final ClientDelivery.Content win = files.forLogin(cfg, cfg.effectivePolicy(null, null), "win",
            "AnyConnect Windows 4.10.06079");
        assertEquals("/CACHE/stc/1", win.basePackageUri());
        assertTrue(win.vpnClientOpaque().contains("<pkgversion>4,10,08029</pkgversion>"), win.vpnClientOpaque());
        assertTrue(win.vpnClientOpaque().contains("<uri>binaries/core.msi</uri>"));
        assertTrue(win.vpnClientOpaque().contains("<DeferredUpdateAllowed><![CDATA[true]]></DeferredUpdateAllowed>"));
        assertTrue(win.vpnClientOpaque().contains(
            "<DeferredUpdateDismissTimeout><![CDATA[150]]></DeferredUpdateDismissTimeout>"), "lines concatenated");
        assertFalse(win.vpnClientOpaque().contains("Unknown"));
        final String sha1 = ClientFiles.hex(ClientFiles.digest("SHA-1", profile.getBytes(StandardCharsets.UTF_8)),
            true);
        assertTrue(win.profileManifest().contains("<uri>/CACHE/stc/profiles/sales.xml</uri>"));
        assertTrue(win.profileManifest().contains("<hash type=\"sha1\">" + sha1 + "</hash>"));
        assertEquals("&fu:profiles/sales.xml&fh:" + sha1, win.webvpncHints());
        final ClientDelivery.Content oc = files.forLogin(cfg, cfg.effectivePolicy(null, null), "linux-64",
            "AnyConnect-compatible OpenConnect VPN Agent v9.12");
        assertNull(oc.basePackageUri(), "openconnect never installs packages");
        assertEquals(2, files.slotFor("linux-64").number());

        final String changed = profile.replace("<ServerList/>", "<ServerList><HostEntry/></ServerList>");
        Files.writeString(flash.root().resolve("sales.xml"), changed);
        Files.setLastModifiedTime(flash.root().resolve("sales.xml"),
            java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertEquals(changed, new String(files.profile("sales").bytes(), StandardCharsets.UTF_8), "follows the file");
        Files.writeString(flash.root().resolve("sales.xml"), "<broken");
        Files.setLastModifiedTime(flash.root().resolve("sales.xml"),
            java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 9000));
        assertEquals(changed, new String(files.profile("sales").bytes(), StandardCharsets.UTF_8), "keeps the good one");
    }

    @Test
    void shouldRefuseBadCustomDataAndProfilesWithEntities() throws Exception
    {
        final ConfigStore store = ConfigStore.embeddedDefault("pw-123");
        for (final String line : new String[] {"anyconnect-custom-data DeferredUpdateDismissTimeout t 301",
            "anyconnect-custom-data DeferredUpdateDismissResponse r later",
            "anyconnect-custom-data DeferredUpdateMinimumVersion v 4.10", "anyconnect-custom-data DeferredUpdateAllowed a TRUE"})
        {
            assertThrows(org.headend.control.config.ConfigException.class, () -> store.replace(line + "\n", "t"), line);
        }
        assertNull(ProfileXml.problem("<a><b/></a>".getBytes()));
        assertNotNull(ProfileXml.problem("<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>".getBytes()));
        assertNotNull(ProfileXml.problem("<a><b></a>".getBytes()));
    }

    @Test
    void shouldRoundTripAPoTableAndRefuseABrokenOne() throws Exception
    {
        final Translations tables = Translations.inStateDir(state);
        final String template = new String(tables.export("AnyConnect", null), StandardCharsets.UTF_8);
        assertTrue(template.contains("msgid \"Connected\"\nmsgstr \"\""));
        tables.importTable("AnyConnect", "es-us", template.replace("msgid \"Connected\"\nmsgstr \"\"",
            "msgid \"Connected\"\nmsgstr \"Conectado\"").getBytes(StandardCharsets.UTF_8));
        assertEquals("Conectado", tables.translate("es-us", "AnyConnect", "Connected"));
        assertEquals(Map.of("es-us", java.util.List.of("AnyConnect")), tables.imported());
        assertEquals("es-us", Translations.inStateDir(state).pick("fr;q=0.9, es-US, en", "AnyConnect"),
            "kept across restarts");
        final byte[] mo = tables.mo("AnyConnect", "es-us");
        assertEquals((byte)0xde, mo[0]);
        assertTrue(new String(mo, StandardCharsets.UTF_8).contains("Conectado"));
        assertThrows(IllegalArgumentException.class, () -> tables.importTable("AnyConnect", "fr",
            "msgstr \"x without its msgid\"\n".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> tables.importTable("AnyConnect", "fr",
            new byte[] {(byte)0xff, (byte)0xfe}));
        assertTrue(tables.revert("AnyConnect", "es-us"));
        assertEquals(Map.of(), tables.imported());
        assertNull(Translations.language("../etc"));
    }

    @Test
    void shouldServeOnlyNormalFormPaths()
    {
        for (final String path : new String[] {"/+CSCOE+/../../etc/passwd", "/..;/", "/a//b", "/a\\b", "/%2e%2e/x",
            "/CACHE/stc/1/../../x", "/a;b", "/\u00e9"})
        {
            assertFalse(Portal.normalForm(path), path);
        }
        assertTrue(Portal.normalForm("/CACHE/stc/1/binaries/update.txt"));
        assertNull(Portal.query("textdomain=AnyConnect&lang=../", Set.of("textdomain", "lang")));
        assertNull(Portal.query("textdomain=/%2bCSCOE%2b/portal_inc.lua", Set.of("textdomain")));
        assertNull(Portal.query("x=1", Set.of("textdomain")));
        assertEquals(new LinkedHashMap<>(Map.of("lang", "es-us")), Portal.query("lang=es-us", Set.of("lang")));
    }
}
