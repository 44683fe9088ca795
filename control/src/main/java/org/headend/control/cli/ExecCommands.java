package org.headend.control.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.headend.control.config.ConfigLanguage;
import org.headend.control.config.grammar.ArgTypes;
import org.headend.control.config.grammar.Arguments;
import org.headend.control.config.grammar.Grammar;
import org.headend.control.config.grammar.Mode;

/**
 * The exec commands, declared once. The grammar holds them under {@link Mode#EXEC}, and those the ASA also allows
 * in configuration modes ({@code show}, {@code write}, …) under {@link Mode#CONFIG}.
 */
final class ExecCommands
{
    private static final Grammar<ExecCommand> GRAMMAR = new Grammar<>();

    static
    {
        for (final ExecCommand command : declare())
        {
            GRAMMAR.add(Mode.EXEC, command.syntax(), command);
            if (command.inConfigModes())
            {
                GRAMMAR.add(Mode.CONFIG, command.syntax(), command);
            }
        }
    }

    private ExecCommands()
    {
    }

    static Grammar<ExecCommand> grammar()
    {
        return GRAMMAR;
    }

    private static List<ExecCommand> declare()
    {
        final List<ExecCommand> commands = new ArrayList<>();
        commands.add(ExecCommand.declare("Enter configuration mode")
            .kw("configure", "Enter configuration mode").kw("terminal", "Configure from the terminal")
            .does((session, args) -> session.enterConfiguration()));
        commands.add(ExecCommand.declare("Exit from the EXEC")
            .kw("exit", "Exit from the EXEC")
            .does((session, args) -> session.close()));
        commands.add(ExecCommand.declare("Show the running configuration")
            .kw("show", "Show running system information").kw("running-config", "Show the running configuration")
            .repeatChoice(0, 4, "section", sectionChoices())
            .alsoInConfigModes()
            .does((session, args) -> session.print(session.context().config().runningConfig(args.all("section")))));
        commands.add(ExecCommand.declare("Show the startup configuration")
            .kw("show", "Show running system information").kw("startup-config", "Show the startup configuration")
            .alsoInConfigModes()
            .does(ExecCommands::showStartupConfig));
        commands.add(ExecCommand.declare("Save the running configuration")
            .kw("write", "Write the running configuration").kw("memory", "Save it as the startup configuration")
            .alsoInConfigModes()
            .does(ExecCommands::writeMemory));
        commands.add(ExecCommand.declare("Save the running configuration")
            .kw("copy", "Copy a configuration").kw("running-config", "Copy from the running configuration")
            .kw("startup-config", "Copy to the startup configuration")
            .alsoInConfigModes()
            .does(ExecCommands::writeMemory));
        commands.add(ExecCommand.declare("Show the software version")
            .kw("show", "Show running system information").kw("version", "Show the software version and uptime")
            .alsoInConfigModes()
            .does(ExecCommands::showVersion));
        commands.add(ExecCommand.declare("Show the data plane counters")
            .kw("show", "Show running system information").kw("counters", "Show the data plane counters")
            .alsoInConfigModes()
            .does(ExecCommands::showCounters));
        commands.add(ExecCommand.declare("Show the VPN sessions")
            .kw("show", "Show running system information").kw("vpn-sessiondb", "Show the VPN sessions")
            .optional(null, p -> p.kw("anyconnect", "Show AnyConnect sessions"))
            .alsoInConfigModes()
            .does((session, args) -> session.print(SessionDbFormatter.format(
                session.context().sessions().sessions()))));
        commands.add(ExecCommand.declare("Log off VPN sessions")
            .kw("vpn-sessiondb", "Manage the VPN sessions").kw("logoff", "Log off VPN sessions")
            .kw("name", "Log off the sessions of a user").arg("name", ArgTypes.NAME, "User name")
            .optional("noconfirm", p -> p.kw("noconfirm", "Do not ask for confirmation"))
            .alsoInConfigModes()
            .does((session, args) -> logoff(session, args, "with name \"" + args.get("name") + "\"",
                () -> session.context().sessions().logoffByName(args.get("name")))));
        commands.add(ExecCommand.declare("Log off VPN sessions")
            .kw("vpn-sessiondb", "Manage the VPN sessions").kw("logoff", "Log off VPN sessions")
            .kw("index", "Log off one session by its index")
            .arg("index", ArgTypes.integer(1, Integer.MAX_VALUE), "Session index")
            .optional("noconfirm", p -> p.kw("noconfirm", "Do not ask for confirmation"))
            .alsoInConfigModes()
            .does((session, args) -> logoff(session, args, "with index \"" + args.get("index") + "\"",
                () -> session.context().sessions().logoffByIndex(args.<Integer>get("index")))));
        commands.add(ExecCommand.declare("Log off VPN sessions")
            .kw("vpn-sessiondb", "Manage the VPN sessions").kw("logoff", "Log off VPN sessions")
            .optional(null, p -> p.kw("all", "Log off every session"))
            .optional("noconfirm", p -> p.kw("noconfirm", "Do not ask for confirmation"))
            .alsoInConfigModes()
            .does((session, args) -> logoff(session, args, "of type \"all\"",
                () -> session.context().sessions().logoffAll())));
        return commands;
    }

    private static String[] sectionChoices()
    {
        final List<String> pairs = new ArrayList<>();
        for (final String word : ConfigLanguage.sectionKeywords())
        {
            pairs.add(word);
            pairs.add("Show the " + word + " configuration");
        }
        return pairs.toArray(String[]::new);
    }

    private static void showStartupConfig(final CliSession session, final Arguments args) throws IOException
    {
        try
        {
            session.print(session.context().config().startupConfigText());
        }
        catch (final IOException ex)
        {
            session.print("ERROR: " + ex.getMessage() + "\n");
        }
    }

    private static void writeMemory(final CliSession session, final Arguments args) throws IOException
    {
        session.print("Building configuration...\n");
        final long started = System.nanoTime();
        final String written;
        try
        {
            written = session.context().config().writeMemory();
        }
        catch (final IOException ex)
        {
            session.print("ERROR: " + ex.getMessage() + "\n");
            return;
        }
        final byte[] bytes = written.getBytes(StandardCharsets.UTF_8);
        final String digest = HexFormat.of().formatHex(md5(bytes));
        final double seconds = (System.nanoTime() - started) / 1e9;
        session.print("Cryptochecksum: " + digest.substring(0, 8) + " " + digest.substring(8, 16) + " "
            + digest.substring(16, 24) + " " + digest.substring(24) + "\n\n"
            + bytes.length + " bytes copied in " + String.format("%.3f", seconds) + " secs\n[OK]\n");
    }

    private static byte[] md5(final byte[] bytes)
    {
        try
        {
            return MessageDigest.getInstance("MD5").digest(bytes);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("MD5 is a required JDK algorithm", ex);
        }
    }

    private static void showVersion(final CliSession session, final Arguments args) throws IOException
    {
        final CliContext context = session.context();
        final Duration up = Duration.between(context.started(), context.clock().instant());
        session.print("\nHeadend Software Version " + context.version() + "\n"
            + "Java " + Runtime.version() + "\n\n"
            + context.config().current().hostname() + " up " + up.toDays() + " days " + up.toHoursPart()
            + " hours " + up.toMinutesPart() + " mins\n");
    }

    private static void showCounters(final CliSession session, final Arguments args) throws IOException
    {
        final List<Map.Entry<String, Long>> counters = session.context().counters().get();
        int nameWidth = "Counter".length();
        int valueWidth = "Value".length();
        for (final Map.Entry<String, Long> counter : counters)
        {
            nameWidth = Math.max(nameWidth, counter.getKey().length());
            valueWidth = Math.max(valueWidth, Long.toString(counter.getValue()).length());
        }
        final String format = "%-" + nameWidth + "s  %" + valueWidth + "s\n";
        final StringBuilder out = new StringBuilder(String.format(format, "Counter", "Value"));
        for (final Map.Entry<String, Long> counter : counters)
        {
            out.append(String.format(format, counter.getKey(), counter.getValue()));
        }
        session.print(out.toString());
    }

    /** Counts the sessions a logoff ended. */
    @FunctionalInterface
    private interface Logoff
    {
        int run();
    }

    private static void logoff(final CliSession session, final Arguments args, final String what,
        final Logoff logoff) throws IOException
    {
        if (!args.has("noconfirm") && !session.confirm("Do you want to logoff the VPN session(s)? [confirm]"))
        {
            return;
        }
        session.print("INFO: Number of sessions " + what + " logged off : " + logoff.run() + "\n");
    }
}
