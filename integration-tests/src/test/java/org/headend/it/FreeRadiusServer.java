package org.headend.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real FreeRADIUS (Debian's {@code freeradius}) run by a test inside a network namespace, from a configuration
 * directory generated per test (the recipe of shared/docs/aaa.md): the packaged {@code /etc/freeradius/3.0} copied,
 * its sites and clients replaced by one site listening on {@code 127.0.0.1:PORT} (auth) and {@code PORT+1} (acct),
 * one client that must sign its requests (require_message_authenticator), and the users below:
 * <ul>
 * <li>{@code alice / alicepw}: Accept with {@code Class "OU=STAFF;"} and {@code Framed-IP-Address};</li>
 * <li>{@code carol / carolpw}: Access-Challenge "Enter the 6-digit code", then the TOTP code of
 * {@link #TOTP_SECRET} (the {@code totp} module checks it) with the State echoed: Accept, {@code Class "OU=MFA;"};</li>
 * <li>{@code dave / davepw}: Accept with the ASA's own Group-Policy attribute ({@code STAFF}) and
 * {@code Filter-Id "NOGATEWAY"};</li>
 * <li>{@code erin / erinpw}: Accept with {@code Framed-IP-Address} {@link #ERIN_ADDRESS}, outside every pool;</li>
 * <li>{@code slow / slowpw}: Accept, after {@link #SLOW_SECONDS} seconds;</li>
 * <li>{@code admin / adminpw}: Accept (SSH logins).</li>
 * <li>{@code frank / frankpw}: Accept, nothing assigned.</li>
 * <li>Any of them by MS-CHAPv2 too (the {@code mschap} module, from the clear-text passwords), and with
 * {@link #startWithEap} by EAP (MSCHAPv2, MD5, GTC checked as PAP) relayed in EAP-Message.</li>
 * </ul>
 */
public final class FreeRadiusServer implements AutoCloseable
{
    public static final String TOTP_SECRET = "JBSWY3DPEHPK3PXP";
    public static final String ALICE_ADDRESS = "192.168.100.77";
    public static final String ERIN_ADDRESS = "10.55.0.9";
    public static final int SLOW_SECONDS = 8;
    private static final String STATE = "0x6f74702d7374657031";

    private final ManagedProcess process;

    private FreeRadiusServer(final ManagedProcess process)
    {
        this.process = process;
    }

    /** Checks that the package is installed. */
    public static void prerequisites()
    {
        if (!Files.isDirectory(Path.of("/etc/freeradius/3.0")))
        {
            throw new AssertionError("freeradius is not installed (./run-tests installs it)");
        }
    }

    /** Starts FreeRADIUS in {@code ns} on 127.0.0.1:{@code port} with {@code secret}; returns once it serves. */
    public static FreeRadiusServer start(final String ns, final int port, final String secret)
    {
        return start(ns, port, secret, false);
    }

    /**
     * {@link #start}, with the {@code eap} module loaded (EAP-MSCHAPv2 by default, EAP-MD5 and EAP-GTC as the peer
     * asks) and run first in authorize, as Debian's default site does.
     */
    public static FreeRadiusServer startWithEap(final String ns, final int port, final String secret)
    {
        return start(ns, port, secret, true);
    }

    private static FreeRadiusServer start(final String ns, final int port, final String secret, final boolean eap)
    {
        final Path dir = Harness.tempDir("raddb-").resolve("raddb");
        try
        {
            Cmd.check("cp", "-a", "/etc/freeradius/3.0", dir.toString());
            final Path radiusd = dir.resolve("radiusd.conf");
            Files.writeString(radiusd, Files.readString(radiusd)
                .replaceAll("(?m)^(\\s*user = freerad)", "#$1").replaceAll("(?m)^(\\s*group = freerad)", "#$1"));
            Files.writeString(dir.resolve("clients.conf"), "client localhost {\n ipaddr = 127.0.0.1\n secret = "
                + secret + "\n require_message_authenticator = yes\n}\n");
            for (final Path site : List.of(dir.resolve("sites-enabled/default"), dir.resolve("sites-enabled/inner-tunnel")))
            {
                Files.deleteIfExists(site);
            }
            Files.writeString(dir.resolve("sites-enabled/test"), site(port, eap));
            // the packaged eap module wants TLS certificates; the methods a test needs have none
            Files.deleteIfExists(dir.resolve("mods-enabled/eap"));
            if (eap)
            {
                Files.writeString(dir.resolve("mods-enabled/eap"), "eap {\n default_eap_type = mschapv2\n"
                    + " timer_expire = 60\n ignore_unknown_eap_types = no\n max_sessions = 4096\n"
                    + " md5 {\n }\n gtc {\n  auth_type = PAP\n }\n mschapv2 {\n }\n}\n");
            }
            // the slow user's answer waits for %{exec:/bin/sleep N}, which needs a waiting exec
            final Path exec = dir.resolve("mods-available/exec");
            Files.writeString(exec, Files.readString(exec).replaceAll("(?m)^(\\s*)wait = no", "$1wait = yes"));
            final Path totp = dir.resolve("mods-enabled/totp");
            if (!Files.exists(totp))
            {
                Files.createSymbolicLink(totp, Path.of("../mods-available/totp"));
            }
            Files.writeString(dir.resolve("mods-config/files/authorize"), users());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        Cmd.check("ip", "netns", "exec", ns, "freeradius", "-C", "-d", dir.toString());
        final ManagedProcess process = ManagedProcess.start("freeradius:" + port,
            // -X would also make it single-threaded: the slow user's answer would hold everyone else's up
            Netns.in(ns, "freeradius", "-f", "-xx", "-l", "stdout", "-d", dir.toString()), dir, null);
        process.waitFor("Ready to process requests", Duration.ofSeconds(30));
        return new FreeRadiusServer(process);
    }

    private static String users()
    {
        return "alice Cleartext-Password := \"alicepw\"\n"
            + "\tClass := \"OU=STAFF;\", Framed-IP-Address := " + ALICE_ADDRESS + ", Reply-Message := \"hello alice\"\n"
            + "\n"
            + "dave Cleartext-Password := \"davepw\"\n"
            + "\tASA-Group-Policy := \"STAFF\", Filter-Id := \"NOGATEWAY\"\n"
            + "\n"
            + "erin Cleartext-Password := \"erinpw\"\n"
            + "\tFramed-IP-Address := " + ERIN_ADDRESS + "\n\n"
            + "slow Cleartext-Password := \"slowpw\"\n\n"
            + "frank Cleartext-Password := \"frankpw\"\n\n"
            + "admin Cleartext-Password := \"adminpw\"\n\n";
    }

    private static String site(final int port, final boolean eap)
    {
        return "server default {\n"
            + "listen {\n type = auth\n ipaddr = 127.0.0.1\n port = " + port + "\n}\n"
            + "listen {\n type = acct\n ipaddr = 127.0.0.1\n port = " + (port + 1) + "\n}\n"
            + "authorize {\n"
            + " if (&User-Name == \"carol\") {\n"
            + "  if (!&State) {\n"
            + "   if (&User-Password == \"carolpw\") {\n"
            + "    update reply { &Reply-Message := \"Enter the 6-digit code\"\n &State := " + STATE + " }\n"
            + "    update control { &Response-Packet-Type := Access-Challenge }\n"
            + "    handled\n"
            + "   }\n"
            + "   reject\n"
            + "  }\n"
            + "  elsif (&State == " + STATE + ") {\n"
            + "   update control { &TOTP-Secret := \"" + TOTP_SECRET + "\"\n &Auth-Type := totp }\n"
            + "   update request { &TOTP-Password := &User-Password }\n"
            + "   update reply { &Class := \"OU=MFA;\" }\n"
            + "   return\n"
            + "  }\n"
            + "  reject\n"
            + " }\n"
            + " if (&User-Name == \"slow\") {\n"
            + "  update request { &Tmp-String-0 := \"%{exec:/bin/sleep " + SLOW_SECONDS + "}\" }\n"
            + " }\n"
            + (eap ? " eap {\n  ok = return\n }\n" : "")
            + " files\n"
            + " mschap\n"
            + " pap\n"
            + "}\n"
            + "authenticate {\n"
            + " Auth-Type PAP {\n  pap\n }\n"
            + " Auth-Type MS-CHAP {\n  mschap\n }\n"
            + " Auth-Type totp {\n  totp\n }\n"
            + (eap ? " Auth-Type eap {\n  eap\n }\n" : "")
            + "}\n"
            + "accounting {\n ok\n}\n"
            + "post-auth {\n ok\n}\n"
            + "}\n";
    }

    /** What FreeRADIUS printed (its -xx debug log: every request with its attributes). */
    public String log()
    {
        return process.out().text() + process.err().text();
    }

    public ManagedProcess process()
    {
        return process;
    }

    @Override
    public void close()
    {
        process.stop(Duration.ofSeconds(3));
    }
}
