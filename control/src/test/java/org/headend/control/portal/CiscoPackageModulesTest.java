package org.headend.control.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.headend.control.auth.ClientDelivery;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.HeadendConfig;
import org.headend.control.flash.FlashStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Genuine Cisco web-deploy packages as the seed describes them (003:276-288, 446-458): the optional modules'
 * installers found by their names and offered under the {@code anyconnect modules} names (SBL is {@code vpngina});
 * service profiles of every type delivered next to the VPN profile; two packages for one OS flagged.
 */
class CiscoPackageModulesTest
{
    private static final String V = "4.10.08029";

    @TempDir
    Path state;

    private static byte[] windowsPackage() throws Exception
    {
        final Map<String, String> entries = new LinkedHashMap<>();
        entries.put("binaries/update.txt", "4,10,08029\n");
        for (final String module : new String[] {"core-vpn", "dart", "gina", "nam", "iseposture", "posture", "amp",
            "nvm", "umbrella"})
        {
            entries.put("binaries/anyconnect-win-" + V + "-" + module + "-webdeploy-k9.msi", module + " installer");
        }
        entries.put("binaries/anyconnect-win-" + V + "-websecurity-webdeploy-k9.exe", "websecurity installer");
        entries.put("binaries/anyconnect-win-" + V + "-dart-predeploy-k9.msi", "not a web-deploy installer");
        return ClientFilesTest.zip(entries);
    }

    @Test
    void shouldFindEveryModuleInstallerOfACiscoPackage() throws Exception
    {
        final ClientPackage win = ClientPackage.read("anyconnect-win-" + V + "-webdeploy-k9.pkg", windowsPackage());
        assertEquals(Map.of("dart", "binaries/anyconnect-win-" + V + "-dart-webdeploy-k9.msi",
            "vpngina", "binaries/anyconnect-win-" + V + "-gina-webdeploy-k9.msi",
            "nam", "binaries/anyconnect-win-" + V + "-nam-webdeploy-k9.msi",
            "iseposture", "binaries/anyconnect-win-" + V + "-iseposture-webdeploy-k9.msi",
            "posture", "binaries/anyconnect-win-" + V + "-posture-webdeploy-k9.msi",
            "amp", "binaries/anyconnect-win-" + V + "-amp-webdeploy-k9.msi",
            "nvm", "binaries/anyconnect-win-" + V + "-nvm-webdeploy-k9.msi",
            "umbrella", "binaries/anyconnect-win-" + V + "-umbrella-webdeploy-k9.msi",
            "websecurity", "binaries/anyconnect-win-" + V + "-websecurity-webdeploy-k9.exe"), win.modules());
        assertEquals("binaries/anyconnect-win-" + V + "-core-vpn-webdeploy-k9.msi", win.installer());

        final ClientPackage mac = ClientPackage.read("cisco-secure-client-macos-5.1.2.42-webdeploy-k9.pkg",
            ClientFilesTest.zip(Map.of(
                "binaries/cisco-secure-client-macos-5.1.2.42-core-vpn-webdeploy-k9.dmg", "core",
                "binaries/cisco-secure-client-macos-5.1.2.42-dart-webdeploy-k9.dmg", "dart",
                "binaries/cisco-secure-client-macos-5.1.2.42-sbl-webdeploy-k9.dmg", "sbl")));
        assertEquals("mac-intel", mac.platform());
        assertEquals(Map.of("dart", "binaries/cisco-secure-client-macos-5.1.2.42-dart-webdeploy-k9.dmg",
            "vpngina", "binaries/cisco-secure-client-macos-5.1.2.42-sbl-webdeploy-k9.dmg"), mac.modules());
    }

    @Test
    void shouldPutTheGroupsModulesAndServiceProfilesInTheClientsManifest() throws Exception
    {
        final FlashStore flash = FlashStore.inStateDir(state);
        Files.write(flash.root().resolve("anyconnect-win-" + V + "-webdeploy-k9.pkg"), windowsPackage());
        Files.write(flash.root().resolve("other-win.pkg"), ClientFilesTest.zip(Map.of(ClientPackage.MANIFEST,
            "platform=win\nversion=4.9.1\ninstaller=binaries/core.msi\n", "binaries/core.msi", "MSI")));
        final Map<String, String> profiles = Map.of("sales", "vpn", "wired", "nam", "scan", "iseposture",
            "roam", "umbrella", "flows", "nvm", "proxy", "websecurity");
        final StringBuilder config = new StringBuilder("""
            group-policy GP internal
            group-policy GP attributes
             webvpn
              anyconnect modules value dart,vpngina,nam,no-such-module
            """);
        profiles.forEach((name, type) -> config.append("  anyconnect profiles value ").append(name).append(" type ")
            .append(type).append('\n'));
        config.append("""
            tunnel-group DefaultWEBVPNGroup general-attributes
             default-group-policy GP
            webvpn
             anyconnect image disk0:/anyconnect-win-4.10.08029-webdeploy-k9.pkg 1
             anyconnect image disk0:/other-win.pkg 2
             anyconnect enable
            """);
        for (final String name : profiles.keySet())
        {
            Files.writeString(flash.root().resolve(name + ".xml"), "<?xml version=\"1.0\"?><Profile name=\"" + name
                + "\"/>\n");
            config.append(" anyconnect profiles ").append(name).append(" disk0:/").append(name).append(".xml\n");
        }
        final ConfigStore store = ConfigStore.embeddedDefault("pw-123");
        store.replace(config.toString(), "test");
        final HeadendConfig cfg = store.current();
        final ClientFiles files = new ClientFiles(flash);
        files.apply(cfg);

        final ClientDelivery.Content win = files.forLogin(cfg, cfg.effectivePolicy(null, null), "win",
            "AnyConnect Windows 4.10.06079");
        final String core = win.vpnClientOpaque();
        assertTrue(core.contains("id=\"vpngina\" is_core=\"no\" type=\"msi\" action=\"install\" module=\"vpngina\" "
            + "os=\"win\">\n<uri>binaries/anyconnect-win-" + V + "-gina-webdeploy-k9.msi</uri>\n"
            + "<display-name>Start Before Login</display-name>"), core);
        assertTrue(core.contains("module=\"dart\"") && core.contains("module=\"nam\""), core);
        assertFalse(core.contains("no-such-module") || core.contains("module=\"nvm\""), "only what the group asks for");

        final String manifest = win.profileManifest();
        assertTrue(manifest.indexOf("service-type=\"user\"") < manifest.indexOf("service-type=\"nam\""),
            "the VPN profile comes first: " + manifest);
        for (final Map.Entry<String, String> p : profiles.entrySet())
        {
            final String sha1 = files.profile(p.getKey()).sha1();
            assertTrue(manifest.contains("<file type=\"profile\" service-type=\""
                + ("vpn".equals(p.getValue()) ? "user" : p.getValue()) + "\">\n<uri>/CACHE/stc/profiles/" + p.getKey()
                + ".xml</uri>\n<hash type=\"sha1\">" + sha1 + "</hash>"), p + " in " + manifest);
        }
        assertTrue(win.webvpncHints().startsWith("&fu:profiles/sales.xml&fh:"), "the hint names the VPN profile");

        assertNull(files.shadowing(files.slot(1)));
        assertEquals(1, files.shadowing(files.slot(2)).number(), "a second package for win is flagged");
    }
}
