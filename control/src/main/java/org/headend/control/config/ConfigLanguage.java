package org.headend.control.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.headend.control.config.grammar.ArgTypes;
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

    private static final List<ConfigCommand> COMMANDS = new ArrayList<>();
    private static final Grammar<ConfigLine> GRAMMAR = new Grammar<>();

    static
    {
        declareGlobal();
        declareInterface();
        declareWebvpn();
        declareGroupPolicy();
        declareUsername();
        declareTunnelGroup();
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
        final List<Token> tokens = Token.split(line);
        if (tokens.isEmpty())
        {
            throw new SyntaxError(ErrorKind.INCOMPLETE, 0, 0, "empty line");
        }
        SyntaxError best = null;
        for (int depth = cursor.depth(); depth >= 0; depth--)
        {
            try
            {
                final Grammar.Match<ConfigLine> match = GRAMMAR.parse(cursor.modeAt(depth), line, tokens);
                return new ParsedLine(depth, match.payload(), match.arguments());
            }
            catch (final SyntaxError ex)
            {
                if (best == null || ex.tokenIndex() > best.tokenIndex())
                {
                    best = ex;
                }
            }
        }
        throw best;
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
        GRAMMAR.add(command.mode(), command.noSyntax(), new ConfigLine.Remove(command));
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
        register(ConfigCommand.in(Mode.WEBVPN, "Enable the service on an interface")
            .kw("enable", "Enable the service on an interface")
            .arg("nameif", ArgTypes.NAME, "The nameif of the interface, e.g. outside").key()
            .order(20, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.WebvpnDraft)scope).enabled.add(args.get("nameif"));
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
            .repeat(1, 4, "server", ArgTypes.IPV4, "IP address of a DNS server")
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
        declareTunnelProtocol(gp, 20);
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
        register(ConfigCommand.in(gp, "Configure the group's WebVPN and AnyConnect attributes")
            .kw("webvpn", "Configure the group's WebVPN and AnyConnect attributes")
            .enters(Mode.GROUP_WEBVPN)
            .order(90, 0)
            .compile((draft, scope, args) -> scope)
            .build());
        declareGroupWebvpn();
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

    private static void declareGroupWebvpn()
    {
        final Mode gw = Mode.GROUP_WEBVPN;
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
        register(ConfigCommand.in(gw, "Configure AnyConnect attributes")
            .kw("anyconnect", "Configure AnyConnect attributes").kw("dpd-interval", "Set dead peer detection intervals")
            .kw("client", "Interval of the client's DPD").key()
            .arg("seconds", ArgTypes.integerOrNone(5, 3600), "Seconds, or none to disable")
            .order(30, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.DPD_CLIENT, args.<Integer>get("seconds"));
                return null;
            })
            .build());
        register(ConfigCommand.in(gw, "Configure AnyConnect attributes")
            .kw("anyconnect", "Configure AnyConnect attributes").kw("dpd-interval", "Set dead peer detection intervals")
            .kw("gateway", "Interval of this appliance's DPD").key()
            .arg("seconds", ArgTypes.integerOrNone(5, 3600), "Seconds, or none to disable")
            .order(40, 0)
            .compile((draft, scope, args) ->
            {
                ConfigDraft.attributesOf(scope).set(PolicyAttribute.DPD_GATEWAY, args.<Integer>get("seconds"));
                return null;
            })
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
            .optional(null, p -> p.kw("privilege", "Set the user's privilege level")
                .arg("privilege", ArgTypes.integer(0, 15), "Privilege level"))
            .defines(RefKind.USER, "name")
            .order(60, 0)
            .compile((draft, scope, args) ->
            {
                final ConfigDraft.UserDraft user = draft.users.computeIfAbsent(args.get("name"),
                    ConfigDraft.UserDraft::new);
                user.password = args.get("password");
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
