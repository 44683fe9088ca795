package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The browser portal in headless Chromium (Debian chromium + chromium-driver, driven over WebDriver from inside the
 * client namespace): the login page with the group list, in the browser's language from an imported translation
 * table; after login the {@code anyconnect ask} prompt with its countdown, which takes the default action (the
 * download page for the browser's platform, with the package version and keep-installer note); logout clears the
 * session cookie and closes the portal. Each page's screenshot is checked.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PortalBrowserIT
{
    private static final int ASK_TIMEOUT = 3;
    private static Testbed bed;

    @BeforeAll
    static void start() throws Exception
    {
        Prerequisites.installMissing(Map.of("chromium", "chromium", "chromedriver", "chromium-driver"));
        bed = Testbed.start(1, c -> c
            .extraLine(" tunnel-group-list enable")
            .extraLine("group-policy PORTAL-GP internal")
            .extraLine("group-policy PORTAL-GP attributes")
            .extraLine(" vpn-tunnel-protocol ssl-client ssl-clientless")
            .extraLine(" banner value Authorised use only.")
            .extraLine(" webvpn")
            .extraLine("  anyconnect ask enable default anyconnect timeout " + ASK_TIMEOUT)
            .extraLine("  anyconnect keep-installer none")
            .extraLine("tunnel-group STAFF type remote-access")
            .extraLine("tunnel-group STAFF general-attributes")
            .extraLine(" address-pool POOL")
            .extraLine(" default-group-policy PORTAL-GP")
            .extraLine("tunnel-group STAFF webvpn-attributes")
            .extraLine(" group-alias Staff enable"));
        final HeadendProcess headend = bed.headend();
        final Path disk0 = headend.stateDir().resolve("disk0");
        Files.write(disk0.resolve("lin.pkg"), ClientFixtures.linuxPackage());
        headend.console("configure terminal");
        headend.console("webvpn");
        assertFalse(headend.console("anyconnect image disk0:/lin.pkg 1").contains("ERROR"));
        headend.console("end");
        headend.console("export webvpn translation-table webvpn template disk0:/portal.po");
        final String template = Files.readString(disk0.resolve("portal.po"));
        Files.writeString(disk0.resolve("portal-es.po"), template
            .replace("msgid \"Login\"\nmsgstr \"\"", "msgid \"Login\"\nmsgstr \"Entrar\"")
            .replace("msgid \"Logout\"\nmsgstr \"\"", "msgid \"Logout\"\nmsgstr \"Salir\""));
        assertTrue(headend.console("import webvpn translation-table webvpn language es disk0:/portal-es.po")
            .contains("bytes copied"));
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
    void shouldLogInTakeTheAskDefaultAfterItsCountdownOfferThePackageAndLogOut() throws Exception
    {
        final Path out = Harness.tempDir("chromium-");
        final String output;
        try (ManagedProcess browser = ManagedProcess.start("PortalBrowser", Harness.tool(bed.net().client(1),
            "PortalBrowser", "--url", bed.headend().url(), "--user", "demo", "--password", "demo-secret", "--group",
            "Staff", "--out", out.toString(), "--lang", "es", "--wait-seconds", Integer.toString(ASK_TIMEOUT + 12)),
            null, null))
        {
            // while the browser sits on the portal, its login is a clientless session, listed apart (seed G7)
            String clientless = "";
            final long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (browser.isAlive() && System.nanoTime() < until && !clientless.contains("Username     : demo"))
            {
                clientless = bed.headend().console("show vpn-sessiondb webvpn");
                Thread.sleep(200);
            }
            assertTrue(clientless.contains("Session Type: WebVPN") && clientless.contains("Protocol     : Clientless"),
                "the portal login listed as clientless: " + clientless);
            browser.waitForExit(Duration.ofSeconds(150));
            browser.out().awaitClosed(Duration.ofSeconds(2));
            output = browser.out().text() + browser.err().text();
        }
        assertTrue(output.contains("OUTCOME=OK"), output + "\n" + chromedriverLog(out));
        final Map<String, String> logon = page(output, "logon");
        assertEquals("Entrar", logon.get("login-button"), "the login button in the browser's language");
        assertEquals("1", logon.get("group-options"));
        final Map<String, String> ask = page(output, "ask");
        assertEquals(Integer.toString(ASK_TIMEOUT), ask.get("countdown"));
        assertEquals("Authorised_use_only.", ask.get("banner"));
        final Map<String, String> download = page(output, "download");
        final long after = Long.parseLong(download.get("after-ms"));
        assertTrue(after >= (ASK_TIMEOUT - 1) * 1000L && after < (ASK_TIMEOUT + 10) * 1000L, "countdown: " + after);
        assertEquals("5.1.2", download.get("version"));
        assertTrue(download.get("href").endsWith("/CACHE/stc/1/" + ClientFixtures.LINUX_INSTALLER), output);
        assertTrue(download.get("keep").startsWith("The_client_removes_itself"), output);
        final Map<String, String> logout = page(output, "logout");
        assertFalse(logout.get("cookies").contains("webvpn"), "the session cookie is gone: " + output);
        assertTrue(page(output, "after-logout").get("url").contains("logon.html"));
        assertTrue(bed.headend().sessions().isEmpty(), "the portal session ended");
        assertTrue(bed.headend().console("show vpn-sessiondb webvpn").contains("no active sessions"),
            "nor is it listed as clientless any more");

        final Map<String, byte[]> shots = new HashMap<>();
        final Matcher shot = Pattern.compile("(?m)^SHOT (\\S+) (\\S+) (\\d+)$").matcher(output);
        while (shot.find())
        {
            final byte[] png = Files.readAllBytes(Path.of(shot.group(2)));
            assertTrue(png.length > 2000, shot.group(1) + " is " + png.length + " bytes");
            assertArrayEquals(new byte[] {(byte)0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4), shot.group(1));
            shots.put(shot.group(1), png);
            // kept for people to look at: integration-tests/target/portal-screenshots/NAME.png
            final Path keep = Harness.repoRoot().resolve("integration-tests/target/portal-screenshots");
            Files.createDirectories(keep);
            Files.write(keep.resolve(shot.group(1) + ".png"), png);
        }
        assertEquals(4, shots.size(), output);
        assertFalse(Arrays.equals(shots.get("logon"), shots.get("download")), "different pages look different");
        assertFalse(Arrays.equals(shots.get("ask"), shots.get("logout")));
    }

    private static Map<String, String> page(final String output, final String name)
    {
        final Matcher line = Pattern.compile("(?m)^PAGE " + name + " (.*)$").matcher(output);
        assertTrue(line.find(), "no page " + name + " in\n" + output);
        final Map<String, String> values = new HashMap<>();
        for (final String pair : line.group(1).split(" "))
        {
            final int eq = pair.indexOf('=');
            if (eq > 0)
            {
                values.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return values;
    }

    private static String chromedriverLog(final Path out)
    {
        try
        {
            final Path log = out.resolve("chromedriver.log");
            if (!Files.exists(log))
            {
                return "(no chromedriver log)";
            }
            final String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
        }
        catch (final java.io.IOException ex)
        {
            return ex.toString();
        }
    }
}
