package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.headend.control.auth.totp.Base32;
import org.headend.control.auth.totp.Totp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A RADIUS Access-Challenge (a real FreeRADIUS asking {@code carol} for the TOTP code of
 * {@link FreeRadiusServer#TOTP_SECRET}) through every front door that had no answer for it (issue 12):
 * <ul>
 * <li>from the <b>secondary</b> server of double authentication: the real openconnect gets a further
 * {@code <auth id="challenge">} form after both passwords, answers it, and the tunnel comes up;</li>
 * <li>in the <b>browser portal</b>: the login page's POST answers with a page showing the server's question; the
 * answer posted from it opens the portal session (curl from the client namespace);</li>
 * <li>over <b>SSH</b> to the CLI: the real OpenSSH client, keyboard-interactive, shows the server's question as a
 * prompt after the password, and the right answer reaches the CLI prompt.</li>
 * </ul>
 * Codes are worked out here when they are needed, at least {@link #MIN_LIFE_SECONDS} seconds before their step ends.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RadiusChallengeIT
{
    private static final int RADIUS_PORT = 18842;
    private static final String SECRET = "challenge-s3cret";
    private static final String CAROL_LOCAL_PASSWORD = "carol-local-pw";
    private static final String QUESTION = "Enter the 6-digit code";
    private static final int MIN_LIFE_SECONDS = 12;

    private static Testbed bed;
    private static FreeRadiusServer radius;
    private static Path knownHosts;
    private final List<OpenconnectClient> clients = new java.util.ArrayList<>();

    @BeforeAll
    static void start()
    {
        FreeRadiusServer.prerequisites();
        SshCli.prerequisites();
        knownHosts = Harness.tempDir("ssh-").resolve("known_hosts");
        bed = Testbed.start(1, c -> c
            .tunnelGroupLine(" authentication-server-group RAD")
            .extraLine("aaa-server RAD protocol radius")
            .extraLine("aaa-server RAD (outside) host 127.0.0.1")
            .extraLine(" key " + SECRET)
            .extraLine(" authentication-port " + RADIUS_PORT)
            .extraLine("group-policy MFA internal")
            .extraLine("group-policy MFA attributes")
            .extraLine(" vpn-tunnel-protocol ssl-client ssl-clientless")
            .extraLine(" banner value Second factor checked.")
            .extraLine("username carol password " + CAROL_LOCAL_PASSWORD)
            .extraLine("tunnel-group SECOND type remote-access")
            .extraLine("tunnel-group SECOND general-attributes")
            .extraLine(" address-pool POOL")
            .extraLine(" default-group-policy GP")
            .extraLine(" secondary-authentication-server-group RAD use-primary-username")
            .extraLine("tunnel-group SECOND webvpn-attributes")
            .extraLine(" group-url https://" + Netns.SERVER_ADDRESS + "/second enable")
            .extraLine("aaa authentication ssh console RAD LOCAL")
            .extraLine("ssh 10.77.0.0 255.255.255.0 outside"));
        radius = bed.own(FreeRadiusServer.start(bed.net().server(), RADIUS_PORT, SECRET));
    }

    @AfterEach
    void stopClients()
    {
        clients.forEach(OpenconnectClient::close);
        bed.headend().console("vpn-sessiondb logoff all noconfirm");
    }

    @AfterAll
    static void tearDown()
    {
        if (bed != null)
        {
            bed.close();
        }
    }

    /** carol's current code, once the current step has at least {@link #MIN_LIFE_SECONDS} left (bounded wait). */
    private static String freshCode() throws InterruptedException
    {
        final long step = Totp.STEP_SECONDS * 1000L;
        final long left = step - System.currentTimeMillis() % step;
        if (left < MIN_LIFE_SECONDS * 1000L)
        {
            Thread.sleep(left + 200);
        }
        return Totp.code(Base32.decode(FreeRadiusServer.TOTP_SECRET), Totp.step(System.currentTimeMillis()));
    }

    @Test
    void shouldAskTheSecondaryServersQuestionAsAFurtherFormAndLandTheTunnel() throws Exception
    {
        final String code = freshCode();
        final OpenconnectClient carol = new OpenconnectClient(bed.net().client(1), bed.headend().url() + "second",
            bed.headend().pin(), "carol", false, List.of("--form-entry=main:secondary_password=carolpw",
                "--form-entry=challenge:secondary_password=" + code));
        clients.add(carol);
        carol.startWithPassword(CAROL_LOCAL_PASSWORD);
        carol.awaitConfigured(Duration.ofSeconds(40));
        final Map<String, String> env = carol.awaitScriptCall("connect", 1, Duration.ofSeconds(10));
        assertNotNull(env.get("INTERNAL_IP4_ADDRESS"));
        final String log = carol.process().out().text() + carol.process().err().text();
        assertTrue(log.contains(QUESTION), "openconnect showed the secondary server's question:\n" + log);
        final String headendLog = bed.headend().process().err().text();
        assertTrue(headendLog.contains("the secondary server group RAD asks for another step for carol"), headendLog);
        assertTrue(headendLog.contains("second password accepted by RAD for carol"));
    }

    @Test
    void shouldAnswerTheServersQuestionOnAPortalPage() throws Exception
    {
        final Path jar = Harness.tempDir("portal-").resolve("cookies");
        final String logon = curl(jar, "/+CSCOE+/logon.html");
        final String asked = curl(jar, "/+webvpn+/index.html", "csrf_token=" + field(logon, "csrf_token"),
            "username=carol", "password=carolpw");
        assertTrue(asked.contains(QUESTION) && asked.contains("name=\"answer\""),
            "the portal shows the server's question:\n" + asked);
        final String wrong = curl(jar, "/+webvpn+/index.html", "csrf_token=" + field(asked, "csrf_token"),
            "challenge_id=" + field(asked, "challenge_id"), "answer=" + ("000000".equals(freshCode()) ? "111111"
                : "000000"));
        assertTrue(wrong.contains("Location: /+CSCOE+/logon.html?a0=15"), "a wrong code is a failed login:\n"
            + wrong);
        final String again = curl(jar, "/+webvpn+/index.html", "csrf_token="
            + field(curl(jar, "/+CSCOE+/logon.html"), "csrf_token"), "username=carol", "password=carolpw");
        final String answered = curl(jar, "/+webvpn+/index.html", "csrf_token=" + field(again, "csrf_token"),
            "challenge_id=" + field(again, "challenge_id"), "answer=" + freshCode());
        assertTrue(answered.contains("Location: /+CSCOE+/portal.html") && answered.contains("Set-Cookie: webvpn="),
            "the right code opens the portal session:\n" + answered);
        assertTrue(bed.headend().process().err().text().contains("portal login: user carol"));
    }

    @Test
    void shouldPromptForTheServersQuestionOverSshAndLetTheRightAnswerIn() throws Exception
    {
        final Path dir = Harness.tempDir("askpass-");
        final Path prompts = dir.resolve("prompts.log");
        final Path askpass = dir.resolve("askpass.sh");
        final String code = freshCode();
        write(askpass, "#!/bin/sh\n"
            + "printf '%s\\n' \"$1\" >> '" + prompts + "'\n"
            + "case \"$1\" in\n"
            + "  *assword*) echo carolpw ;;\n"
            + "  *) echo " + code + " ;;\n"
            + "esac\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ManagedProcess ssh = ManagedProcess.start("ssh[carol]", Netns.in(bed.net().client(1), "env",
            "SSH_ASKPASS=" + askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=none", "ssh", "-T",
            "-o", "StrictHostKeyChecking=accept-new", "-o", "UserKnownHostsFile=" + knownHosts,
            "-o", "PreferredAuthentications=keyboard-interactive", "-o", "PubkeyAuthentication=no",
            "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR", "carol@" + Netns.SERVER_ADDRESS), null, null))
        {
            final boolean prompt = ssh.out().awaitText(t -> HeadendProcess.PROMPT_AT_END.matcher(t).find(), 0,
                Duration.ofSeconds(30));
            final String asked = Files.exists(prompts) ? Files.readString(prompts) : "";
            assertTrue(prompt, "carol reaches the CLI\n" + ssh.tails(30) + "\nprompts:\n" + asked);
            // OpenSSH puts "(user@host) " before keyboard-interactive prompts
            assertEquals(List.of("Password: ", QUESTION + ": "),
                asked.lines().map(l -> l.replaceFirst("^\\(carol@[0-9.]+\\) ", "")).toList(),
                "the password first, then the server's question");
            ssh.writeLine("exit");
            ssh.closeStdin();
            ssh.waitForExit(Duration.ofSeconds(5));
        }
        assertFalse(bed.headend().process().err().text().contains("carolpw"), "the password never reaches the log");
    }

    /** GET (no fields) or POST (fields, URL-encoded) of path with the cookie jar; the headers and body. */
    private static String curl(final Path jar, final String path, final String... fields)
    {
        final List<String> argv = new java.util.ArrayList<>(List.of("curl", "-sik", "-m", "20", "-b", jar.toString(),
            "-c", jar.toString()));
        for (final String field : fields)
        {
            argv.add("--data-urlencode");
            argv.add(field);
        }
        argv.add(bed.headend().url().replaceAll("/$", "") + path);
        return Cmd.run(Duration.ofSeconds(30), Netns.in(bed.net().client(1), argv.toArray(String[]::new))).output();
    }

    /** The value of the hidden field {@code name} of a portal page. */
    private static String field(final String page, final String name)
    {
        final Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find(), "no " + name + " in\n" + page);
        return m.group(1);
    }

    private static void write(final Path file, final String text)
    {
        try
        {
            Files.writeString(file, text);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
