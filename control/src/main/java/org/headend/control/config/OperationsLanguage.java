package org.headend.control.config;

import java.net.Inet4Address;
import java.util.function.UnaryOperator;
import org.headend.control.config.grammar.ArgTypes;
import org.headend.control.config.grammar.Mode;

/**
 * The configuration commands of operations, kept apart from {@link ConfigLanguage}'s table: the management HTTPS
 * server ({@code http server enable [PORT]}, {@code http A.B.C.D M.M.M.M NAMEIF}) and syslog ({@code logging …}).
 */
final class OperationsLanguage
{
    private OperationsLanguage()
    {
    }

    /** Declares the commands through {@code register}, which adds one to the language and returns it. */
    static void declare(final UnaryOperator<ConfigCommand> register)
    {
        declareHttp(register);
        declareLogging(register);
    }

    private static void declareHttp(final UnaryOperator<ConfigCommand> register)
    {
        final ConfigCommand server = register.apply(ConfigCommand.in(Mode.CONFIG, "Configure HTTP access")
            .kw("http", "Configure HTTP access").kw("server", "The management HTTPS server (/metrics)")
            .kw("enable", "Start the management HTTPS server").key()
            .arg("port", ArgTypes.integer(1, 65535),
                "TCP port, default " + OperationsConfig.DEFAULT_HTTP_SERVER_PORT + " (443 is the VPN's)")
            .order(79, 0)
            .compile((draft, scope, args) ->
            {
                draft.operations.httpServerPort = args.<Integer>get("port");
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CONFIG, "Configure HTTP access")
            .kw("http", "Configure HTTP access").kw("server", "The management HTTPS server (/metrics)")
            .kw("enable", "Start the management HTTPS server").key()
            .aliasOf(server, args -> args.with("port", OperationsConfig.DEFAULT_HTTP_SERVER_PORT))
            .withoutNoForm()
            .build());
        register.apply(ConfigCommand.in(Mode.CONFIG, "Configure HTTP access")
            .kw("http", "Configure HTTP access")
            .arg("address", ArgTypes.IPV4, "Host or network allowed to reach the management server")
            .arg("mask", ArgTypes.MASK, "Its mask")
            .arg("nameif", ArgTypes.NAME, "The nameif of the interface the hosts come in by")
            .order(79, 1)
            .compile((draft, scope, args) ->
            {
                final Inet4Address address = args.get("address");
                draft.operations.httpAccess.add(new HttpAccess(address, args.get("mask"), args.get("nameif")));
                return null;
            })
            .build());
    }

    private static void declareLogging(final UnaryOperator<ConfigCommand> register)
    {
        register.apply(ConfigCommand.in(Mode.CONFIG, "Configure logging")
            .kw("logging", "Configure logging").kw("enable", "Turn on logging: to hosts and to the buffer")
            .order(70, 0)
            .compile((draft, scope, args) ->
            {
                draft.operations.loggingEnabled = true;
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CONFIG, "Configure logging")
            .kw("logging", "Configure logging").kw("timestamp", "Put the date and time in each message")
            .order(70, 1)
            .compile((draft, scope, args) ->
            {
                draft.operations.timestamp = true;
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CONFIG, "Configure logging")
            .kw("logging", "Configure logging").kw("buffer-size", "Size of the buffer show logging prints").key()
            .arg("bytes", ArgTypes.integer(4096, 1_048_576), "Bytes, default " + LoggingConfig.DEFAULT_BUFFER_SIZE)
            .order(70, 2)
            .compile((draft, scope, args) ->
            {
                draft.operations.bufferSize = args.<Integer>get("bytes");
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CONFIG, "Configure logging")
            .kw("logging", "Configure logging").kw("buffered", "Keep messages in the buffer show logging prints")
            .key()
            .arg("level", LogLevel.TYPE, "Most verbose severity kept: 0-7 or a name (informational, …)")
            .order(70, 3)
            .compile((draft, scope, args) ->
            {
                draft.operations.bufferedLevel = args.<Integer>get("level");
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CONFIG, "Configure logging")
            .kw("logging", "Configure logging").kw("trap", "Send messages to the syslog hosts").key()
            .arg("level", LogLevel.TYPE, "Most verbose severity sent: 0-7 or a name (informational, …)")
            .order(70, 4)
            .compile((draft, scope, args) ->
            {
                draft.operations.trapLevel = args.<Integer>get("level");
                return null;
            })
            .build());
        final ConfigCommand host = register.apply(ConfigCommand.in(Mode.CONFIG, "Configure logging")
            .kw("logging", "Configure logging").kw("host", "A syslog collector")
            .arg("nameif", ArgTypes.NAME, "The nameif of the interface the collector is reached by")
            .arg("address", ArgTypes.IP, "The collector's address").key()
            .arg("transport", LogTransport.TYPE, "udp/PORT (default udp/514) or tcp/PORT")
            .order(70, 5)
            .compile((draft, scope, args) ->
            {
                final LogTransport.Value transport = args.get("transport");
                final LogHost added = new LogHost(args.get("nameif"), args.get("address"), transport.tcp(),
                    transport.port());
                draft.operations.logHosts.put(added.nameif() + " " + ArgTypes.IP.format(added.address()), added);
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CONFIG, "Configure logging")
            .kw("logging", "Configure logging").kw("host", "A syslog collector")
            .arg("nameif", ArgTypes.NAME, "The nameif of the interface the collector is reached by")
            .arg("address", ArgTypes.IP, "The collector's address").key()
            .aliasOf(host, args -> args.with("transport", new LogTransport.Value(false, LogHost.DEFAULT_UDP_PORT)))
            .withoutNoForm()
            .build());
    }
}
