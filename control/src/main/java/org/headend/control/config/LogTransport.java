package org.headend.control.config;

import java.util.Locale;
import org.headend.control.config.grammar.ArgType;

/** {@code udp/PORT} or {@code tcp/PORT} of {@code logging host}. */
final class LogTransport implements ArgType<LogTransport.Value>
{
    static final LogTransport TYPE = new LogTransport();

    /** The protocol and port of a collector. */
    record Value(boolean tcp, int port)
    {
    }

    private LogTransport()
    {
    }

    @Override
    public Value parse(final String token)
    {
        final String lower = token.toLowerCase(Locale.ROOT);
        final int slash = lower.indexOf('/');
        final String protocol = slash < 0 ? "" : lower.substring(0, slash);
        if (!protocol.equals("udp") && !protocol.equals("tcp") || slash + 1 >= lower.length()
            || lower.length() - slash - 1 > 5 || !lower.substring(slash + 1).chars().allMatch(Character::isDigit))
        {
            throw new IllegalArgumentException("expected udp/PORT or tcp/PORT");
        }
        final int port = Integer.parseInt(lower.substring(slash + 1));
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException("the port is 1-65535");
        }
        return new Value(protocol.equals("tcp"), port);
    }

    @Override
    public String format(final Value value)
    {
        return (value.tcp() ? "tcp/" : "udp/") + value.port();
    }

    @Override
    public String syntax()
    {
        return "udp/PORT|tcp/PORT";
    }
}
