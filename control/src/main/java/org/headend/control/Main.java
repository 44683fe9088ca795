package org.headend.control;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import org.headend.control.cli.CliContext;
import org.headend.control.cli.Console;
import org.headend.control.cli.ImageCheck;
import org.headend.control.config.ConfigException;
import org.headend.control.config.ConfigStore;
import org.headend.control.ssh.SshCliServer;
import org.headend.control.tls.ServerIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's entry point ({@code ./headend}): {@code [--config FILE] [--state-dir DIR] [--console DEVICE]}.
 * Without {@code --config} it runs the embedded default configuration. Standard input/output is the serial console
 * (and a terminal device too, with {@code --console}); logs go to standard error; SIGTERM stops it cleanly.
 */
public final class Main
{
    /** Exit code when the configuration cannot be loaded. */
    static final int EXIT_CONFIG = 1;
    /** Exit code for a command-line mistake. */
    static final int EXIT_USAGE = 2;
    /** Exit code when the appliance cannot start (no capability for the TUN, port in use, …). */
    static final int EXIT_STARTUP = 3;
    static final String DEFAULT_STATE_DIR = "/var/lib/headend";
    private static final String DEMO_PASSWORD_FILE = "demo-password";
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main()
    {
    }

    public static void main(final String[] args)
    {
        Path configFile = null;
        Path stateDir = null;
        String consoleDevice = null;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--config" -> configFile = Path.of(value(args, ++i, "--config"));
                case "--state-dir" -> stateDir = Path.of(value(args, ++i, "--state-dir"));
                case "--console" -> consoleDevice = value(args, ++i, "--console");
                case "-h", "--help" ->
                {
                    System.out.println("usage: headend [--config STARTUP-CONFIG] [--state-dir DIR] [--console DEVICE]");
                    return;
                }
                default -> usage("unknown argument: " + args[i]);
            }
        }
        if (stateDir == null)
        {
            stateDir = configFile == null ? Path.of(DEFAULT_STATE_DIR)
                : configFile.toAbsolutePath().getParent().resolve("headend-state");
        }
        final int code = run(configFile, stateDir, consoleDevice);
        if (code != 0)
        {
            System.exit(code);
        }
    }

    private static int run(final Path configFile, final Path stateDir, final String consoleDevice)
    {
        final ConfigStore config;
        String demoPassword = null;
        try
        {
            Files.createDirectories(stateDir);
            if (configFile == null)
            {
                demoPassword = demoPassword(stateDir);
                config = ConfigStore.embeddedDefault(demoPassword, stateDir.resolve("startup-config"));
            }
            else
            {
                config = ConfigStore.load(configFile);
            }
        }
        catch (final ConfigException ex)
        {
            System.err.println("headend: " + ex.getMessage());
            return EXIT_CONFIG;
        }
        catch (final IOException ex)
        {
            System.err.println("headend: cannot prepare " + stateDir + ": " + ex.getMessage());
            return EXIT_STARTUP;
        }

        final Appliance appliance;
        final ServerIdentity identity;
        try
        {
            identity = ServerIdentity.loadOrCreate(stateDir, config.current().hostname());
            appliance = new Appliance(config, identity, stateDir);
            appliance.start();
        }
        catch (final Exception | Error ex)
        {
            LOG.debug("startup failure", ex);
            System.err.println("headend: cannot start: " + describe(ex));
            return EXIT_STARTUP;
        }

        final CliContext cli;
        final SshCliServer ssh;
        try
        {
            final CliContext plain = new CliContext(config, appliance.directory(), appliance::counters);
            cli = plain.withServices(CliContext.Services.forStateDir(stateDir, plain.clock())
                .withClient(appliance.clientFiles(), appliance.translations()).withLogins(appliance.logins())
                .withLogging(appliance.syslog()).withCrypto(appliance.crypto()));
            cli.services().audit().forward(appliance.syslog());
            ImageCheck.install(config, cli.services().flash());
            ssh = SshCliServer.start(cli, stateDir);
        }
        catch (final IOException ex)
        {
            appliance.stop();
            System.err.println("headend: cannot prepare " + stateDir + ": " + ex.getMessage());
            return EXIT_STARTUP;
        }
        // "up" means every configured listener answers: the HTTPS and DTLS ports bound in start(), the SSH
        // listeners bound by SshCliServer.start; an operator's script may log in over SSH right after this line
        printHowToConnect(System.out, appliance, demoPassword);
        Console device = null;
        if (consoleDevice != null)
        {
            try
            {
                device = Console.onDevice(cli, consoleDevice);
                LOG.info("console also on {}", consoleDevice);
            }
            catch (final IOException ex)
            {
                // the appliance serves its users without it; the operator still has standard input and SSH
                LOG.error("no console on {}: {}", consoleDevice, ex.getMessage());
            }
        }
        final Console deviceConsole = device;
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            LOG.info("stopping");
            ssh.close();
            appliance.stop();
            if (deviceConsole != null)
            {
                deviceConsole.closeDevice();
            }
            stopped.countDown();
        }, "shutdown"));
        Console.onStandardStreams(cli).start();
        if (deviceConsole != null)
        {
            deviceConsole.start();
        }
        try
        {
            stopped.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static void printHowToConnect(final PrintStream out, final Appliance appliance,
        final String demoPassword)
    {
        final var address = appliance.listenAddress();
        final String host = address.getAddress().isAnyLocalAddress() ? Appliance.someLocalAddress()
            : address.getAddress().getHostAddress();
        final String url = "https://" + host + (address.getPort() == 443 ? "" : ":" + address.getPort()) + "/";
        out.println("headend is up. AnyConnect clients connect to " + url);
        final String pin = appliance.serverPin();
        out.println("Server certificate: " + pin);
        final String user = demoPassword == null ? "USER" : "demo";
        if (demoPassword != null)
        {
            out.println("Demo user: demo, password: " + demoPassword);
        }
        out.println("Connect with:");
        out.println("  " + (demoPassword == null ? "" : "echo '" + demoPassword + "' | ")
            + "openconnect --protocol=anyconnect --user " + user + (demoPassword == null ? "" : " --passwd-on-stdin")
            + " --servercert " + pin + " " + url);
        out.flush();
    }

    /** The demo user's password: generated once, kept in the state directory (readable by its owner only: the user the appliance runs as). */
    private static String demoPassword(final Path stateDir) throws IOException
    {
        final Path file = stateDir.resolve(DEMO_PASSWORD_FILE);
        if (Files.exists(file))
        {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        }
        final String alphabet = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
        final SecureRandom random = new SecureRandom();
        final StringBuilder password = new StringBuilder();
        for (int i = 0; i < 16; i++)
        {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"))), password + "\n", StandardCharsets.US_ASCII);
        return password.toString();
    }

    private static String describe(final Throwable ex)
    {
        final StringBuilder text = new StringBuilder(String.valueOf(ex.getMessage()));
        for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause())
        {
            text.append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    private static String value(final String[] args, final int index, final String option)
    {
        if (index >= args.length)
        {
            usage(option + " needs a value");
        }
        return args[index];
    }

    private static void usage(final String problem)
    {
        System.err.println("headend: " + problem);
        System.err.println("usage: headend [--config STARTUP-CONFIG] [--state-dir DIR]");
        System.exit(EXIT_USAGE);
    }
}
