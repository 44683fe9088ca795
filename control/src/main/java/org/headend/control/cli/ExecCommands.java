package org.headend.control.cli;

import org.headend.control.flash.FlashStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.headend.control.config.AnyconnectImage;
import org.headend.control.portal.ClientFiles;
import org.headend.control.config.ConfigException;
import org.headend.control.config.ConfigLanguage;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.InterfaceConfig;
import org.headend.control.config.IpLocalPool;
import org.headend.control.config.grammar.ArgType;
import org.headend.control.config.grammar.ArgTypes;
import org.headend.control.config.grammar.Arguments;
import org.headend.control.config.grammar.Grammar;
import org.headend.control.config.grammar.Ipv4;
import org.headend.control.config.grammar.Mode;
import org.headend.control.session.SessionView;

/**
 * The exec commands, declared once. The grammar holds them under {@link Mode#EXEC}, those user EXEC offers also
 * under {@link Mode#USER_EXEC}, and those the ASA also allows in configuration modes ({@code show}, {@code write},
 * …) under {@link Mode#CONFIG}.
 */
final class ExecCommands
{
    /** The TUN device the inside traffic goes through (see InsideInterface). */
    static final String TUN_DEVICE = "headend0";
    private static final Grammar<ExecCommand> GRAMMAR = new Grammar<>();
    private static final DateTimeFormatter CLOCK =
        DateTimeFormatter.ofPattern("HH:mm:ss.SSS 'UTC' EEE MMM d yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DIR_TIME =
        DateTimeFormatter.ofPattern("HH:mm:ss MMM dd yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    /** A disk0: path; empty means the store itself. */
    private static final ArgType<String> FLASH_PATH = new ArgType<>()
    {
        @Override
        public String parse(final String token)
        {
            return ArgTypes.normalizeFlashPath(token);
        }

        @Override
        public String format(final String value)
        {
            return value;
        }

        @Override
        public String syntax()
        {
            return "disk0:/PATH";
        }
    };

    static
    {
        for (final ExecCommand command : declare())
        {
            GRAMMAR.add(Mode.EXEC, command.syntax(), command);
            if (command.inUserExec())
            {
                GRAMMAR.add(Mode.USER_EXEC, command.syntax(), command);
            }
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
        declareSessionControl(commands);
        declareConfiguration(commands);
        declareShows(commands);
        declareVpnSessions(commands);
        declareFlash(commands);
        declareAaa(commands);
        AaaServerCommands.declare(commands);
        TotpCommands.declare(commands);
        LoggingCommands.declare(commands);
        ClientCommands.declare(commands);
        return commands;
    }

    private static void declareSessionControl(final List<ExecCommand> commands)
    {
        commands.add(ExecCommand.declare("Turn on privileged commands")
            .kw("enable", "Turn on privileged commands")
            .alsoInUserExec()
            .does((session, args) -> session.enable()));
        commands.add(ExecCommand.declare("Turn off privileged commands")
            .kw("disable", "Turn off privileged commands")
            .does((session, args) ->
            {
                session.disable();
                session.audit("disable", "ok");
            }));
        for (final String word : List.of("exit", "quit", "logout"))
        {
            commands.add(ExecCommand.declare("Exit from the EXEC")
                .kw(word, word.equals("logout") ? "Log out of this session" : "Exit from the EXEC")
                .alsoInUserExec()
                .does((session, args) -> session.close()));
        }
        commands.add(ExecCommand.declare("Enter configuration mode")
            .kw("configure", "Enter configuration mode").kw("terminal", "Configure from the terminal")
            .does((session, args) ->
            {
                session.enterConfiguration();
                session.audit("configure terminal", "ok");
            }));
    }

    private static void declareConfiguration(final List<ExecCommand> commands)
    {
        commands.add(ExecCommand.declare("Show the running configuration")
            .kw("show", "Show running system information").kw("running-config", "Show the running configuration")
            .repeatChoice(0, 4, "section", sectionChoices())
            .alsoInConfigModes()
            .shows((session, args) -> configOutput(AaaServerCommands.maskKeys(
                session.context().config().runningConfig(args.all("section"))))));
        commands.add(ExecCommand.declare("Show the startup configuration")
            .kw("show", "Show running system information").kw("startup-config", "Show the startup configuration")
            .alsoInConfigModes()
            .shows(ExecCommands::showStartupConfig));
        commands.add(ExecCommand.declare("Save the running configuration")
            .kw("write", "Write the running configuration").kw("memory", "Save it as the startup configuration")
            .alsoInConfigModes()
            .does(ExecCommands::writeMemory));
        commands.add(ExecCommand.declare("Save the running configuration")
            .kw("copy", "Copy a configuration").kw("running-config", "Copy from the running configuration")
            .kw("startup-config", "Copy to the startup configuration")
            .alsoInConfigModes()
            .does(ExecCommands::writeMemory));
        commands.add(ExecCommand.declare("Merge a file into the running configuration")
            .kw("copy", "Copy a configuration")
            .arg("source", ArgTypes.flashFile(""), "A configuration file on disk0:")
            .kw("running-config", "Merge it into the running configuration, all or nothing")
            .alsoInConfigModes()
            .does(ExecCommands::copyToRunning));
    }

    private static void declareShows(final List<ExecCommand> commands)
    {
        commands.add(ExecCommand.declare("Show the software version")
            .kw("show", "Show running system information").kw("version", "Show the software version and uptime")
            .alsoInConfigModes().alsoInUserExec()
            .shows(ExecCommands::showVersion));
        commands.add(ExecCommand.declare("Show the system clock")
            .kw("show", "Show running system information").kw("clock", "Show the system clock")
            .alsoInConfigModes().alsoInUserExec()
            .shows((session, args) ->
            {
                final Instant now = session.context().clock().instant();
                return new Output(CLOCK.format(now) + "\n", Map.of("utc", now.toString()));
            }));
        commands.add(ExecCommand.declare("Show the VPN load-balancing cluster")
            .kw("show", "Show running system information").kw("vpn", "Show VPN information")
            .kw("load-balancing", "Show the VPN load-balancing cluster's members, director and load")
            .alsoInConfigModes()
            .shows(ExecCommands::showLoadBalancing));
        commands.add(ExecCommand.declare("Show the VPN load-balancing cluster")
            // the form before "show vpn load-balancing" existed; scripts and tests use it
            .kw("show", "Show running system information")
            .kw("load-balancing", "Show the VPN load-balancing cluster's members, director and load")
            .alsoInConfigModes()
            .shows(ExecCommands::showLoadBalancing));
        commands.add(ExecCommand.declare("Show the data plane counters")
            .kw("show", "Show running system information").kw("counters", "Show the data plane counters")
            .alsoInConfigModes()
            .shows(ExecCommands::showCounters));
        commands.add(ExecCommand.declare("Show interfaces and their counters")
            .kw("show", "Show running system information").kw("interface", "Show interfaces and their counters")
            .optional(null, p -> p.arg("ifname", ArgTypes.IFNAME, "One interface"))
            .alsoInConfigModes()
            .shows(ExecCommands::showInterface));
        commands.add(ExecCommand.declare("Show the AnyConnect packages")
            .kw("show", "Show running system information").kw("webvpn", "Show WebVPN information")
            .kw("anyconnect", "Show the AnyConnect client packages")
            .alsoInConfigModes()
            .shows(ExecCommands::showWebvpnAnyconnect));
        commands.add(ExecCommand.declare("Show the IKEv2 SAs")
            .kw("show", "Show running system information").kw("crypto", "Show IKE and IPsec state")
            .kw("ikev2", "Show IKEv2 state").kw("sa", "Show the IKEv2 SAs")
            .alsoInConfigModes()
            .shows((session, args) -> new Output(session.context().services().crypto().ikev2Sas(), Map.of())));
        commands.add(ExecCommand.declare("Show the IKEv2 counters")
            .kw("show", "Show running system information").kw("crypto", "Show IKE and IPsec state")
            .kw("ikev2", "Show IKEv2 state").kw("stats", "Show the IKEv2 SA and fragmentation counters")
            .alsoInConfigModes()
            .shows((session, args) -> new Output(session.context().services().crypto().ikev2Stats(), Map.of())));
        commands.add(ExecCommand.declare("Show the IPsec SAs")
            .kw("show", "Show running system information").kw("crypto", "Show IKE and IPsec state")
            .kw("ipsec", "Show IPsec state").kw("sa", "Show the IPsec SAs with their SPIs and counters")
            .alsoInConfigModes()
            .shows((session, args) -> new Output(session.context().services().crypto().ipsecSas(), Map.of())));
        commands.add(ExecCommand.declare("Show the SSH sessions")
            .kw("show", "Show running system information").kw("ssh", "Show SSH information")
            .kw("sessions", "Show the open management sessions")
            .alsoInConfigModes()
            .shows(ExecCommands::showSshSessions));
    }

    private static void declareVpnSessions(final List<ExecCommand> commands)
    {
        commands.add(ExecCommand.declare("Show the VPN sessions")
            .kw("show", "Show running system information").kw("vpn-sessiondb", "Show the VPN sessions")
            .optional("detail", p -> p.kw("detail", "Show every field and each tunnel"))
            .optional("anyconnect", p -> p.kw("anyconnect", "Show AnyConnect sessions"))
            .optional("detail", p -> p.kw("detail", "Show every field and each tunnel"))
            .optional(null, p -> p.kw("filter", "Show only some sessions").kw("name", "Sessions of one user")
                .arg("name", ArgTypes.NAME, "User name"))
            .alsoInConfigModes()
            .shows(ExecCommands::showSessions));
        commands.add(ExecCommand.declare("Show the VPN sessions")
            .kw("show", "Show running system information").kw("vpn-sessiondb", "Show the VPN sessions")
            .kw("webvpn", "Show clientless sessions: portal logins without a client tunnel")
            .optional(null, p -> p.kw("filter", "Show only some sessions").kw("name", "Sessions of one user")
                .arg("name", ArgTypes.NAME, "User name"))
            .alsoInConfigModes()
            .shows((session, args) ->
            {
                final List<SessionView> portal = SessionDbFormatter.portal(named(session, args));
                return new Output(SessionDbFormatter.webvpn(portal),
                    Map.of("sessions", SessionDbFormatter.data(portal)));
            }));
        commands.add(ExecCommand.declare("Show the VPN session summary")
            .kw("show", "Show running system information").kw("vpn-sessiondb", "Show the VPN sessions")
            .kw("summary", "Show session and tunnel counts")
            .alsoInConfigModes()
            .shows((session, args) ->
            {
                final List<SessionView> sessions = session.context().sessions().sessions();
                final var totals = session.context().sessions().totals();
                final long capacity = capacity(session.context().config().current());
                return new Output(SessionDbFormatter.summary(sessions, totals, capacity),
                    SessionDbFormatter.summaryData(sessions, totals, capacity));
            }));
        commands.add(ExecCommand.declare("Show the VPN sessions per cipher")
            .kw("show", "Show running system information").kw("vpn-sessiondb", "Show the VPN sessions")
            .kw("ratio", "Show the share of sessions per kind").kw("encryption", "Per encryption algorithm")
            .alsoInConfigModes()
            .shows((session, args) ->
            {
                final List<SessionView> sessions = session.context().sessions().sessions();
                return new Output(SessionDbFormatter.ratio(sessions), SessionDbFormatter.ratioCounts(sessions));
            }));
        commands.add(ExecCommand.declare("Log off VPN sessions")
            .kw("vpn-sessiondb", "Manage the VPN sessions").kw("logoff", "Log off VPN sessions")
            .kw("name", "Log off the sessions of a user").arg("name", ArgTypes.NAME, "User name")
            .optional("noconfirm", p -> p.kw("noconfirm", "Do not ask for confirmation"))
            .alsoInConfigModes()
            .does((session, args) -> logoff(session, args, "with name \"" + args.get("name") + "\"",
                "vpn-sessiondb logoff name " + args.get("name"),
                () -> session.context().sessions().logoffByName(args.get("name")))));
        commands.add(ExecCommand.declare("Log off VPN sessions")
            .kw("vpn-sessiondb", "Manage the VPN sessions").kw("logoff", "Log off VPN sessions")
            .kw("index", "Log off one session by its index")
            .arg("index", ArgTypes.integer(1, Integer.MAX_VALUE), "Session index")
            .optional("noconfirm", p -> p.kw("noconfirm", "Do not ask for confirmation"))
            .alsoInConfigModes()
            .does((session, args) -> logoff(session, args, "with index \"" + args.get("index") + "\"",
                "vpn-sessiondb logoff index " + args.get("index"),
                () -> session.context().sessions().logoffByIndex(args.<Integer>get("index")))));
        commands.add(ExecCommand.declare("Log off VPN sessions")
            .kw("vpn-sessiondb", "Manage the VPN sessions").kw("logoff", "Log off VPN sessions")
            .kw("all", "Log off every session")
            .optional("noconfirm", p -> p.kw("noconfirm", "Do not ask for confirmation"))
            .alsoInConfigModes()
            .does((session, args) -> logoff(session, args, "of type \"all\"", "vpn-sessiondb logoff all",
                () -> session.context().sessions().logoffAll())));
        // the seed's bare form: every session, no question, and the type it prints is empty
        commands.add(ExecCommand.declare("Log off VPN sessions")
            .kw("vpn-sessiondb", "Manage the VPN sessions").kw("logoff", "Log off VPN sessions")
            .optional("noconfirm", p -> p.kw("noconfirm", "Do not ask for confirmation"))
            .alsoInConfigModes()
            .does((session, args) -> logoffWithoutAsking(session, "of type \"\"", "vpn-sessiondb logoff",
                () -> session.context().sessions().logoffAll())));
    }

    private static void declareFlash(final List<ExecCommand> commands)
    {
        commands.add(ExecCommand.declare("List files on disk0:")
            .kw("dir", "List files on disk0:")
            .optional(null, p -> p.arg("path", FLASH_PATH, "Directory, default disk0:/"))
            .alsoInConfigModes()
            .shows(ExecCommands::dir));
        commands.add(ExecCommand.declare("Show a file on disk0:")
            .kw("more", "Show the contents of a file")
            .arg("path", FLASH_PATH, "The file")
            .alsoInConfigModes()
            .shows(ExecCommands::more));
        commands.add(ExecCommand.declare("Delete a file on disk0:")
            .kw("delete", "Delete a file")
            .optional("noconfirm", p -> p.kw("/noconfirm", "Do not ask for confirmation"))
            .arg("path", FLASH_PATH, "The file")
            .alsoInConfigModes()
            .does(ExecCommands::delete));
    }

    private static void declareAaa(final List<ExecCommand> commands)
    {
        commands.add(ExecCommand.declare("Show failed logins of local users")
            .kw("show", "Show running system information").kw("aaa", "Show AAA information")
            .kw("local", "The local user database").kw("user", "Failed logins and lockouts of local users")
            .optional("locked", p -> p.kw("locked", "Only locked-out users"))
            .alsoInConfigModes()
            .shows(ExecCommands::showAaaLocalUser));
        for (final String what : List.of("lockout", "fail-attempts"))
        {
            commands.add(ExecCommand.declare("Clear failed logins of local users")
                .kw("clear", "Reset functions").kw("aaa", "Clear AAA information")
                .kw("local", "The local user database").kw("user", "Local users")
                .kw(what, what.equals("lockout") ? "Unlock users" : "Reset the failed-attempt counts")
                .choice("scope", "all", "Every user", "username", "One user")
                .optional(null, p -> p.arg("name", ArgTypes.NAME, "User name"))
                .alsoInConfigModes()
                .does((session, args) -> clearAaa(session, args, what)));
        }
    }

    // ---------------------------------------------------------------- configuration

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

    /** Configuration text and, as data, its lines nested by indentation. */
    static Output configOutput(final String text)
    {
        final List<Map<String, Object>> roots = new ArrayList<>();
        final List<List<Map<String, Object>>> levels = new ArrayList<>();
        levels.add(roots);
        for (final String line : text.split("\n"))
        {
            final String stripped = line.strip();
            if (stripped.isEmpty() || stripped.equals("!") || stripped.startsWith(":"))
            {
                continue;
            }
            final int depth = Math.min(line.length() - line.stripLeading().length(), levels.size() - 1);
            final Map<String, Object> node = new LinkedHashMap<>();
            final List<Map<String, Object>> children = new ArrayList<>();
            node.put("line", stripped);
            node.put("children", children);
            levels.get(depth).add(node);
            while (levels.size() > depth + 1)
            {
                levels.removeLast();
            }
            levels.add(children);
        }
        return new Output(text, Map.of("config", roots));
    }

    private static Output showStartupConfig(final CliSession session, final Arguments args)
    {
        try
        {
            return configOutput(AaaServerCommands.maskKeys(session.context().config().startupConfigText()));
        }
        catch (final IOException ex)
        {
            return new Output("ERROR: " + ex.getMessage() + "\n", Map.of("error", ex.getMessage()));
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
            session.audit("write memory", "failed: " + ex.getMessage());
            return;
        }
        final byte[] bytes = written.getBytes(StandardCharsets.UTF_8);
        final String digest = HexFormat.of().formatHex(digest("MD5", bytes));
        final double seconds = (System.nanoTime() - started) / 1e9;
        session.print("Cryptochecksum: " + digest.substring(0, 8) + " " + digest.substring(8, 16) + " "
            + digest.substring(16, 24) + " " + digest.substring(24) + "\n\n"
            + bytes.length + " bytes copied in " + String.format("%.3f", seconds) + " secs\n[OK]\n");
        session.audit("write memory", "ok");
    }

    private static void copyToRunning(final CliSession session, final Arguments args) throws IOException
    {
        final String source = args.get("source");
        final String command = "copy " + source + " running-config";
        final FlashStore flash = session.context().services().flash();
        if (flash == null)
        {
            session.print("ERROR: % disk0: is not available\n");
            return;
        }
        final byte[] bytes;
        try
        {
            bytes = flash.read(flash.resolve(source));
        }
        catch (final IllegalArgumentException | IOException ex)
        {
            session.print("ERROR: %Error opening " + source + " (" + describe(ex) + ")\n");
            session.audit(command, "failed: " + describe(ex));
            return;
        }
        try
        {
            session.context().config().merge(bytes, source);
        }
        catch (final ConfigException ex)
        {
            session.print("ERROR: " + ex.getMessage() + "\nERROR: the running configuration is unchanged\n");
            session.audit(command, "refused: " + ex.getMessage());
            return;
        }
        session.print(bytes.length + " bytes copied\n");
        session.audit(command, "ok");
    }

    // ---------------------------------------------------------------- shows

    private static Output showVersion(final CliSession session, final Arguments args)
    {
        final CliContext context = session.context();
        final Duration up = Duration.between(context.started(), context.clock().instant());
        final String hostname = context.config().current().hostname();
        final String text = "\nHeadend Software Version " + context.version() + "\n"
            + "Java " + Runtime.version() + "\n\n"
            + hostname + " up " + up.toDays() + " days " + up.toHoursPart()
            + " hours " + up.toMinutesPart() + " mins\n";
        final Map<String, Object> data = new LinkedHashMap<>();
        data.put("version", context.version());
        data.put("java", Runtime.version().toString());
        data.put("hostname", hostname);
        data.put("uptimeSeconds", up.toSeconds());
        return new Output(text, data);
    }

    private static Output showLoadBalancing(final CliSession session, final Arguments args)
    {
        if (!(session.context().sessions() instanceof org.headend.control.cluster.ClusterDirectory lb))
        {
            return new Output("VPN load-balancing is not active on this device\n", Map.of("active", false));
        }
        try
        {
            final Map.Entry<String, Object> report = org.headend.control.cluster.LoadBalancingReport.of(
                lb.cluster());
            return new Output(report.getKey(), report.getValue());
        }
        catch (final Exception ex)
        {
            return new Output("ERROR: the cluster did not answer: " + ex.getMessage() + "\n",
                Map.of("error", String.valueOf(ex.getMessage())));
        }
    }

    private static Output showCounters(final CliSession session, final Arguments args)
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
        final Map<String, Object> data = new LinkedHashMap<>();
        for (final Map.Entry<String, Long> counter : counters)
        {
            out.append(String.format(format, counter.getKey(), counter.getValue()));
            data.put(counter.getKey(), counter.getValue());
        }
        return new Output(out.toString(), data);
    }

    /** The sessions, only those of {@code filter name USER} when given. */
    private static List<SessionView> named(final CliSession session, final Arguments args)
    {
        final List<SessionView> sessions = session.context().sessions().sessions();
        if (!args.has("name"))
        {
            return sessions;
        }
        final String name = args.get("name");
        return sessions.stream().filter(s -> s.username().equals(name)).toList();
    }

    private static Output showSessions(final CliSession session, final Arguments args)
    {
        final List<SessionView> all = named(session, args);
        // the anyconnect and detail forms list client sessions only; the plain form adds the portal logins apart
        final List<SessionView> sessions = args.has("anyconnect") || args.has("detail")
            ? SessionDbFormatter.clients(all) : all;
        if (args.has("detail"))
        {
            // the effective policy as the current configuration resolves it for the session's user and group, and
            // for the group-policy a RADIUS server assigned (at login or by CoA) when that is another one
            final HeadendConfig config = session.context().config().current();
            final Function<SessionView, EffectivePolicy> policies = s ->
            {
                final EffectivePolicy own = config.effectivePolicy(s.tunnelGroup(), s.username());
                return own.groupPolicyName().equals(s.groupPolicy()) ? own
                    : config.effectivePolicy(s.tunnelGroup(), s.username(), s.groupPolicy());
            };
            final List<Map<String, Object>> data = SessionDbFormatter.data(sessions);
            for (int i = 0; i < sessions.size(); i++)
            {
                data.get(i).put("effectivePolicy", SessionDbFormatter.policyData(policies.apply(sessions.get(i))));
            }
            return new Output(SessionDbFormatter.detail(sessions, policies), Map.of("sessions", data));
        }
        final String text = args.has("anyconnect") ? SessionDbFormatter.format(sessions)
            : SessionDbFormatter.plain(sessions);
        if (!args.has("anyconnect") && session.context().sessions()
            instanceof org.headend.control.cluster.ClusterDirectory lb)
        {
            return withClusterSessions(text, sessions, lb, args.has("name") ? args.get("name") : null);
        }
        return new Output(text, Map.of("sessions", SessionDbFormatter.data(sessions)));
    }

    /** On a cluster member, the plain form goes on with every session in the cluster and its owning member. */
    private static Output withClusterSessions(final String local, final List<SessionView> sessions,
        final org.headend.control.cluster.ClusterDirectory lb, final String user)
    {
        try
        {
            final var cluster = org.headend.control.cluster.ClusterSessionsReport.of(lb.cluster(), user);
            return new Output(local + cluster.getKey(), Map.of("sessions", SessionDbFormatter.data(sessions),
                "cluster", cluster.getValue()));
        }
        catch (final Exception ex)
        {
            return new Output(local + "\nERROR: the cluster did not answer: " + ex + "\n",
                Map.of("sessions", SessionDbFormatter.data(sessions), "clusterError", String.valueOf(ex)));
        }
    }

    /** Addresses in every pool: what the appliance can serve at once. */
    private static long capacity(final HeadendConfig config)
    {
        long total = 0;
        for (final IpLocalPool pool : config.pools().values())
        {
            total += Ipv4.toLong(pool.last()) - Ipv4.toLong(pool.first()) + 1;
        }
        // vpn-sessiondb max-anyconnect-premium-or-essentials-limit caps what the pools could hold
        final int limit = config.globals().sessionLimit();
        return limit > 0 ? Math.min(total, limit) : total;
    }

    private static Output showInterface(final CliSession session, final Arguments args)
    {
        final HeadendConfig config = session.context().config().current();
        final Map<String, String> interfaces = new LinkedHashMap<>();
        for (final InterfaceConfig iface : config.interfaces())
        {
            interfaces.put(iface.ifname(), iface.nameif() == null ? "" : iface.nameif());
        }
        interfaces.putIfAbsent(TUN_DEVICE, "");
        if (args.has("ifname"))
        {
            final String only = args.get("ifname");
            interfaces.keySet().retainAll(List.of(only));
            if (interfaces.isEmpty())
            {
                interfaces.put(only, "");
            }
        }
        final StringBuilder out = new StringBuilder();
        final List<Map<String, Object>> data = new ArrayList<>();
        for (final Map.Entry<String, String> iface : interfaces.entrySet())
        {
            final InterfaceStats.Snapshot s = session.context().services().interfaces().read(iface.getKey());
            final Map<String, Object> item = new LinkedHashMap<>();
            item.put("interface", iface.getKey());
            item.put("nameif", iface.getValue());
            item.put("exists", s.exists());
            if (!s.exists())
            {
                out.append("Interface ").append(iface.getKey()).append(" \"").append(iface.getValue())
                    .append("\", is not present\n");
                data.add(item);
                continue;
            }
            out.append("Interface ").append(iface.getKey()).append(" \"").append(iface.getValue()).append("\", is ")
                .append(s.up() ? "up" : "administratively down").append(", line protocol is ")
                .append(s.lineUp() ? "up" : "down").append('\n');
            out.append("  Hardware is ").append(iface.getKey().equals(TUN_DEVICE) ? "tun (VPN inside)" : "ethernet")
                .append('\n');
            out.append("        MAC address ").append(s.mac().isEmpty() ? "none" : dottedMac(s.mac()))
                .append(", MTU ").append(s.mtu()).append('\n');
            if (s.addresses().isEmpty())
            {
                out.append("        IP address unassigned\n");
            }
            for (final String address : s.addresses())
            {
                final int slash = address.indexOf('/');
                final long mask = slash < 0 ? 0 : (0xFFFF_FFFFL << (32 - Integer.parseInt(address.substring(slash
                    + 1)))) & 0xFFFF_FFFFL;
                out.append("        IP address ").append(address, 0, slash < 0 ? address.length() : slash)
                    .append(", subnet mask ").append(Ipv4.format(Ipv4.fromLong(mask))).append('\n');
            }
            out.append(String.format("        %d packets input, %d bytes, %d no buffer%n", s.counter("rx_packets"),
                s.counter("rx_bytes"), s.counter("rx_fifo_errors")));
            out.append(String.format("        Received %d broadcasts, 0 runts, 0 giants%n", s.counter("multicast")));
            out.append(String.format("        %d input errors, %d CRC, %d frame, %d overrun, 0 ignored, 0 abort%n",
                s.counter("rx_errors"), s.counter("rx_crc_errors"), s.counter("rx_frame_errors"),
                s.counter("rx_over_errors")));
            out.append(String.format("        %d packets output, %d bytes, %d underruns%n", s.counter("tx_packets"),
                s.counter("tx_bytes"), s.counter("tx_fifo_errors")));
            out.append(String.format("        %d output errors, %d collisions, 0 interface resets%n",
                s.counter("tx_errors"), s.counter("collisions")));
            out.append(String.format("        %d input drops, %d output drops%n", s.counter("rx_dropped"),
                s.counter("tx_dropped")));
            item.put("up", s.up());
            item.put("lineProtocolUp", s.lineUp());
            item.put("mac", s.mac());
            item.put("mtu", s.mtu());
            item.put("addresses", s.addresses());
            item.put("counters", s.counters());
            data.add(item);
        }
        return new Output(out.toString(), Map.of("interfaces", data));
    }

    private static String dottedMac(final String mac)
    {
        final String hex = mac.replace(":", "").toLowerCase(Locale.ROOT);
        if (hex.length() != 12)
        {
            return mac;
        }
        return hex.substring(0, 4) + "." + hex.substring(4, 8) + "." + hex.substring(8);
    }

    private static Output showWebvpnAnyconnect(final CliSession session, final Arguments args)
    {
        final HeadendConfig config = session.context().config().current();
        if (!config.webvpn().anyconnectEnabled() || config.webvpn().enabledNameifs().isEmpty())
        {
            return new Output("SSL VPN is not enabled\n", Map.of("enabled", false, "images", List.of()));
        }
        final List<AnyconnectImage> images = config.webvpn().images();
        if (images.isEmpty())
        {
            return new Output("No AnyConnect Client images are installed\n",
                Map.of("enabled", true, "images", List.of()));
        }
        final FlashStore flash = session.context().services().flash();
        final StringBuilder out = new StringBuilder();
        final List<Map<String, Object>> data = new ArrayList<>();
        int n = 0;
        for (final AnyconnectImage image : images)
        {
            String sha256 = null;
            long size = -1;
            if (flash != null)
            {
                try
                {
                    final Path file = flash.resolve(image.path());
                    sha256 = sha256(file);
                    size = Files.size(file);
                }
                catch (final IllegalArgumentException | IOException ex)
                {
                    sha256 = null;
                }
            }
            final ClientFiles files = session.context().services().clientFiles();
            final ClientFiles.Slot slot = files == null ? null : files.slots().stream()
                .filter(s -> s.image().path().equals(image.path())).findFirst().orElse(null);
            out.append(++n).append(". ").append(image.path()).append(' ').append(image.order()).append('\n');
            if (slot != null)
            {
                out.append("  ").append(slot.pkg().displayName()).append(' ').append(slot.pkg().version())
                    .append(" for ").append(slot.pkg().platform()).append(", /CACHE/stc/").append(slot.number())
                    .append('\n');
                if (!slot.pkg().modules().isEmpty())
                {
                    out.append("  modules: ").append(String.join(", ", slot.pkg().modules().keySet())).append('\n');
                }
                final ClientFiles.Slot first = files.shadowing(slot);
                if (first != null)
                {
                    out.append("  WARNING: ").append(first.image().path()).append(" is also for ")
                        .append(slot.pkg().platform()).append(" and comes first: this package is never offered\n");
                }
            }
            else if (files != null)
            {
                out.append("  ERROR: not a valid package; not offered to clients\n");
            }
            out.append("  ").append(sha256 == null ? "ERROR: the file is missing from disk0:" : "SHA-256: " + sha256)
                .append('\n').append('\n');
            final Map<String, Object> item = new LinkedHashMap<>();
            if (slot != null)
            {
                item.put("version", slot.pkg().version());
                item.put("platform", slot.pkg().platform());
                item.put("slot", slot.number());
                item.put("servedSha256", slot.sha256());
            }
            item.put("path", image.path());
            item.put("order", image.order());
            item.put("sha256", sha256);
            item.put("size", size);
            data.add(item);
        }
        out.append(images.size()).append(" AnyConnect Client(s) installed\n");
        return new Output(out.toString(), Map.of("enabled", true, "images", data));
    }

    private static Output showSshSessions(final CliSession session, final Arguments args)
    {
        final StringBuilder out = new StringBuilder(String.format("%-4s %-18s %-8s %-16s %s%n", "SID", "Client IP",
            "Version", "Username", "Since"));
        final List<Map<String, Object>> data = new ArrayList<>();
        for (final Operators.Entry e : session.context().services().operators().list())
        {
            if (!e.ssh())
            {
                continue;
            }
            out.append(String.format("%-4d %-18s %-8s %-16s %s%n", e.id(), e.from(), "2.0", e.user(),
                CLOCK.format(e.since())));
            final Map<String, Object> item = new LinkedHashMap<>();
            item.put("sid", e.id());
            item.put("clientIp", e.from());
            item.put("username", e.user());
            item.put("since", e.since().toString());
            data.add(item);
        }
        return new Output(out.toString(), Map.of("sessions", data));
    }

    private static Output showAaaLocalUser(final CliSession session, final Arguments args)
    {
        final LoginGuard logins = session.context().services().logins();
        final StringBuilder out = new StringBuilder(String.format("%-9s %-15s %-6s %s%n", "Lock-time",
            "Failed-attempts", "Locked", "User"));
        final List<Map<String, Object>> data = new ArrayList<>();
        for (final LoginGuard.Row row : logins.rows())
        {
            if (args.has("locked") && !row.locked())
            {
                continue;
            }
            out.append(String.format("%9s %15d %6s %s%n", "-", row.failures(), row.locked() ? "Y" : "N", row.user()));
            data.add(Map.of("user", row.user(), "failedAttempts", row.failures(), "locked", row.locked()));
        }
        return new Output(out.toString(), Map.of("users", data, "failedLoginsTotal", logins.totalFailures()));
    }

    private static void clearAaa(final CliSession session, final Arguments args, final String what)
        throws IOException
    {
        final boolean all = "all".equals(args.get("scope"));
        final String name = args.get("name");
        if (all == (name != null))
        {
            session.print(all ? "ERROR: % 'all' takes no user name\n" : "ERROR: % Incomplete command\n");
            return;
        }
        final LoginGuard logins = session.context().services().logins();
        if (what.equals("lockout"))
        {
            logins.clearLockout(name);
        }
        else
        {
            logins.clearFailures(name);
        }
        session.audit("clear aaa local user " + what + (all ? " all" : " username " + name), "ok");
    }

    // ---------------------------------------------------------------- disk0:

    private static Output dir(final CliSession session, final Arguments args) throws IOException
    {
        final FlashStore flash = session.context().services().flash();
        final String path = args.has("path") ? args.get("path") : "disk0:/";
        if (flash == null)
        {
            return new Output("ERROR: % disk0: is not available\n", Map.of("error", "no flash store"));
        }
        final Path dir;
        final List<FlashStore.Entry> entries;
        try
        {
            dir = flash.resolve(path);
            entries = flash.list(dir);
        }
        catch (final IllegalArgumentException | IOException ex)
        {
            return new Output("ERROR: %Error opening " + path + " (" + describe(ex) + ")\n",
                Map.of("error", describe(ex)));
        }
        final StringBuilder out = new StringBuilder("\nDirectory of " + flash.flashPathOf(dir)
            + (flash.flashPathOf(dir).endsWith("/") ? "" : "/") + "\n\n");
        final List<Map<String, Object>> data = new ArrayList<>();
        if (entries.isEmpty())
        {
            out.append("No files in directory\n");
        }
        for (final FlashStore.Entry e : entries)
        {
            out.append(String.format("%5d  %s  %-12d %s  %s%n", e.inode(), e.directory() ? "drwx" : "-rw-", e.size(),
                DIR_TIME.format(Instant.ofEpochMilli(e.modified())), e.name()));
            final Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", e.name());
            item.put("directory", e.directory());
            item.put("size", e.size());
            item.put("modified", Instant.ofEpochMilli(e.modified()).toString());
            data.add(item);
        }
        final long[] space = flash.space();
        out.append('\n').append(space[0]).append(" bytes total (").append(space[1]).append(" bytes free)\n");
        return new Output(out.toString(), Map.of("directory", flash.flashPathOf(dir), "files", data,
            "bytesTotal", space[0], "bytesFree", space[1]));
    }

    private static Output more(final CliSession session, final Arguments args)
    {
        final FlashStore flash = session.context().services().flash();
        final String path = args.get("path");
        if (flash == null)
        {
            return new Output("ERROR: % disk0: is not available\n", Map.of("error", "no flash store"));
        }
        try
        {
            final byte[] bytes = flash.read(flash.resolve(path));
            final StringBuilder text = new StringBuilder();
            for (final byte b : bytes)
            {
                final int c = b & 0xFF;
                text.append(c == '\n' || c == '\t' || (c >= ' ' && c < 0x7F) ? (char)c : '.');
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != '\n')
            {
                text.append('\n');
            }
            return new Output(text.toString(), Map.of("path", path, "text", text.toString()));
        }
        catch (final IllegalArgumentException | IOException ex)
        {
            return new Output("ERROR: %Error opening " + path + " (" + describe(ex) + ")\n",
                Map.of("error", describe(ex)));
        }
    }

    private static void delete(final CliSession session, final Arguments args) throws IOException
    {
        final FlashStore flash = session.context().services().flash();
        String path = args.get("path");
        if (flash == null)
        {
            session.print("ERROR: % disk0: is not available\n");
            return;
        }
        if (!args.has("noconfirm"))
        {
            final String name = path.substring(path.lastIndexOf('/') + 1);
            final String answer = session.ask("Delete filename [" + name + "]? ");
            if (answer == null)
            {
                return;
            }
            if (!answer.isBlank())
            {
                try
                {
                    path = ArgTypes.normalizeFlashPath(answer.strip());
                }
                catch (final IllegalArgumentException ex)
                {
                    session.print("ERROR: %Error deleting " + answer.strip() + " (" + ex.getMessage() + ")\n");
                    return;
                }
            }
            if (!session.confirm("Delete " + path + "? [confirm]"))
            {
                return;
            }
        }
        try
        {
            final Path file = flash.resolve(path);
            if (!flash.delete(file))
            {
                throw new NoSuchFileException(path);
            }
        }
        catch (final IllegalArgumentException | IOException ex)
        {
            session.print("ERROR: %Error deleting " + path + " (" + describe(ex) + ")\n");
            session.audit("delete " + path, "failed: " + describe(ex));
            return;
        }
        session.audit("delete " + path, "ok");
    }

    private static String describe(final Exception ex)
    {
        if (ex instanceof NoSuchFileException)
        {
            return "No such file or directory";
        }
        return ex.getMessage() == null ? ex.toString() : ex.getMessage();
    }

    /** The SHA-256 of a regular file (not followed through links), hex. */
    static String sha256(final Path file) throws IOException
    {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
        {
            throw new NoSuchFileException(file.toString());
        }
        final MessageDigest digest = messageDigest("SHA-256");
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS))
        {
            final byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) > 0)
            {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static byte[] digest(final String algorithm, final byte[] bytes)
    {
        return messageDigest(algorithm).digest(bytes);
    }

    private static MessageDigest messageDigest(final String algorithm)
    {
        try
        {
            return MessageDigest.getInstance(algorithm);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(algorithm + " is a required JDK algorithm", ex);
        }
    }

    // ---------------------------------------------------------------- logoff

    /** Counts the sessions a logoff ended. */
    @FunctionalInterface
    private interface Logoff
    {
        int run();
    }

    private static void logoff(final CliSession session, final Arguments args, final String what,
        final String command, final Logoff logoff) throws IOException
    {
        if (!args.has("noconfirm") && !session.confirm("Do you want to logoff the VPN session(s)? [confirm]"))
        {
            return;
        }
        logoffWithoutAsking(session, what, command, logoff);
    }

    private static void logoffWithoutAsking(final CliSession session, final String what, final String command,
        final Logoff logoff) throws IOException
    {
        final int count = logoff.run();
        session.print("INFO: Number of sessions " + what + " logged off : " + count + "\n");
        session.audit(command, "ok: " + count + " logged off");
    }
}
