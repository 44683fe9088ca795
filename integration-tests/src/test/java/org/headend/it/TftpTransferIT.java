package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code tftp://} as the seed uses it, against Debian's tftpd-hpa ({@code in.tftpd}) in the client namespace: a
 * package copied in and configured, sent back out byte for byte, a missing file refused with the server's error; a
 * translation table exported as a template, translated, imported and served to clients, and exported again.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TftpTransferIT
{
    private static Testbed bed;
    private static ManagedProcess tftpd;
    private static Path served;
    private static String tftp;

    @BeforeAll
    static void start() throws Exception
    {
        bed = Testbed.start(1, c -> { });
        served = Harness.tempDir("tftp-");
        final String ns = bed.net().client(1);
        final String address = Netns.clientAddress(1);
        // -L: foreground, so the test owns the process; -c: uploads may create files; -u root: the scratch
        // directory is not the tftp user's
        tftpd = ManagedProcess.start("tftpd", Netns.in(ns, "in.tftpd", "-L", "-c", "-u", "root", "-s",
            served.toString(), "-a", address + ":69"), null, null);
        final long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Netns.exec(ns, "ss", "-Hlun", "sport", "=", ":69").output().contains(address + ":69"))
        {
            assertTrue(tftpd.isAlive() && System.nanoTime() < end, "in.tftpd did not start\n" + tftpd.tails(20));
            NetTools.sleep(100);
        }
        tftp = "tftp://" + address;
    }

    @AfterAll
    static void tearDown()
    {
        if (tftpd != null)
        {
            tftpd.close();
        }
        if (bed != null)
        {
            bed.close();
        }
    }

    @Test
    void shouldCopyAPackageInConfigureItAndSendItBackOut() throws Exception
    {
        final HeadendProcess headend = bed.headend();
        final byte[] pkg = ClientFixtures.windowsPackage();
        Files.createDirectories(served.resolve("images"));
        Files.write(served.resolve("images").resolve(ClientFixtures.WIN_PACKAGE), pkg);
        final String copied = headend.console("copy " + tftp + "/images/" + ClientFixtures.WIN_PACKAGE + " disk0:/"
            + ClientFixtures.WIN_PACKAGE);
        assertTrue(copied.contains(pkg.length + " bytes copied"), copied);
        assertArrayEquals(pkg, Files.readAllBytes(headend.stateDir().resolve("disk0").resolve(
            ClientFixtures.WIN_PACKAGE)));
        headend.console("configure terminal");
        headend.console("webvpn");
        final String image = headend.console("anyconnect image disk0:/" + ClientFixtures.WIN_PACKAGE + " 1");
        headend.console("end");
        assertFalse(image.contains("ERROR"), image);
        final String shown = headend.console("show webvpn anyconnect");
        assertTrue(shown.contains("4.10.08029 for win") && shown.contains("modules: dart, vpngina"), shown);

        // a second package for the same OS: accepted, as before, but flagged (the ASA does not support it)
        Files.write(served.resolve("older-win.pkg"), ClientFixtures.zip(java.util.Map.of("headend-package.properties",
            "platform=win\nversion=4.9.1\ninstaller=binaries/core.msi\n".getBytes(StandardCharsets.UTF_8),
            "binaries/core.msi", "older".getBytes(StandardCharsets.UTF_8))));
        assertTrue(headend.console("copy " + tftp + "/older-win.pkg disk0:/older-win.pkg").contains("bytes copied"));
        headend.console("configure terminal");
        headend.console("webvpn");
        final String second = headend.console("anyconnect image disk0:/older-win.pkg 2");
        headend.console("end");
        assertFalse(second.contains("ERROR"), second);
        final String both = headend.console("show webvpn anyconnect");
        assertTrue(both.contains(ClientFixtures.WIN_PACKAGE + " is also for win and comes first: this package is never "
            + "offered") && both.contains("WARNING: "), both);

        final String out = headend.console("copy disk0:/" + ClientFixtures.WIN_PACKAGE + " " + tftp + "/back.pkg");
        assertTrue(out.contains(pkg.length + " bytes copied"), out);
        assertArrayEquals(pkg, Files.readAllBytes(served.resolve("back.pkg")), "the file sent out is the same");

        final String missing = headend.console("copy " + tftp + "/no-such.pkg disk0:/no-such.pkg");
        assertTrue(missing.contains("ERROR") && missing.contains("File not found"), missing);
        assertFalse(headend.console("dir disk0:/").contains("no-such.pkg"), "a failed copy leaves nothing");
        final String traversal = headend.console("copy " + tftp + "/../etc/passwd disk0:/p");
        assertTrue(traversal.contains("ERROR"), traversal);
    }

    @Test
    void shouldExportATemplateImportItsTranslationAndServeIt() throws Exception
    {
        final HeadendProcess headend = bed.headend();
        final String exported = headend.console("export webvpn translation-table AnyConnect template " + tftp
            + "/client");
        assertTrue(exported.contains("bytes copied"), exported);
        final String template = Files.readString(served.resolve("client"));
        assertTrue(template.contains("msgid \"Connected\"\nmsgstr \"\""), template);
        Files.writeString(served.resolve("client-es"), template.replace("msgid \"Connected\"\nmsgstr \"\"",
            "msgid \"Connected\"\nmsgstr \"Conectado\""), StandardCharsets.UTF_8);

        final String imported = headend.console("import webvpn translation-table AnyConnect language es-us " + tftp
            + "/client-es");
        assertTrue(imported.contains("bytes copied"), imported);
        final ClientFixtures.ProbeResult result = ClientFixtures.probe(bed.net().client(1), Netns.SERVER_ADDRESS, 443,
            "getanon /+CSCOT+/translation-table?textdomain=AnyConnect&type=po&lang=es-us");
        assertEquals(200, result.steps().get(0).status());
        assertTrue(result.steps().get(0).text().contains("msgstr \"Conectado\""), result.steps().get(0).text());

        final String again = headend.console("export webvpn translation-table AnyConnect language es-us " + tftp
            + "/es-back");
        assertTrue(again.contains("bytes copied"), again);
        assertTrue(Files.readString(served.resolve("es-back")).contains("msgid \"Connected\"\nmsgstr \"Conectado\""));
        final String refused = headend.console("import webvpn translation-table AnyConnect language fr " + tftp
            + "/no-such-table");
        assertTrue(refused.contains("not imported") && refused.contains("File not found"), refused);
        headend.console("revert webvpn translation-table AnyConnect language es-us");
    }
}
