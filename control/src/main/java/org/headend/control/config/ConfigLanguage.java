package org.headend.control.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.headend.control.config.grammar.ArgType;
import org.headend.control.config.grammar.ArgTypes;
import org.headend.control.config.grammar.Ipv6Prefix;
import org.headend.control.config.grammar.Element;
import org.headend.control.config.grammar.ErrorKind;
import org.headend.control.config.grammar.Grammar;
import org.headend.control.config.grammar.Mode;
import org.headend.control.config.grammar.SyntaxError;
import org.headend.control.config.grammar.Token;

/**
 * The configuration language: every configuration command the appliance accepts, declared once. The startup-config
 * loader, the CLI's configuration modes and {@code show running-config} all use this table.
 * <p>
 * Print order follows the ASA's {@code show running-config}: hostname, interfaces, pools, the global webvpn,
 * group-policies, users, tunnel-groups; within an object, its definition line before its attributes.
 */
public final class ConfigLanguage
{
    private static final Reference POOL = new Reference(RefKind.POOL);
    private static final Reference GROUP_POLICY = new Reference(RefKind.GROUP_POLICY);
    private static final Reference TUNNEL_GROUP = new Reference(RefKind.TUNNEL_GROUP);
    private static final Reference USER = new Reference(RefKind.USER);
    private static final Reference IPV6_POOL = new Reference(RefKind.IPV6_POOL);
    private static final Reference PROFILE = new Reference(RefKind.PROFILE);
    private static final Reference AAA_SERVER = new Reference(RefKind.AAA_SERVER);
    /** Minutes for the group-policy timeouts, as the ASA bounds them. */
    private static final ArgType<Integer> TIMEOUT_MINUTES = ArgTypes.integerOrNone(1, 35_791_394);

    private static final List<ConfigCommand> COMMANDS = new ArrayList<>();
    private static final Grammar<ConfigLine> GRAMMAR = new Grammar<>();

    static
    {
        declareGlobal();
        declareManagement();
        declareInterface();
        declareWebvpn();
        declareGroupPolicy();
        declareUsername();
        declareTunnelGroup();
        declareAaaServers();
        declareLdap();
        declareAuthorization();
        OperationsLanguage.declare(ConfigLanguage::register);
        CryptoLanguage.declare(ConfigLanguage::register);
        Ikev2Language.declare(ConfigLanguage::register);
        LoadBalancingLanguage.declare(ConfigLanguage::register);
        SamlLanguage.declare(ConfigLanguage::register);
        for (final Mode mode : Mode.values())
        {
            if (mode != Mode.EXEC)
            {
                GRAMMAR.add(mode, List.of(new Element.Keyword("exit", "Exit from the current mode")),
                    new ConfigLine.Exit());
                GRAMMAR.add(mode, List.of(new Element.Keyword("end", "Exit from configuration mode")),
                    new ConfigLine.End());
            }
        }
    }

    private ConfigLanguage()
    {
    }

    /** The grammar of every configuration mode (for help and completion). */
    public static Grammar<ConfigLine> grammar()
    {
        return GRAMMAR;
    }

    /**
     * Matches one line in the modes the cursor is in, innermost first: a line that only an enclosing mode knows
     * closes the inner sub-modes.
     *
     * @throws SyntaxError the error of the mode that read furthest into the line when none accepts it
     */
    public static ParsedLine parse(final ConfigCursor cursor, final String line) throws SyntaxError
    {
        return parse(cursor, line, cursor.depth());
    }

    /**
     * As {@link #parse(ConfigCursor, String)}, trying first the modes no deeper than {@code preferredDepth}: in
     * indented text (a saved configuration, pasted or loaded) the indentation says which block a line belongs to, so
     * an unindented {@code webvpn} after a group-policy's webvpn block is the global one, not the group's again.
     */
    public static ParsedLine parse(final ConfigCursor cursor, final String line, final int preferredDepth)
        throws SyntaxError
    {
        final List<Token> tokens = Token.split(line);
        if (tokens.isEmpty())
        {
            throw new SyntaxError(ErrorKind.INCOMPLETE, 0, 0, "empty line");
        }
        final List<Integer> depths = new ArrayList<>(candidateDepths(cursor, tokens));
        depths.sort(java.util.Comparator.comparing(depth -> depth > preferredDepth));
        SyntaxError reported = null;
        for (final int depth : depths)
        {
            try
            {
                final Grammar.Match<ConfigLine> match = GRAMMAR.parse(cursor.modeAt(depth), line, tokens);
                // exit and end act on where the reader is, whatever their indentation
                final boolean move = match.payload() instanceof ConfigLine.Exit
                    || match.payload() instanceof ConfigLine.End;
                return new ParsedLine(move ? cursor.depth() : depth, match.payload(), match.arguments());
            }
            catch (final SyntaxError ex)
            {
                if (reported == null)
                {
                    reported = ex;
                }
            }
        }
        throw reported;
    }

    /**
     * The depths of the cursor's modes that may take a line starting with {@code tokens}, innermost first (for
     * parsing, and for {@code ?} help and completion, which must offer what parsing would accept).
     */
    public static List<Integer> candidateDepths(final ConfigCursor cursor, final List<Token> tokens)
    {
        if (tokens.isEmpty())
        {
            final List<Integer> all = new ArrayList<>();
            for (int depth = cursor.depth(); depth >= 0; depth--)
            {
                all.add(depth);
            }
            return all;
        }
        final int commandWord = tokens.size() > 1 && "no".equalsIgnoreCase(tokens.getFirst().text()) ? 1 : 0;
        final String word = tokens.get(commandWord).text().toLowerCase(java.util.Locale.ROOT);
        // A mode that has the command word in full is tried before one that has it only as an abbreviation, and
        // once some mode has it in full no other mode may take the line by abbreviation: "no ip local pool P" in
        // tunnel-group general-attributes is the global pool, not "ipv6-address-pool", and "anyconnect mtu 99" in
        // a webvpn sub-mode is a bad mtu, not a global "anyconnect-custom-data".
        final List<Integer> exact = new ArrayList<>();
        final List<Integer> prefix = new ArrayList<>();
        final List<Integer> unknown = new ArrayList<>();
        for (int depth = cursor.depth(); depth >= 0; depth--)
        {
            switch (commandWordMatch(cursor.modeAt(depth), word))
            {
                case EXACT -> exact.add(depth);
                case PREFIX -> prefix.add(depth);
                case NONE -> unknown.add(depth);
            }
        }
        return !exact.isEmpty() ? exact : !prefix.isEmpty() ? prefix : unknown;
    }

    private enum WordMatch
    {
        EXACT,
        PREFIX,
        NONE
    }

    /** How {@code word} matches the first keyword of the positive commands of {@code mode}. */
    private static WordMatch commandWordMatch(final Mode mode, final String word)
    {
        WordMatch result = WordMatch.NONE;
        for (final Grammar.Declaration<ConfigLine> declaration : GRAMMAR.declarations(mode))
        {
            if (declaration.payload() instanceof ConfigLine.Remove
                || !(declaration.syntax().getFirst() instanceof Element.Keyword first))
            {
                continue;
            }
            final String keyword = first.word().equals("no") && declaration.syntax().size() > 1
                && declaration.syntax().get(1) instanceof Element.Keyword second ? second.word() : first.word();
            if (keyword.equals(word))
            {
                return WordMatch.EXACT;
            }
            if (keyword.startsWith(word))
            {
                result = WordMatch.PREFIX;
            }
        }
        return result;
    }

    /**
     * For {@code ?} help and completion: the configured names an argument may take when it refers to an object
     * (pools, group-policies, profiles, …), with the noun that names their kind; null for other arguments.
     */
    public static Map.Entry<String, List<String>> namesFor(final ArgType<?> type, final HeadendConfig config)
    {
        if (!(type instanceof Reference reference))
        {
            return null;
        }
        final java.util.Collection<String> names = switch (reference.kind())
        {
            case POOL -> config.pools().keySet();
            case GROUP_POLICY -> config.groupPolicies().keySet();
            case TUNNEL_GROUP -> config.tunnelGroups().keySet();
            case USER -> config.users().keySet();
            case IPV6_POOL -> config.ipv6Pools().keySet();
            case PROFILE -> config.webvpn().profiles().keySet();
            case AAA_SERVER ->
            {
                final Set<String> groups = new TreeSet<>(config.aaaServers().keySet());
                groups.add(AaaServerGroup.LOCAL);
                yield groups;
            }
            case LDAP_ATTRIBUTE_MAP -> config.ldapAttributeMaps().keySet();
        };
        // the ASA's "?" says "Available configured profile packages:" where its messages say "anyconnect profiles"
        final String noun = reference.kind() == RefKind.PROFILE ? "profile packages" : reference.kind().noun();
        return Map.entry(noun, List.copyOf(new TreeSet<>(names)));
    }

    /** The keywords that start global configuration commands: the sections of {@code show running-config}. */
    public static Set<String> sectionKeywords()
    {
        final Set<String> words = new TreeSet<>();
        for (final ConfigCommand command : COMMANDS)
        {
            if (command.mode() == Mode.CONFIG)
            {
                for (final Element element : command.syntax())
                {
                    if (!(element instanceof Element.Keyword keyword))
                    {
                        break;
                    }
                    words.add(keyword.word());
                }
            }
        }
        return words;
    }

    private static ConfigCommand register(final ConfigCommand command)
    {
        COMMANDS.add(command);
        GRAMMAR.add(command.mode(), command.syntax(), new ConfigLine.Put(command));
        if (command.hasNoForm())
        {
            GRAMMAR.add(command.mode(), command.noSyntax(), new ConfigLine.Remove(command));
        }
        return command;
    }

    private static void declareGlobal()
    {
        register(ConfigCommand.in(Mode.CONFIG, "Change host name of the system")
            .kw("hostname", "Change host name of the system").key()
            .arg("name", ArgTypes.HOSTNAME, "New name for this system")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                draft.hostname = args.get("name");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Configure IP address pools")
            .kw("ip", "Configure IP address pools").kw("local", "Configure a local address pool")
            .kw("pool", "Configure an IP address pool")
            .arg("name", ArgTypes.NAME, "Name of the pool").key()
            .arg("range", ArgTypes.IPV4_RANGE, "First and last address of the pool, A.B.C.D-A.B.C.D")
            .kw("mask", "Specify the mask of the pool")
            .arg("mask", ArgTypes.MASK, "Mask of the pool")
            .defines(RefKind.POOL, "name")
            .order(30, 0)
            .compile((draft, scope, args) ->
            {
                draft.addPool(args.get("name"), args.get("range"), args.get("mask"));
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Configure an IPv6 address pool")
            .kw("ipv6", "Configure IPv6 parameters").kw("local", "Configure a local IPv6 address pool")
            .kw("pool", "Configure an IPv6 address pool")
            .arg("name", ArgTypes.NAME, "Name of the pool").key()
            .arg("first", ArgTypes.IPV6_PREFIX, "First address of the pool and its prefix length")
            .arg("count", ArgTypes.integer(1, 16384), "How many addresses the pool holds")
            .defines(RefKind.IPV6_POOL, "name")
            .order(32, 0)
            .compile((draft, scope, args) ->
            {
                final Ipv6Prefix first = args.get("first");
                draft.ipv6Pools.put(args.get("name"), new Ipv6LocalPool(args.get("name"), first.address(),
                    first.length(), args.<Integer>get("count")));
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Configure an IPv6 static route")
            .kw("ipv6", "Configure IPv6 parameters").kw("route", "Configure an IPv6 static route")
            .arg("nameif", ArgTypes.NAME, "The nameif of the interface the route leaves by")
            .arg("prefix", ArgTypes.IPV6_PREFIX, "Destination network and prefix length").entity()
            .arg("gateway", ArgTypes.IPV6, "Next hop")
            .optional("tunneled", p -> p.kw("tunneled", "Default route for traffic out of VPN tunnels"))
            .order(35, 0)
            .compile((draft, scope, args) ->
            {
                final Ipv6Prefix prefix = args.get("prefix");
                draft.ipv6Routes.add(new Ipv6Route(args.get("nameif"), prefix.address(), prefix.length(),
                    args.get("gateway"), args.has("tunneled")));
                return null;
            })
            .build());
        for (final boolean extended : new boolean[] {false, true})
        {
            final ConfigCommand.Builder acl = ConfigCommand.in(Mode.CONFIG, "Configure an access list")
                .kw("access-list", "Configure an access list")
                .arg("name", ArgTypes.NAME, "Name of the access list").entity();
            if (extended)
            {
                acl.kw("extended", "An entry matching source and destination (IPv4 and IPv6)")
                    .choice("action", "permit", "Match the networks", "deny", "Leave the networks out")
                    .kw("ip", "Any IP protocol")
                    .arg("operands", AccessListEntry.EXTENDED_OPERANDS,
                        "Source and destination: any | any4 | any6 | host ADDRESS | A.B.C.D M.M.M.M | X:X::X/LEN");
            }
            else
            {
                acl.kw("standard", "An entry matching one IPv4 network")
                    .choice("action", "permit", "Match the network", "deny", "Leave the network out")
                    .arg("operands", AccessListEntry.STANDARD_OPERAND, "any4 | host A.B.C.D | A.B.C.D M.M.M.M");
            }
            register(acl.order(28, 0)
                .compile((draft, scope, args) ->
                {
                    final boolean permit = "permit".equals(args.get("action"));
                    final String operands = args.get("operands");
                    draft.accessLists.computeIfAbsent(args.get("name"), n -> new ArrayList<>()).add(extended
                        ? AccessListEntry.extended(permit, operands) : AccessListEntry.standard(permit, operands));
                    return null;
                })
                .build());
        }
        register(ConfigCommand.in(Mode.CONFIG, "Configure compression")
            .kw("compression", "Configure compression")
            .repeatChoice(1, 2, "what",
                "all", "Compression for every feature",
                "svc", "Compression of AnyConnect tunnels",
                "http-comp", "Compression of HTTP")
            .fixedKey("compression")
            .withoutNoForm()
            .order(38, 0)
            .compile((draft, scope, args) ->
            {
                final List<String> what = args.all("what");
                final boolean all = what.contains("all");
                draft.compressionSvc = all || what.contains("svc");
                draft.compressionHttp = all || what.contains("http-comp");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Negate a command or set its defaults")
            .kw("no", "Negate a command or set its defaults").kw("compression", "Turn compression off")
            .repeatChoice(0, 2, "what",
                "all", "Compression for every feature",
                "svc", "Compression of AnyConnect tunnels",
                "http-comp", "Compression of HTTP")
            .fixedKey("compression")
            .withoutNoForm()
            .order(38, 0)
            .compile((draft, scope, args) ->
            {
                final List<String> what = args.all("what");
                final boolean all = what.isEmpty() || what.contains("all");
                draft.compressionSvc = !(all || what.contains("svc"));
                draft.compressionHttp = !(all || what.contains("http-comp"));
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Configure the VPN session database")
            .kw("vpn-sessiondb", "Configure the VPN session database")
            .kw("max-anyconnect-premium-or-essentials-limit", "Limit the AnyConnect sessions at once").key()
            .arg("limit", ArgTypes.integer(1, 200_000), "Number of sessions")
            .order(39, 0)
            .compile((draft, scope, args) ->
            {
                draft.sessionLimit = args.<Integer>get("limit");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Define a value of an AnyConnect custom attribute")
            .kw("anyconnect-custom-data", "Define a value of an AnyConnect custom attribute")
            .arg("type", ArgTypes.NAME, "The custom attribute type")
            .arg("name", ArgTypes.NAME, "The name of this value").entity()
            .arg("value", ArgTypes.LINE, "The value; several lines of one name are concatenated")
            .order(45, 0)
            .compile((draft, scope, args) ->
            {
                final String value = args.get("value");
                if (value.length() > 420)
                {
                    throw new IllegalArgumentException("a custom data value is at most 420 characters per line");
                }
                final List<String> lines = draft.customData.computeIfAbsent(args.get("type"),
                    t -> new LinkedHashMap<>()).computeIfAbsent(args.get("name"), n -> new ArrayList<>());
                final String problem = CustomAttributeRules.check(args.get("type"), String.join("", lines) + value);
                if (problem != null)
                {
                    throw new IllegalArgumentException(problem);
                }
                lines.add(value);
                return null;
            })
            .build());
    }

    private static void declareManagement()
    {
        final ConfigCommand enableStored = register(ConfigCommand.in(Mode.CONFIG, "Set the privileged mode password")
            .kw("enable", "Configure the privileged mode password")
            .kw("password", "Set the privileged mode password").key()
            .arg("password", PasswordArgType.HASH, "The stored hash, as shown by show running-config")
            .kw("pbkdf2", "The password is a PBKDF2 hash")
            .order(12, 0)
            .compile((draft, scope, args) ->
            {
                draft.enablePassword = args.get("password");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Set the privileged mode password")
            .kw("enable", "Configure the privileged mode password")
            .kw("password", "Set the privileged mode password").key()
            .arg("password", ArgTypes.SECRET, "The password in clear text; it is stored hashed")
            .aliasOf(enableStored, args -> args.with("password", PasswordHash.of(args.get("password"))))
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Configure AAA for management access")
            .kw("aaa", "Configure authentication, authorization and accounting")
            .kw("authentication", "Configure authentication for management access")
            .kw("ssh", "Authenticate SSH logins").kw("console", "The management console").key()
            .arg("group", AAA_SERVER, "A server group, or LOCAL: the local user database")
            .optional("fallback", p -> p.arg("local", ArgTypes.LOCAL_SERVER_GROUP,
                "LOCAL: use the local users while every server of the group is down"))
            .order(75, 0)
            .compile((draft, scope, args) ->
            {
                draft.sshAuthLocal = true;
                draft.sshAuthServerGroup = args.get("group");
                draft.sshAuthFallbackLocal = args.has("fallback");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Configure AAA for management access")
            .kw("aaa", "Configure authentication, authorization and accounting")
            .kw("local", "Configure the local user database").kw("authentication", "Configure local authentication")
            .kw("attempts", "Limit failed login attempts")
            .kw("max-fail", "Consecutive failures that lock a local user out").key()
            .arg("attempts", ArgTypes.integer(1, 16), "Number of consecutive failures")
            .order(76, 0)
            .compile((draft, scope, args) ->
            {
                draft.maxFailedAttempts = args.<Integer>get("attempts");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Configure SSH access")
            .kw("ssh", "Configure SSH access")
            .arg("address", ArgTypes.IPV4, "Host or network allowed to connect")
            .arg("mask", ArgTypes.MASK, "Its mask")
            .arg("nameif", ArgTypes.NAME, "The nameif of the interface the hosts come in by")
            .order(80, 0)
            .compile((draft, scope, args) ->
            {
                final Inet4Address address = args.get("address");
                draft.sshAccess.add(new SshAccess(address, args.get("mask"), args.get("nameif")));
                return null;
            })
            .build());
        final ConfigCommand redirect = register(ConfigCommand.in(Mode.CONFIG, "Configure HTTP access")
            .kw("http", "Configure HTTP access").kw("redirect", "Redirect plain HTTP requests to HTTPS")
            .arg("nameif", ArgTypes.NAME, "The nameif of the interface to listen on, e.g. outside").key()
            .arg("port", ArgTypes.integer(1, 65535), "TCP port to listen on, default 80")
            .order(78, 0)
            .compile((draft, scope, args) ->
            {
                draft.httpRedirects.put(args.get("nameif"), args.<Integer>get("port"));
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Configure HTTP access")
            .kw("http", "Configure HTTP access").kw("redirect", "Redirect plain HTTP requests to HTTPS")
            .arg("nameif", ArgTypes.NAME, "The nameif of the interface to listen on, e.g. outside").key()
            .aliasOf(redirect, args -> args.with("port", HttpRedirect.DEFAULT_PORT))
            .withoutNoForm()
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Configure SSH access")
            .kw("ssh", "Configure SSH access").kw("timeout", "Idle time before an SSH session is closed").key()
            .arg("minutes", ArgTypes.integer(1, 60), "Minutes, default 5")
            .order(81, 0)
            .compile((draft, scope, args) ->
            {
                draft.sshTimeoutMinutes = args.<Integer>get("minutes");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Configure SSH access")
            .kw("ssh", "Configure SSH access").kw("scopy", "Secure copy of files to disk0:").key()
            .kw("enable", "Let privilege-15 SSH users copy files to disk0: with scp")
            .order(82, 0)
            .compile((draft, scope, args) ->
            {
                draft.sshScopy = true;
                return null;
            })
            .build());
    }

    private static void declareInterface()
    {
        register(ConfigCommand.in(Mode.CONFIG, "Select an interface to configure")
            .kw("interface", "Select an interface to configure")
            .arg("ifname", ArgTypes.IFNAME, "Linux interface name")
            .enters(Mode.INTERFACE).printWhenEmpty()
            .order(20, 0)
            .compile((draft, scope, args) -> draft.interfaces.computeIfAbsent(args.get("ifname"),
                ConfigDraft.InterfaceDraft::new))
            .build());
        register(ConfigCommand.in(Mode.INTERFACE, "Assign name to interface")
            .kw("nameif", "Assign name to interface").key()
            .arg("name", ArgTypes.NAME, "Name of the interface, e.g. outside")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                final ConfigDraft.InterfaceDraft iface = (ConfigDraft.InterfaceDraft)scope;
                final String nameif = args.get("name");
                final String owner = draft.nameifOwners.putIfAbsent(nameif, iface.ifname);
                if (owner != null && !owner.equals(iface.ifname))
                {
                    throw new IllegalArgumentException("nameif " + nameif + " is already used by interface " + owner);
                }
                iface.nameif = nameif;
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.INTERFACE, "Configure the IP address of the interface")
            .kw("ip", "Configure IP parameters").kw("address", "Configure the IP address of the interface").key()
            .arg("address", ArgTypes.IPV4, "IP address")
            .arg("mask", ArgTypes.MASK, "Subnet mask")
            .order(20, 0)
            .compile((draft, scope, args) ->
            {
                final ConfigDraft.InterfaceDraft iface = (ConfigDraft.InterfaceDraft)scope;
                iface.address = args.get("address");
                iface.mask = args.get("mask");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.INTERFACE, "Set the security level of the interface")
            .kw("security-level", "Set the security level of the interface").key()
            .arg("level", ArgTypes.integer(0, 100), "0 (untrusted, outside) to 100 (trusted, inside)")
            .order(15, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.InterfaceDraft)scope).securityLevel = args.<Integer>get("level");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.INTERFACE, "Configure an IPv6 address of the interface")
            .kw("ipv6", "Configure IPv6 parameters").kw("address", "Configure an IPv6 address of the interface")
            .arg("prefix", ArgTypes.IPV6_PREFIX, "IPv6 address and prefix length")
            .order(25, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.InterfaceDraft)scope).ipv6Addresses.add(args.<Ipv6Prefix>get("prefix").toString());
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.INTERFACE, "Enable IPv6 on the interface")
            .kw("ipv6", "Configure IPv6 parameters").kw("enable", "Enable IPv6 on the interface")
            .order(26, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.InterfaceDraft)scope).ipv6Enabled = true;
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.INTERFACE, "Shutdown the selected interface")
            .kw("shutdown", "Shutdown the selected interface")
            .order(30, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.InterfaceDraft)scope).shutdown = true;
                return null;
            })
            .build());
    }

    private static void declareWebvpn()
    {
        register(ConfigCommand.in(Mode.CONFIG, "Configure the WebVPN and AnyConnect service")
            .kw("webvpn", "Configure the WebVPN and AnyConnect service")
            .enters(Mode.WEBVPN)
            .order(40, 0)
            .compile((draft, scope, args) -> draft.webvpn)
            .build());
        register(ConfigCommand.in(Mode.WEBVPN, "Change the port of the WebVPN service")
            .kw("port", "Change the port of the WebVPN service").key()
            .arg("port", ArgTypes.integer(1, 65535), "TCP port, default 443")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.WebvpnDraft)scope).port = args.<Integer>get("port");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.WEBVPN, "Change the UDP port of DTLS")
            .kw("dtls", "Configure DTLS").kw("port", "Change the UDP port of DTLS").key()
            .arg("port", ArgTypes.integer(1, 65535), "UDP port, default the same as port")
            .order(12, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.WebvpnDraft)scope).dtlsPort = args.<Integer>get("port");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.WEBVPN, "Enable the service on an interface")
            .kw("enable", "Enable the service on an interface")
            .arg("nameif", ArgTypes.NAME, "The nameif of the interface, e.g. outside").key()
            .optional("tlsOnly", p -> p.kw("tls-only", "Offer TLS only there: no DTLS"))
            .order(20, 0)
            .compile((draft, scope, args) ->
            {
                final ConfigDraft.WebvpnDraft webvpn = (ConfigDraft.WebvpnDraft)scope;
                webvpn.enabled.add(args.get("nameif"));
                if (args.has("tlsOnly"))
                {
                    webvpn.tlsOnly.add(args.get("nameif"));
                }
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.WEBVPN, "Configure AnyConnect")
            .kw("anyconnect", "Configure AnyConnect").kw("image", "Offer a client package for web deploy")
            .arg("path", ArgTypes.flashFile(".pkg"), "The package on disk0:").key()
            .arg("order", ArgTypes.integer(1, 65535), "Order in which packages are matched, lowest first")
            .order(25, 0)
            .compile((draft, scope, args) ->
            {
                final ConfigDraft.WebvpnDraft webvpn = (ConfigDraft.WebvpnDraft)scope;
                final int order = args.<Integer>get("order");
                if (webvpn.images.stream().anyMatch(i -> i.order() == order))
                {
                    throw new IllegalArgumentException("another anyconnect image already has order " + order);
                }
                webvpn.images.add(new AnyconnectImage(args.get("path"), order));
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.WEBVPN, "Configure AnyConnect")
            .kw("anyconnect", "Configure AnyConnect").kw("profiles", "Name a client profile on disk0:")
            .arg("name", ArgTypes.NAME, "Name the group-policies use for the profile").key()
            .arg("path", ArgTypes.flashFile(".xml"), "The profile on disk0:")
            .defines(RefKind.PROFILE, "name")
            .order(28, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.WebvpnDraft)scope).profiles.put(args.get("name"), args.get("path"));
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.WEBVPN, "Show the tunnel-group list on the login page")
            .kw("tunnel-group-list", "Show the tunnel-group list on the login page")
            .kw("enable", "List the group aliases")
            .order(40, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.WebvpnDraft)scope).tunnelGroupList = true;
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.WEBVPN, "Define an AnyConnect custom attribute type")
            .kw("anyconnect-custom-attr", "Define an AnyConnect custom attribute type")
            .arg("type", ArgTypes.NAME, "The attribute type, e.g. DeferredUpdateAllowed").key()
            .optional(null, p -> p.kw("description", "Describe the attribute")
                .arg("description", ArgTypes.LINE, "Free text"))
            .order(50, 0)
            .compile((draft, scope, args) ->
            {
                final String description = args.has("description") ? args.get("description") : "";
                ((ConfigDraft.WebvpnDraft)scope).customAttributeTypes.put(args.get("type"), description);
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.WEBVPN, "Configure AnyConnect")
            .kw("anyconnect", "Configure AnyConnect").kw("enable", "Enable AnyConnect client connections")
            .order(30, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.WebvpnDraft)scope).anyconnectEnabled = true;
                return null;
            })
            .build());
    }

    private static void declareGroupPolicy()
    {
        register(ConfigCommand.in(Mode.CONFIG, "Configure or remove a group policy")
            .kw("group-policy", "Configure or remove a group policy")
            .arg("name", ArgTypes.NAME, "Name of the group policy").entity()
            .kw("internal", "Define a group policy stored on this appliance").key()
            .defines(RefKind.GROUP_POLICY, "name")
            .implicitWhen(args -> HeadendConfig.DEFAULT_GROUP_POLICY.equals(args.get("name")))
            .order(50, 0)
            .compile((draft, scope, args) ->
            {
                draft.policies.putIfAbsent(args.get("name"), new ConfigDraft.PolicyDraft());
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Configure or remove a group policy")
            .kw("group-policy", "Configure or remove a group policy")
            .arg("name", GROUP_POLICY, "Name of the group policy").entity()
            .kw("attributes", "Enter the attribute configuration mode").key()
            .enters(Mode.GROUP_POLICY)
            .order(50, 1)
            .compile((draft, scope, args) -> draft.policies.computeIfAbsent(args.get("name"),
                n -> new ConfigDraft.PolicyDraft()))
            .build());
        final Mode gp = Mode.GROUP_POLICY;
        register(ConfigCommand.in(gp, "Set the DNS servers pushed to clients")
            .kw("dns-server", "Set the DNS servers pushed to clients").key()
            .kw("value", "Specify the DNS servers")
            .repeat(1, 4, "server", ArgTypes.IP, "IPv4 or IPv6 address of a DNS server")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                final List<InetAddress> servers = args.all("server");
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.DNS_SERVER,
                    List.copyOf(requireDistinct(servers, "dns-server")));
                return null;
            })
            .build());
        register(ConfigCommand.in(gp, "Set the DNS servers pushed to clients")
            .kw("dns-server", "Set the DNS servers pushed to clients").key()
            .kw("none", "Push no DNS server; do not inherit one")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.DNS_SERVER, List.of());
                return null;
            })
            .build());
        register(ConfigCommand.in(gp, "Set the relay address the DHCP servers lease the group's addresses for")
            .kw("dhcp-network-scope", "Set the relay address the DHCP servers lease the group's addresses for").key()
            .arg("scope", ArgTypes.IPV4, "An address of the subnet the DHCP servers lease from (sent as giaddr)")
            .order(11, 0)
            .compile((draft, scope, args) ->
            {
                final java.net.Inet4Address address = args.get("scope");
                if (notUnicast(address))
                {
                    throw new IllegalArgumentException("dhcp-network-scope " + address.getHostAddress()
                        + " is not a unicast address");
                }
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.DHCP_NETWORK_SCOPE, List.of(address));
                return null;
            })
            .build());
        register(ConfigCommand.in(gp, "Set the relay address the DHCP servers lease the group's addresses for")
            .kw("dhcp-network-scope", "Set the relay address the DHCP servers lease the group's addresses for").key()
            .kw("none", "No DHCP scope; do not inherit one")
            .order(11, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.DHCP_NETWORK_SCOPE, List.of());
                return null;
            })
            .build());
        declareTunnelProtocol(gp, 20);
        declareGroupLock(gp, 25);
        register(ConfigCommand.in(gp, "Set the default domain name pushed to clients")
            .kw("default-domain", "Set the default domain name pushed to clients").key()
            .kw("value", "Specify the domain name")
            .arg("domain", ArgTypes.DOMAIN, "Default domain name")
            .order(30, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.DEFAULT_DOMAIN, args.get("domain"));
                return null;
            })
            .build());
        register(ConfigCommand.in(gp, "Set the default domain name pushed to clients")
            .kw("default-domain", "Set the default domain name pushed to clients").key()
            .kw("none", "Push no default domain; do not inherit one")
            .order(30, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.DEFAULT_DOMAIN, "");
                return null;
            })
            .build());
        declareGroupPolicyExtras(gp);
        declareBrowserProxy(gp);
        register(ConfigCommand.in(gp, "Configure the group's WebVPN and AnyConnect attributes")
            .kw("webvpn", "Configure the group's WebVPN and AnyConnect attributes")
            .enters(Mode.GROUP_WEBVPN)
            .order(90, 0)
            .compile((draft, scope, args) -> scope)
            .build());
        declareGroupWebvpn(Mode.GROUP_WEBVPN);
    }

    /** The wildcard, loopback, multicast and broadcast addresses: neither a DHCP server nor a relay address. */
    private static boolean notUnicast(final java.net.Inet4Address address)
    {
        return address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isMulticastAddress()
            || org.headend.control.config.grammar.Ipv4.toLong(address) == 0xFFFF_FFFFL;
    }

    private static void declareGroupLock(final Mode mode, final int order)
    {
        register(ConfigCommand.in(mode, "Allow the users only in one tunnel group")
            .kw("group-lock", "Allow the users only in one tunnel group").key()
            .kw("value", "Name the tunnel group")
            .arg("group", TUNNEL_GROUP, "The only tunnel group the users may log in to")
            .order(order, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.GROUP_LOCK, args.get("group"));
                return null;
            })
            .build());
        register(ConfigCommand.in(mode, "Allow the users only in one tunnel group")
            .kw("group-lock", "Allow the users only in one tunnel group").key()
            .kw("none", "No lock; do not inherit one")
            .order(order, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.GROUP_LOCK, "");
                return null;
            })
            .build());
    }

    private static void declareTunnelProtocol(final Mode mode, final int order)
    {
        register(ConfigCommand.in(mode, "Set the allowed tunnel protocols")
            .kw("vpn-tunnel-protocol", "Set the allowed tunnel protocols").key()
            .repeatChoice(1, 5, "protocol",
                "ikev1", "IKE version 1 IPsec",
                "ikev2", "IKE version 2 IPsec",
                "l2tp-ipsec", "L2TP over IPsec",
                "ssl-client", "AnyConnect client over SSL/DTLS",
                "ssl-clientless", "Clientless SSL VPN")
            .order(order, 0)
            .compile((draft, scope, args) ->
            {
                final List<String> protocols = args.all("protocol");
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.VPN_TUNNEL_PROTOCOL,
                    Collections.unmodifiableSet(requireDistinct(protocols, "vpn-tunnel-protocol")));
                return null;
            })
            .build());
    }

    /** The browser proxy of the client (seed 003:121-144): the parts an open client can read. */
    private static void declareBrowserProxy(final Mode gp)
    {
        register(ConfigCommand.in(gp, "Configure the browser proxy of the client")
            .kw("msie-proxy", "Configure the browser proxy of the client")
            .kw("pac-url", "The proxy auto-configuration file the client uses").key()
            .kw("value", "Specify the URL")
            .arg("url", ArgTypes.GROUP_URL, "URL of the PAC file")
            .order(70, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.MSIE_PROXY_PAC_URL, args.get("url"));
                return null;
            })
            .build());
        register(ConfigCommand.in(gp, "Configure the browser proxy of the client")
            .kw("msie-proxy", "Configure the browser proxy of the client")
            .kw("pac-url", "The proxy auto-configuration file the client uses").key()
            .kw("none", "No PAC file; do not inherit one")
            .order(70, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.MSIE_PROXY_PAC_URL, "");
                return null;
            })
            .build());
        register(ConfigCommand.in(gp, "Configure the browser proxy of the client")
            .kw("msie-proxy", "Configure the browser proxy of the client")
            .kw("lockdown", "Hide the browser's proxy settings while connected").key()
            .choice("value", "enable", "Hide them", "disable", "Leave them to the user")
            .order(71, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.MSIE_PROXY_LOCKDOWN,
                    "enable".equals(args.get("value")));
                return null;
            })
            .build());
    }

    private static void declareGroupPolicyExtras(final Mode gp)
    {
        register(ConfigCommand.in(gp, "Set the banner shown to clients after login")
            .kw("banner", "Set the banner shown to clients after login").entity()
            .kw("value", "One line of the banner")
            .arg("text", ArgTypes.LINE, "The text of the line")
            .order(5, 0)
            .compile((draft, scope, args) ->
            {
                final String text = args.get("text");
                if (text.length() > 491)
                {
                    throw new IllegalArgumentException("a banner line is at most 491 characters");
                }
                final ConfigDraft.PolicyDraft policy = ConfigDraft.attributesOf(scope);
                final List<String> lines = new ArrayList<>(policy.getOrDefault(PolicyAttribute.BANNER));
                lines.add(text);
                policy.set(PolicyAttribute.BANNER, List.copyOf(lines));
                return null;
            })
            .build());
        register(ConfigCommand.in(gp, "Set the banner shown to clients after login")
            .kw("banner", "Set the banner shown to clients after login").entity()
            .kw("none", "No banner; do not inherit one")
            .order(5, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.BANNER, List.of());
                return null;
            })
            .build());
        setting(gp, "vpn-simultaneous-logins", "Limit the sessions one user may have at once", 12,
            PolicyAttribute.VPN_SIMULTANEOUS_LOGINS, ArgTypes.integer(0, 2_147_483_647), "Number of sessions");
        setting(gp, "vpn-idle-timeout", "Log a session off after this long without traffic", 14,
            PolicyAttribute.VPN_IDLE_TIMEOUT, TIMEOUT_MINUTES, "Minutes, or none");
        setting(gp, "vpn-session-timeout", "Log a session off after this long in all", 16,
            PolicyAttribute.VPN_SESSION_TIMEOUT, TIMEOUT_MINUTES, "Minutes, or none");
        register(ConfigCommand.in(gp, "Choose which traffic goes through the tunnel")
            .kw("split-tunnel-policy", "Choose which traffic goes through the tunnel").key()
            .choice("policy",
                "tunnelall", "Tunnel all traffic",
                "tunnelspecified", "Tunnel only the networks of split-tunnel-network-list",
                "excludespecified", "Tunnel everything but the networks of split-tunnel-network-list")
            .order(40, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.SPLIT_TUNNEL_POLICY,
                    SplitTunnelPolicy.ofKeyword(args.get("policy")));
                return null;
            })
            .build());
        register(ConfigCommand.in(gp, "Name the access list of split-tunnel networks")
            .kw("split-tunnel-network-list", "Name the access list of split-tunnel networks").key()
            .kw("value", "Give the access list")
            .arg("acl", ArgTypes.NAME, "Name of the access list")
            .order(42, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.SPLIT_TUNNEL_NETWORK_LIST, args.get("acl"));
                return null;
            })
            .build());
        register(ConfigCommand.in(gp, "Name the access list of split-tunnel networks")
            .kw("split-tunnel-network-list", "Name the access list of split-tunnel networks").key()
            .kw("none", "No list; do not inherit one")
            .order(42, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.SPLIT_TUNNEL_NETWORK_LIST, "");
                return null;
            })
            .build());
        register(ConfigCommand.in(gp, "Send every DNS query through the tunnel")
            .kw("split-tunnel-all-dns", "Send every DNS query through the tunnel").key()
            .choice("state", "enable", "Resolve every name through the tunnel",
                "disable", "Resolve only the split-dns domains there")
            .order(44, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.SPLIT_TUNNEL_ALL_DNS,
                    "enable".equals(args.get("state")));
                return null;
            })
            .build());
        register(ConfigCommand.in(gp, "Name the domains resolved through the tunnel")
            .kw("split-dns", "Name the domains resolved through the tunnel").key()
            .kw("value", "Give the domains")
            .repeat(1, 10, "domain", ArgTypes.DOMAIN, "A domain resolved by the tunnel's DNS servers")
            .order(46, 0)
            .compile((draft, scope, args) ->
            {
                final List<String> domains = args.all("domain");
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.SPLIT_DNS,
                    List.copyOf(requireDistinct(domains, "split-dns")));
                return null;
            })
            .build());
        register(ConfigCommand.in(gp, "Name the domains resolved through the tunnel")
            .kw("split-dns", "Name the domains resolved through the tunnel").key()
            .kw("none", "No split DNS; do not inherit it")
            .order(46, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.SPLIT_DNS, List.of());
                return null;
            })
            .build());
        register(ConfigCommand.in(gp, "Set the IPv6 address pools of the group")
            .kw("ipv6-address-pools", "Set the IPv6 address pools of the group").key()
            .kw("value", "Give the pools")
            .repeat(1, 6, "pool", IPV6_POOL, "Name of an ipv6 local pool")
            .order(50, 0)
            .compile((draft, scope, args) ->
            {
                final List<String> pools = args.all("pool");
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.IPV6_ADDRESS_POOLS,
                    List.copyOf(requireDistinct(pools, "ipv6-address-pools")));
                return null;
            })
            .build());
        register(ConfigCommand.in(gp, "Set the IPv6 address pools of the group")
            .kw("ipv6-address-pools", "Set the IPv6 address pools of the group").key()
            .kw("none", "No IPv6 pool; do not inherit one")
            .order(50, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.IPV6_ADDRESS_POOLS, List.of());
                return null;
            })
            .build());
        declareCustom(gp);
    }

    /** {@code anyconnect-custom TYPE value NAME | none} in a group-policy or a user's webvpn mode. */
    private static void declareCustom(final Mode mode)
    {
        register(ConfigCommand.in(mode, "Give the group a value of an AnyConnect custom attribute")
            .kw("anyconnect-custom", "Give the group a value of an AnyConnect custom attribute")
            .arg("type", ArgTypes.NAME, "The custom attribute type").key()
            .kw("value", "Name the value, as defined by anyconnect-custom-data")
            .arg("name", ArgTypes.NAME, "Name of the value")
            .order(60, 0)
            .compile((draft, scope, args) -> putCustom(scope, args.get("type"), args.get("name")))
            .build());
        register(ConfigCommand.in(mode, "Give the group a value of an AnyConnect custom attribute")
            .kw("anyconnect-custom", "Give the group a value of an AnyConnect custom attribute")
            .arg("type", ArgTypes.NAME, "The custom attribute type").key()
            .kw("none", "No value; do not inherit one")
            .order(60, 0)
            .compile((draft, scope, args) -> putCustom(scope, args.get("type"), ""))
            .build());
    }

    private static Object putCustom(final Object scope, final String type, final String value)
    {
        final ConfigDraft.PolicyDraft policy = ConfigDraft.attributesOf(scope);
        final Map<String, String> values = new LinkedHashMap<>(policy.getOrDefault(PolicyAttribute.CUSTOM_ATTRIBUTES));
        values.put(type, value);
        policy.set(PolicyAttribute.CUSTOM_ATTRIBUTES, Collections.unmodifiableMap(values));
        return null;
    }

    /** A one-value attribute line: {@code WORDS VALUE}, keyed by its words. */
    private static void setting(final Mode mode, final String words, final String help, final int order,
        final PolicyAttribute<Integer> attribute, final ArgType<Integer> type, final String argHelp)
    {
        final ConfigCommand.Builder builder = ConfigCommand.in(mode, help);
        for (final String word : words.split(" "))
        {
            builder.kw(word, help);
        }
        register(builder.key()
            .arg("value", type, argHelp)
            .order(order, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(attribute, args.<Integer>get("value"));
                return null;
            })
            .build());
    }

    /** A keyword-valued attribute line: {@code WORDS CHOICE}, keyed by its words. */
    private static <T> void choiceSetting(final Mode mode, final String words, final String help, final int order,
        final PolicyAttribute<T> attribute, final java.util.function.Function<String, T> value,
        final String... wordsAndHelp)
    {
        final ConfigCommand.Builder builder = ConfigCommand.in(mode, "Configure AnyConnect attributes");
        final String[] split = words.split(" ");
        for (int i = 0; i < split.length; i++)
        {
            builder.kw(split[i], i == 0 ? "Configure AnyConnect attributes" : help);
        }
        register(builder.key()
            .choice("value", wordsAndHelp)
            .order(order, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(attribute, value.apply(args.get("value")));
                return null;
            })
            .build());
    }

    private static void declareGroupWebvpn(final Mode gw)
    {
        register(ConfigCommand.in(gw, "Configure AnyConnect attributes")
            .kw("anyconnect", "Configure AnyConnect attributes").kw("mtu", "Set the tunnel MTU").key()
            .arg("size", ArgTypes.integer(576, 1406), "MTU in bytes")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.MTU, args.<Integer>get("size"));
                return null;
            })
            .build());
        final ConfigCommand keepalive = register(ConfigCommand.in(gw, "Configure AnyConnect attributes")
            .kw("anyconnect", "Configure AnyConnect attributes").kw("ssl", "Configure SSL tunnel attributes")
            .kw("keepalive", "Set the interval of keepalive messages").key()
            .arg("seconds", ArgTypes.integerOrNone(15, 600), "Seconds between keepalives, or none")
            .order(20, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.SSL_KEEPALIVE, args.<Integer>get("seconds"));
                return null;
            })
            .build());
        register(ConfigCommand.in(gw, "Configure AnyConnect attributes")
            .kw("anyconnect", "Configure AnyConnect attributes")
            .kw("keepalive", "Set the interval of keepalive messages").key()
            .arg("seconds", ArgTypes.integerOrNone(15, 600), "Seconds between keepalives, or none")
            .aliasOf(keepalive, args -> args)
            .build());
        // both intervals are one entity, so a bare "no anyconnect dpd-interval" removes them as the seed says
        register(ConfigCommand.in(gw, "Configure AnyConnect attributes")
            .kw("anyconnect", "Configure AnyConnect attributes").kw("dpd-interval", "Set dead peer detection intervals")
            .entity().kw("client", "Interval of the client's DPD").key()
            .arg("seconds", ArgTypes.integerOrNone(30, 3600), "Seconds (300 recommended), or none to disable")
            .order(30, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.DPD_CLIENT, args.<Integer>get("seconds"));
                return null;
            })
            .build());
        register(ConfigCommand.in(gw, "Configure AnyConnect attributes")
            .kw("anyconnect", "Configure AnyConnect attributes").kw("dpd-interval", "Set dead peer detection intervals")
            .entity().kw("gateway", "Interval of this appliance's DPD").key()
            .arg("seconds", ArgTypes.integerOrNone(30, 3600), "Seconds (300 recommended), or none to disable")
            .order(40, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.DPD_GATEWAY, args.<Integer>get("seconds"));
                return null;
            })
            .build());
        declareGroupWebvpnExtras(gw);
    }

    private static void declareGroupWebvpnExtras(final Mode gw)
    {
        choiceSetting(gw, "anyconnect ssl dtls", "Offer DTLS to the group's clients", 5, PolicyAttribute.SSL_DTLS,
            "enable"::equals, "enable", "Offer DTLS", "none", "TLS only");
        choiceSetting(gw, "anyconnect keep-installer", "Keep the client installed after the session", 15,
            PolicyAttribute.KEEP_INSTALLER, "installed"::equals,
            "installed", "The client stays installed", "none", "The client uninstalls itself");
        register(ConfigCommand.in(gw, "Configure AnyConnect attributes")
            .kw("anyconnect", "Configure AnyConnect attributes").kw("ssl", "Configure SSL tunnel attributes")
            .kw("rekey", "Configure key renewal").kw("time", "Minutes between key renewals").key()
            .arg("minutes", ArgTypes.integerOrNone(1, 10080), "Minutes (1-10080), or none")
            .order(22, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.SSL_REKEY_TIME, args.<Integer>get("minutes"));
                return null;
            })
            .build());
        choiceSetting(gw, "anyconnect ssl rekey method", "How the client renews its keys", 23,
            PolicyAttribute.SSL_REKEY_METHOD, RekeyMethod::ofKeyword,
            "new-tunnel", "The client sets up a new tunnel", "ssl", "The client renegotiates TLS",
            "none", "No key renewal");
        choiceSetting(gw, "anyconnect ssl compression", "Compression of the TLS tunnel", 25,
            PolicyAttribute.SSL_COMPRESSION, SslCompression::ofKeyword,
            "deflate", "Deflate compression", "lzs", "LZS compression (an extension of this appliance)",
            "none", "No compression");
        choiceSetting(gw, "anyconnect ssl df-bit-ignore", "Fragment packets that have the DF bit set", 27,
            PolicyAttribute.SSL_DF_BIT_IGNORE, "enable"::equals,
            "enable", "Ignore the DF bit", "disable", "Honour the DF bit");
        choiceSetting(gw, "anyconnect dtls compression", "Compression of the DTLS tunnel", 45,
            PolicyAttribute.DTLS_COMPRESSION, DtlsCompression::ofKeyword,
            "lzs", "LZS compression", "none", "No compression");
        register(ConfigCommand.in(gw, "Configure AnyConnect attributes")
            .kw("anyconnect", "Configure AnyConnect attributes")
            .kw("modules", "Client modules to download").key()
            .kw("value", "Give the modules")
            .arg("modules", ArgTypes.MODULE_LIST, "Comma-separated module names, e.g. vpngina,dart")
            .order(50, 0)
            .compile((draft, scope, args) ->
            {
                final List<String> modules = List.of(args.<String>get("modules").split(","));
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.MODULES,
                    List.copyOf(requireDistinct(modules, "anyconnect modules")));
                return null;
            })
            .build());
        register(ConfigCommand.in(gw, "Configure AnyConnect attributes")
            .kw("anyconnect", "Configure AnyConnect attributes")
            .kw("modules", "Client modules to download").key()
            .kw("none", "No modules; do not inherit any")
            .order(50, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.MODULES, List.of());
                return null;
            })
            .build());
        register(ConfigCommand.in(gw, "Configure AnyConnect attributes")
            .kw("anyconnect", "Configure AnyConnect attributes")
            .kw("profiles", "Client profiles of the group").entity()
            .kw("value", "Give a profile")
            .arg("name", PROFILE, "Name of a profile defined in webvpn").key()
            .optional(null, p -> p.kw("type", "The client module the profile is for")
                .choice("type",
                    "vpn", "The VPN client", "nam", "Network Access Manager", "websecurity", "Web Security",
                    "iseposture", "ISE Posture", "umbrella", "Umbrella", "nvm", "Network Visibility"))
            .order(55, 0)
            .compile((draft, scope, args) ->
            {
                final ConfigDraft.PolicyDraft policy = ConfigDraft.attributesOf(scope);
                final List<ClientProfileRef> profiles = new ArrayList<>(policy.getOrDefault(PolicyAttribute.PROFILES));
                profiles.add(new ClientProfileRef(args.get("name"), args.has("type") ? args.get("type") : "vpn"));
                policy.set(PolicyAttribute.PROFILES, List.copyOf(profiles));
                return null;
            })
            .build());
        register(ConfigCommand.in(gw, "Configure AnyConnect attributes")
            .kw("anyconnect", "Configure AnyConnect attributes")
            .kw("profiles", "Client profiles of the group").entity()
            .kw("none", "No profile; do not inherit one").key()
            .order(55, 1)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.PROFILES, List.of());
                return null;
            })
            .build());
        register(ConfigCommand.in(gw, "Configure AnyConnect attributes")
            .kw("anyconnect", "Configure AnyConnect attributes")
            .kw("ask", "Ask the user to download the client").key()
            .kw("none", "Do not ask")
            .order(60, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.ASK, AnyconnectAsk.NONE);
                return null;
            })
            .build());
        final ConfigCommand askEnable = register(ConfigCommand.in(gw, "Configure AnyConnect attributes")
            .kw("anyconnect", "Configure AnyConnect attributes")
            .kw("ask", "Ask the user to download the client").key()
            .kw("enable", "Ask, and wait for the answer")
            .optional(null, p -> p.kw("default", "What to do when the user does not answer")
                .choice("action", "anyconnect", "Download the client", "webvpn", "Go to the portal page")
                .optional(null, q -> q.kw("timeout", "How long to wait for the answer")
                    .arg("timeout", ArgTypes.integer(1, 30), "Seconds")))
            .order(60, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.ASK, new AnyconnectAsk(true,
                    args.get("action"), args.has("timeout") ? args.<Integer>get("timeout") : 0));
                return null;
            })
            .build());
        // the seed's other spellings (000:253-256): "default" alone downloads, "default clientless" is the portal
        register(ConfigCommand.in(gw, "Configure AnyConnect attributes")
            .kw("anyconnect", "Configure AnyConnect attributes")
            .kw("ask", "Ask the user to download the client").key()
            .kw("enable", "Ask, and wait for the answer")
            .kw("default", "What to do when the user does not answer")
            .optional("clientless", p -> p.kw("clientless", "Go to the portal page (as webvpn)"))
            .optional(null, q -> q.kw("timeout", "How long to wait for the answer")
                .arg("timeout", ArgTypes.integer(1, 30), "Seconds"))
            .aliasOf(askEnable, args -> args.with("action", args.has("clientless") ? "webvpn" : "anyconnect"))
            .withoutNoForm()
            .build());
    }

    private static void declareUsername()
    {
        final ConfigCommand stored = register(ConfigCommand.in(Mode.CONFIG, "Configure a local user")
            .kw("username", "Configure a local user")
            .arg("name", ArgTypes.NAME, "User name").entity()
            .kw("password", "Set the user's password").key()
            .arg("password", PasswordArgType.HASH, "The stored hash, as shown by show running-config")
            .kw("pbkdf2", "The password is a PBKDF2 hash")
            .optional(null, p -> p.kw("nt-encrypted", "The user's NT hash, for EAP-MSCHAPv2 (IKEv2)")
                .arg("ntHash", NtHashArgType.INSTANCE, "32 hex digits, as shown by show running-config"))
            .optional(null, p -> p.kw("privilege", "Set the user's privilege level")
                .arg("privilege", ArgTypes.integer(0, 15), "Privilege level"))
            .defines(RefKind.USER, "name")
            .order(60, 0)
            .compile((draft, scope, args) ->
            {
                final ConfigDraft.UserDraft user = draft.users.computeIfAbsent(args.get("name"),
                    ConfigDraft.UserDraft::new);
                user.password = args.get("password");
                user.ntHash = args.has("ntHash") ? args.get("ntHash") : null;
                user.privilege = args.has("privilege") ? args.<Integer>get("privilege") : ConfigDraft.DEFAULT_PRIVILEGE;
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Configure a local user")
            .kw("username", "Configure a local user")
            .arg("name", ArgTypes.NAME, "User name").entity()
            .kw("password", "Set the user's password").key()
            .arg("password", ArgTypes.SECRET, "The password in clear text; it is stored hashed")
            .optional(null, p -> p.kw("privilege", "Set the user's privilege level")
                .arg("privilege", ArgTypes.integer(0, 15), "Privilege level"))
            .aliasOf(stored, args -> args.with("password", PasswordHash.of(args.get("password"))))
            .build());
        // EAP-MSCHAPv2 needs the NT hash: as on the ASA, "mschap" keeps it beside the PBKDF2 hash
        register(ConfigCommand.in(Mode.CONFIG, "Configure a local user")
            .kw("username", "Configure a local user")
            .arg("name", ArgTypes.NAME, "User name").entity()
            .kw("password", "Set the user's password").key()
            .arg("password", ArgTypes.SECRET, "The password in clear text; it is stored hashed")
            .kw("mschap", "Also keep the NT hash, for EAP-MSCHAPv2 (IKEv2)")
            .optional(null, p -> p.kw("privilege", "Set the user's privilege level")
                .arg("privilege", ArgTypes.integer(0, 15), "Privilege level"))
            .aliasOf(stored, args -> args.with("ntHash", java.util.HexFormat.of().formatHex(
                org.headend.control.auth.radius.MsChapV2.ntPasswordHash(args.get("password"))))
                .with("password", PasswordHash.of(args.get("password"))))
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Configure a local user")
            .kw("username", "Configure a local user")
            .arg("name", USER, "User name").entity()
            .kw("attributes", "Enter the user's attribute configuration mode").key()
            .enters(Mode.USERNAME)
            .order(60, 1)
            .compile((draft, scope, args) -> draft.users.computeIfAbsent(args.get("name"),
                ConfigDraft.UserDraft::new))
            .build());
        register(ConfigCommand.in(Mode.USERNAME, "Set the user's group policy")
            .kw("vpn-group-policy", "Set the user's group policy").key()
            .arg("policy", GROUP_POLICY, "Name of the group policy")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.UserDraft)scope).vpnGroupPolicy = args.get("policy");
                return null;
            })
            .build());
        declareTunnelProtocol(Mode.USERNAME, 20);
        declareGroupLock(Mode.USERNAME, 25);
        // the session limits a user may carry himself, overriding his group-policies (as on the ASA)
        setting(Mode.USERNAME, "vpn-simultaneous-logins", "Limit the sessions the user may have at once", 12,
            PolicyAttribute.VPN_SIMULTANEOUS_LOGINS, ArgTypes.integer(0, 2_147_483_647), "Number of sessions");
        setting(Mode.USERNAME, "vpn-idle-timeout", "Log the user's session off after this long without traffic", 14,
            PolicyAttribute.VPN_IDLE_TIMEOUT, TIMEOUT_MINUTES, "Minutes, or none");
        setting(Mode.USERNAME, "vpn-session-timeout", "Log the user's session off after this long in all", 16,
            PolicyAttribute.VPN_SESSION_TIMEOUT, TIMEOUT_MINUTES, "Minutes, or none");
        register(ConfigCommand.in(Mode.USERNAME, "Give the user a fixed tunnel address")
            .kw("vpn-framed-ip-address", "Give the user a fixed tunnel address").key()
            .arg("address", ArgTypes.IPV4, "The address, in or outside the ip local pools")
            .arg("mask", ArgTypes.MASK, "The netmask the client is told")
            .order(18, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.VPN_FRAMED_IP_ADDRESS,
                    FramedAddress.of(args.get("address"), args.get("mask")));
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.USERNAME, "Set what the user may log in to")
            .kw("service-type", "Set what the user may log in to").key()
            .choice("type",
                "admin", "Management console and VPN",
                "nas-prompt", "Management console, and VPN",
                "remote-access", "VPN only: no management console")
            .order(30, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.UserDraft)scope).serviceType = args.get("type");
                return null;
            })
            .build());
        // local MFA (beyond the ASA): logins of this user need an RFC 6238 code after the password
        register(ConfigCommand.in(Mode.USERNAME, "Require a TOTP code after the user's password")
            .kw("totp-secret", "Require a TOTP code (RFC 6238) after the user's password").key()
            .arg("secret", TotpSecretArgType.INSTANCE, "The shared secret in base32, at least 128 bits")
            .order(35, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.UserDraft)scope).totpSecret = args.get("secret");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.USERNAME, "Configure the user's WebVPN and AnyConnect attributes")
            .kw("webvpn", "Configure the user's WebVPN and AnyConnect attributes")
            .enters(Mode.USERNAME_WEBVPN)
            .order(90, 0)
            .compile((draft, scope, args) -> scope)
            .build());
        declareGroupWebvpn(Mode.USERNAME_WEBVPN);
        declareCustom(Mode.USERNAME_WEBVPN);
    }

    private static void declareTunnelGroup()
    {
        register(ConfigCommand.in(Mode.CONFIG, "Configure a connection profile (tunnel group)")
            .kw("tunnel-group", "Configure a connection profile (tunnel group)")
            .arg("name", ArgTypes.NAME, "Name of the tunnel group").entity()
            .kw("type", "Set the type of the tunnel group").key()
            .choice("type", "remote-access", "Remote access (AnyConnect) connections")
            .defines(RefKind.TUNNEL_GROUP, "name")
            .implicitWhen(args -> RefKind.TUNNEL_GROUP.builtIn().contains(args.<String>get("name")))
            .order(70, 0)
            .compile((draft, scope, args) ->
            {
                draft.tunnelGroups.computeIfAbsent(args.get("name"), ConfigDraft.TunnelGroupDraft::new).type =
                    args.get("type");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Configure a connection profile (tunnel group)")
            .kw("tunnel-group", "Configure a connection profile (tunnel group)")
            .arg("name", TUNNEL_GROUP, "Name of the tunnel group").entity()
            .kw("general-attributes", "Enter the general attribute configuration mode").key()
            .enters(Mode.TUNNEL_GENERAL)
            .order(70, 1)
            .compile((draft, scope, args) -> draft.tunnelGroups.computeIfAbsent(args.get("name"),
                ConfigDraft.TunnelGroupDraft::new))
            .build());
        register(ConfigCommand.in(Mode.TUNNEL_GENERAL, "Set the address pools of the tunnel group")
            .kw("address-pool", "Set the address pools of the tunnel group").key()
            .repeat(1, 6, "pool", POOL, "Name of an ip local pool")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                final List<String> pools = args.all("pool");
                final ConfigDraft.TunnelGroupDraft group = (ConfigDraft.TunnelGroupDraft)scope;
                group.addressPools.clear();
                group.addressPools.addAll(requireDistinct(pools, "address-pool"));
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.TUNNEL_GENERAL, "Set the IPv6 address pools of the tunnel group")
            .kw("ipv6-address-pool", "Set the IPv6 address pools of the tunnel group").key()
            .repeat(1, 6, "pool", IPV6_POOL, "Name of an ipv6 local pool")
            .order(15, 0)
            .compile((draft, scope, args) ->
            {
                final List<String> pools = args.all("pool");
                final ConfigDraft.TunnelGroupDraft group = (ConfigDraft.TunnelGroupDraft)scope;
                group.ipv6AddressPools.clear();
                group.ipv6AddressPools.addAll(requireDistinct(pools, "ipv6-address-pool"));
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.TUNNEL_GENERAL, "Set the DHCP servers that lease the tunnel addresses")
            .kw("dhcp-server", "Set the DHCP servers that lease the tunnel addresses").key()
            .repeat(1, 10, "server", ArgTypes.IPV4, "IPv4 address of a DHCP server")
            .order(24, 0)
            .compile((draft, scope, args) ->
            {
                final List<java.net.Inet4Address> servers = args.all("server");
                for (final java.net.Inet4Address server : servers)
                {
                    // a DHCP server on the appliance's own host (the loopback) is allowed
                    if (!server.isLoopbackAddress() && notUnicast(server))
                    {
                        throw new IllegalArgumentException("dhcp-server " + server.getHostAddress()
                            + " is not a unicast address");
                    }
                }
                final ConfigDraft.TunnelGroupDraft group = (ConfigDraft.TunnelGroupDraft)scope;
                group.dhcpServers.clear();
                group.dhcpServers.addAll(requireDistinct(servers, "dhcp-server"));
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Configure a connection profile (tunnel group)")
            .kw("tunnel-group", "Configure a connection profile (tunnel group)")
            .arg("name", TUNNEL_GROUP, "Name of the tunnel group").entity()
            .kw("webvpn-attributes", "Enter the WebVPN attribute configuration mode").key()
            .enters(Mode.TUNNEL_WEBVPN)
            .order(70, 2)
            .compile((draft, scope, args) -> draft.tunnelGroups.computeIfAbsent(args.get("name"),
                ConfigDraft.TunnelGroupDraft::new))
            .build());
        register(ConfigCommand.in(Mode.TUNNEL_WEBVPN, "Name the group on the login page")
            .kw("group-alias", "Name the group on the login page")
            .arg("alias", ArgTypes.NAME, "The name users pick").key()
            .choice("state", "enable", "Offer the alias", "disable", "Keep the alias but do not offer it")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.TunnelGroupDraft)scope).groupAliases.put(args.get("alias"),
                    "enable".equals(args.get("state")));
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.TUNNEL_WEBVPN, "Select the group by the URL the client connects to")
            .kw("group-url", "Select the group by the URL the client connects to")
            .arg("url", ArgTypes.GROUP_URL, "The URL, e.g. https://vpn.example.com/eng").key()
            .optional(null, p -> p.choice("state", "enable", "Select the group by this URL",
                "disable", "Keep the URL but do not use it"))
            .order(12, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.TunnelGroupDraft)scope).groupUrls.put(args.get("url"),
                    !"disable".equals(args.get("state")));
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.TUNNEL_GENERAL, "Set the default group policy of the tunnel group")
            .kw("default-group-policy", "Set the default group policy of the tunnel group").key()
            .arg("policy", GROUP_POLICY, "Name of the group policy")
            .order(20, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.TunnelGroupDraft)scope).defaultGroupPolicy = args.get("policy");
                return null;
            })
            .build());
    }

    private static void declareAaaServers()
    {
        register(ConfigCommand.in(Mode.CONFIG, "Configure an AAA server group")
            .kw("aaa-server", "Configure an AAA server group or one of its servers")
            .arg("name", ArgTypes.NAME, "Name of the server group").entity()
            .kw("protocol", "The protocol of the group's servers").key()
            .choice("protocol", "radius", "RADIUS (RFC 2865)",
                "ldap", "LDAP (RFC 4511): find the user with a search, check the password with a bind")
            .defines(RefKind.AAA_SERVER, "name")
            .enters(Mode.AAA_SERVER_GROUP)
            .order(65, 0)
            .compile((draft, scope, args) ->
            {
                if (AaaServerGroup.LOCAL.equalsIgnoreCase(args.get("name")))
                {
                    throw new IllegalArgumentException("LOCAL is the local user database; name the group otherwise");
                }
                final ConfigDraft.AaaGroupDraft group =
                    draft.aaaServers.computeIfAbsent(args.get("name"), ConfigDraft.AaaGroupDraft::new);
                group.protocol = args.get("protocol");
                return group;
            })
            .build());
        register(ConfigCommand.in(Mode.AAA_SERVER_GROUP, "Failures that mark a server failed")
            .kw("max-failed-attempts", "Consecutive unanswered requests that mark a server failed").key()
            .arg("attempts", ArgTypes.integer(1, 5), "Number of attempts, default 3")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.AaaGroupDraft)scope).maxFailedAttempts = args.<Integer>get("attempts");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.AAA_SERVER_GROUP, "How failed servers come back")
            .kw("reactivation-mode", "How failed servers come back").key()
            .choice("mode", "depletion", "When every server of the group has failed, after the dead time",
                "timed", "Each failed server after 30 seconds")
            .optional("dead", p -> p.kw("deadtime", "Minutes before a depleted group is tried again")
                .arg("minutes", ArgTypes.integer(0, 1440), "Minutes, default 10"))
            .order(12, 0)
            .compile((draft, scope, args) ->
            {
                final ConfigDraft.AaaGroupDraft group = (ConfigDraft.AaaGroupDraft)scope;
                group.timedReactivation = "timed".equals(args.get("mode"));
                if (args.has("dead"))
                {
                    if (group.timedReactivation)
                    {
                        throw new IllegalArgumentException("deadtime applies to reactivation-mode depletion only");
                    }
                    group.deadtimeMinutes = args.<Integer>get("minutes");
                }
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.AAA_SERVER_GROUP, "Send accounting Interim-Updates")
            .kw("interim-accounting-update", "Send an Interim-Update when a tunnel joins a session").key()
            .optional("periodic", p -> p.kw("periodic", "Also send one for every session every few hours")
                .optional("every", q -> q.arg("hours", ArgTypes.integer(1, 120), "Hours, default 24")))
            .order(14, 0)
            .compile((draft, scope, args) ->
            {
                final ConfigDraft.AaaGroupDraft group = (ConfigDraft.AaaGroupDraft)scope;
                group.interimUpdates = true;
                group.interimHours = !args.has("periodic") ? 0
                    : args.has("every") ? args.<Integer>get("hours") : AaaServerGroup.DEFAULT_INTERIM_HOURS;
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.AAA_SERVER_GROUP, "Accept RFC 5176 dynamic authorization from the servers")
            .kw("dynamic-authorization", "Listen for Disconnect- and CoA-Requests from the group's servers").key()
            .optional("custom", p -> p.kw("port", "The UDP port to listen on")
                .arg("port", ArgTypes.integer(1, 65535), "Port, default 3799"))
            .order(16, 0)
            .compile((draft, scope, args) ->
            {
                final ConfigDraft.AaaGroupDraft group = (ConfigDraft.AaaGroupDraft)scope;
                if (AaaServerGroup.LDAP.equals(group.protocol))
                {
                    throw new IllegalArgumentException("dynamic-authorization applies to protocol radius only");
                }
                group.dynamicAuthorizationPort = args.has("custom") ? args.<Integer>get("port")
                    : AaaServerGroup.DEFAULT_DYNAMIC_AUTHORIZATION_PORT;
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.CONFIG, "Configure a server of an AAA server group")
            .kw("aaa-server", "Configure an AAA server group or one of its servers")
            .arg("name", AAA_SERVER, "Name of the server group").entity()
            .arg("nameif", ArgTypes.PAREN_NAMEIF, "The interface the server is reached by, e.g. (inside)")
            .kw("host", "A server of the group")
            .arg("address", ArgTypes.IP, "The server's address").key()
            .enters(Mode.AAA_SERVER_HOST)
            .order(65, 1)
            .compile((draft, scope, args) ->
            {
                final ConfigDraft.AaaGroupDraft group = draft.aaaServers.get(args.<String>get("name"));
                if (group == null)
                {
                    throw new IllegalArgumentException("aaa-server " + args.get("name") + " has no protocol line");
                }
                final String nameif = args.get("nameif");
                final java.net.InetAddress address = args.get("address");
                if (group.hosts.size() >= 16 && !group.hosts.containsKey(address.getHostAddress()))
                {
                    throw new IllegalArgumentException("a server group holds at most 16 servers");
                }
                final ConfigDraft.AaaHostDraft host = group.hosts.computeIfAbsent(address.getHostAddress(),
                    k -> new ConfigDraft.AaaHostDraft(nameif.substring(1, nameif.length() - 1), address));
                host.ldap = AaaServerGroup.LDAP.equals(group.protocol)
                    ? host.ldap != null ? host.ldap : new ConfigDraft.LdapHostDraft() : null;
                return host;
            })
            .build());
        register(ConfigCommand.in(Mode.AAA_SERVER_HOST, "The shared secret")
            .kw("key", "The shared secret with the server").key()
            .arg("key", ArgTypes.SECRET, "The secret, 1-127 characters")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.AaaHostDraft)scope).key = args.get("key");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.AAA_SERVER_HOST, "The server's authentication port")
            .kw("authentication-port", "The UDP port of authentication requests").key()
            .arg("port", ArgTypes.integer(1, 65535), "Port, default 1645")
            .order(12, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.AaaHostDraft)scope).authenticationPort = args.<Integer>get("port");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.AAA_SERVER_HOST, "The server's accounting port")
            .kw("accounting-port", "The UDP port of accounting requests").key()
            .arg("port", ArgTypes.integer(1, 65535), "Port, default 1646")
            .order(13, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.AaaHostDraft)scope).accountingPort = args.<Integer>get("port");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.AAA_SERVER_HOST, "How long the server gets to answer")
            .kw("timeout", "Seconds the server gets to answer one request, retries included").key()
            .arg("seconds", ArgTypes.integer(1, 300), "Seconds, default 10")
            .order(14, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.AaaHostDraft)scope).timeoutSeconds = args.<Integer>get("seconds");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.AAA_SERVER_HOST, "Seconds between retransmissions")
            .kw("retry-interval", "Seconds between retransmissions of an unanswered request").key()
            .arg("seconds", ArgTypes.integer(1, 10), "Seconds, default 10")
            .order(15, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.AaaHostDraft)scope).retryIntervalSeconds = args.<Integer>get("seconds");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.AAA_SERVER_HOST, "Refuse answers without a Message-Authenticator")
            .kw("message-authenticator-required", "Refuse answers without a Message-Authenticator (Blast-RADIUS)")
            .key()
            .order(16, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.AaaHostDraft)scope).requireMessageAuthenticator = true;
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.AAA_SERVER_HOST, "How the password is sent to the server")
            .kw("authentication-protocol", "How the password is sent to the server").key()
            .choice("protocol", "pap", "PAP: the password hidden with the key (default)",
                "mschapv2", "MS-CHAPv2: a challenge response; the server proves it knows the password too")
            .order(17, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.AaaHostDraft)scope).msChapV2 = "mschapv2".equals(args.get("protocol"));
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.TUNNEL_GENERAL, "Who checks the passwords of the tunnel group")
            .kw("authentication-server-group", "Who checks the passwords of the tunnel group").key()
            .arg("group", AAA_SERVER, "A server group, or LOCAL")
            .optional("fallback", p -> p.arg("local", ArgTypes.LOCAL_SERVER_GROUP,
                "LOCAL: use the local users while every server of the group is down"))
            .order(30, 0)
            .compile((draft, scope, args) ->
            {
                final ConfigDraft.TunnelGroupDraft group = (ConfigDraft.TunnelGroupDraft)scope;
                group.authenticationServerGroup = args.get("group");
                group.authenticationFallbackLocal = args.has("fallback");
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.TUNNEL_GENERAL, "Double authentication: a second password, another server")
            .kw("secondary-authentication-server-group", "Who checks the second password of double authentication")
            .key()
            .arg("group", AAA_SERVER, "A server group, or LOCAL")
            .optional("fallback", p -> p.arg("local", ArgTypes.LOCAL_SERVER_GROUP,
                "LOCAL: use the local users while every server of the group is down"))
            .optional("same", p -> p.kw("use-primary-username", "Check the second password for the first user name"))
            .order(31, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.TunnelGroupDraft)scope).secondaryAuthentication = new SecondaryAuthentication(
                    args.get("group"), args.has("fallback"), args.has("same"));
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.TUNNEL_GENERAL, "Let users change a password the directory wants changed")
            .kw("password-management", "Ask for a new password when the directory says it must be changed")
            .key()
            .optional("expire", p -> p.kw("password-expire-in-days",
                    "Ask for a new password this many days before it expires (default 14)")
                .arg("days", ArgTypes.integer(0, 180), "Days before expiry, 0 to ask only once it must be changed"))
            .order(33, 0)
            .compile((draft, scope, args) ->
            {
                final ConfigDraft.TunnelGroupDraft group = (ConfigDraft.TunnelGroupDraft)scope;
                group.passwordManagement = true;
                group.passwordExpireInDays = args.has("expire") ? args.<Integer>get("days")
                    : TunnelGroup.DEFAULT_PASSWORD_EXPIRE_IN_DAYS;
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.TUNNEL_GENERAL, "Where the tunnel group's accounting goes")
            .kw("accounting-server-group", "Where the tunnel group's accounting records go").key()
            .arg("group", AAA_SERVER, "A RADIUS server group")
            .order(32, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.TunnelGroupDraft)scope).accountingServerGroup = args.get("group");
                return null;
            })
            .build());
    }

    /** The LDAP lines of an {@code aaa-server} host sub-mode, and {@code ldap attribute-map}. */
    private static void declareLdap()
    {
        final Reference attributeMapRef = new Reference(RefKind.LDAP_ATTRIBUTE_MAP);
        register(ConfigCommand.in(Mode.CONFIG, "Configure an LDAP attribute map")
            .kw("ldap", "Configure LDAP").kw("attribute-map", "Map LDAP attributes to appliance attributes")
            .arg("name", ArgTypes.NAME, "Name of the map").key()
            .defines(RefKind.LDAP_ATTRIBUTE_MAP, "name")
            .enters(Mode.LDAP_ATTRIBUTE_MAP)
            .printWhenEmpty()
            .order(64, 0)
            .compile((draft, scope, args) ->
                draft.ldapMaps.computeIfAbsent(args.get("name"), ConfigDraft.LdapMapDraft::new))
            .build());
        register(ConfigCommand.in(Mode.LDAP_ATTRIBUTE_MAP, "Map an LDAP attribute to an appliance attribute")
            .kw("map-name", "Map an LDAP attribute to an appliance attribute")
            .arg("attribute", LdapArgTypes.MAPPED_ATTRIBUTE, "The LDAP attribute, e.g. memberOf (or a SAML URI name)")
            .key()
            .arg("target", LdapArgTypes.TARGET, "Group-Policy or IETF-Radius-Class")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.LdapMapDraft)scope).names.put(LdapArgTypes.key(args.get("attribute")),
                    args.get("target"));
                return null;
            })
            .build());
        register(ConfigCommand.in(Mode.LDAP_ATTRIBUTE_MAP, "Translate one value of an LDAP attribute")
            .kw("map-value", "Translate one value of an LDAP attribute")
            .arg("attribute", LdapArgTypes.MAPPED_ATTRIBUTE, "The LDAP attribute, e.g. memberOf (or a SAML URI name)")
            .arg("pair", LdapArgTypes.MAP_VALUE, "The LDAP value (quoted when it holds blanks), then what it becomes")
            .key()
            .order(20, 0)
            .compile((draft, scope, args) ->
            {
                final ConfigDraft.LdapMapDraft map = (ConfigDraft.LdapMapDraft)scope;
                if (map.values.size() >= 256)
                {
                    throw new IllegalArgumentException("an attribute map holds at most 256 map-value lines");
                }
                final LdapArgTypes.MapValue pair = LdapArgTypes.mapValue(args.get("pair"));
                map.values.add(new LdapAttributeMap.ValueMapping(LdapArgTypes.key(args.get("attribute")),
                    pair.ldapValue(), pair.value()));
                return null;
            })
            .build());
        register(ldapHostLine("server-port", "The server's TCP port", 20)
            .arg("port", ArgTypes.integer(1, 65535), "Port, default 389 (636 with ldap-over-ssl enable)")
            .compile((draft, scope, args) ->
            {
                ldapOf(scope, "server-port").port = args.<Integer>get("port");
                return null;
            })
            .build());
        register(ldapHostLine("ldap-base-dn", "Where users are searched", 21)
            .arg("dn", LdapArgTypes.DN_LINE, "The base DN, e.g. ou=people,dc=example,dc=com")
            .compile((draft, scope, args) ->
            {
                ldapOf(scope, "ldap-base-dn").baseDn = LdapArgTypes.DN_LINE.parse(args.get("dn"));
                return null;
            })
            .build());
        register(ldapHostLine("ldap-scope", "How deep under the base DN users are searched", 22)
            .choice("scope", "onelevel", "Only the base DN's children (default)",
                "subtree", "The whole tree under the base DN")
            .compile((draft, scope, args) ->
            {
                ldapOf(scope, "ldap-scope").subtree = "subtree".equals(args.get("scope"));
                return null;
            })
            .build());
        register(ldapHostLine("ldap-naming-attribute", "The attribute holding the user name", 23)
            .arg("attribute", LdapArgTypes.ATTRIBUTE, "e.g. uid or sAMAccountName")
            .compile((draft, scope, args) ->
            {
                ldapOf(scope, "ldap-naming-attribute").namingAttribute = args.get("attribute");
                return null;
            })
            .build());
        register(ldapHostLine("ldap-login-password", "The service account's password", 24)
            .arg("password", ArgTypes.SECRET, "The password")
            .compile((draft, scope, args) ->
            {
                ldapOf(scope, "ldap-login-password").loginPassword = args.get("password");
                return null;
            })
            .build());
        register(ldapHostLine("ldap-login-dn", "The service account the user search binds as", 25)
            .arg("dn", LdapArgTypes.DN_LINE, "Its DN, e.g. cn=vpn,ou=services,dc=example,dc=com")
            .compile((draft, scope, args) ->
            {
                ldapOf(scope, "ldap-login-dn").loginDn = LdapArgTypes.DN_LINE.parse(args.get("dn"));
                return null;
            })
            .build());
        register(ldapHostLine("ldap-over-ssl", "Protect the connection with TLS", 26)
            .choice("mode", "enable", "LDAPS: TLS from the first byte (port 636 by default)",
                "starttls", "StartTLS: plain LDAP upgraded to TLS before any password is sent")
            .compile((draft, scope, args) ->
            {
                ldapOf(scope, "ldap-over-ssl").transport = "enable".equals(args.get("mode"))
                    ? LdapHostSettings.Transport.LDAPS : LdapHostSettings.Transport.STARTTLS;
                return null;
            })
            .build());
        register(ldapHostLine("ldap-trusted-ca", "The CA certificates the server's certificate must chain to", 27)
            .arg("file", ArgTypes.flashFile(""), "A PEM file on disk0:, e.g. disk0:/ldap-ca.pem")
            .compile((draft, scope, args) ->
            {
                ldapOf(scope, "ldap-trusted-ca").trustedCaFile = args.get("file");
                return null;
            })
            .build());
        register(ldapHostLine("server-type", "The kind of directory", 28)
            .choice("type", "auto-detect", "Read both AD and password-policy answers (default)",
                "microsoft", "Active Directory", "openldap", "OpenLDAP", "sun", "Sun/Oracle directory",
                "novell", "Novell eDirectory")
            .compile((draft, scope, args) ->
            {
                ldapOf(scope, "server-type").serverType = LdapHostSettings.ServerType.of(args.get("type"));
                return null;
            })
            .build());
        register(ldapHostLine("ldap-attribute-map", "Map the user's LDAP attributes", 29)
            .arg("map", attributeMapRef, "An ldap attribute-map")
            .compile((draft, scope, args) ->
            {
                ldapOf(scope, "ldap-attribute-map").attributeMap = args.get("map");
                return null;
            })
            .build());
    }

    private static void declareAuthorization()
    {
        register(ConfigCommand.in(Mode.TUNNEL_GENERAL, "Where the tunnel group's users' group-policy comes from")
            .kw("authorization-server-group", "An LDAP group asked for each user's group-policy after login").key()
            .arg("group", AAA_SERVER, "An aaa-server group of protocol ldap")
            .order(31, 0)
            .compile((draft, scope, args) ->
            {
                if (AaaServerGroup.LOCAL.equals(args.get("group")))
                {
                    throw new IllegalArgumentException("authorization-server-group names an LDAP server group");
                }
                ((ConfigDraft.TunnelGroupDraft)scope).authorizationServerGroup = args.get("group");
                return null;
            })
            .build());
    }

    private static ConfigCommand.Builder ldapHostLine(final String keyword, final String help, final int order)
    {
        return ConfigCommand.in(Mode.AAA_SERVER_HOST, help).kw(keyword, help).key().order(order, 0);
    }

    /** The LDAP lines of a host; refused in a RADIUS group's host. */
    private static ConfigDraft.LdapHostDraft ldapOf(final Object scope, final String keyword)
    {
        final ConfigDraft.LdapHostDraft ldap = ((ConfigDraft.AaaHostDraft)scope).ldap;
        if (ldap == null)
        {
            throw new IllegalArgumentException(keyword + " applies to servers of an aaa-server group of protocol ldap");
        }
        return ldap;
    }

    private static <T> LinkedHashSet<T> requireDistinct(final List<T> values, final String command)
    {
        final LinkedHashSet<T> distinct = new LinkedHashSet<>();
        for (final T value : values)
        {
            if (!distinct.add(value))
            {
                final Object shown = value instanceof InetAddress address ? address.getHostAddress() : value;
                throw new IllegalArgumentException(command + " lists " + shown + " twice");
            }
        }
        return distinct;
    }
}
