package org.headend.control.config;

import java.util.List;
import java.util.Locale;
import org.headend.control.config.grammar.ArgType;

/**
 * A syslog severity as the ASA's {@code logging} commands take it: a name ({@code informational}) or its number
 * (0–7); printed as the name.
 */
public final class LogLevel implements ArgType<Integer>
{
    /** The ASA's severity names, by number. */
    public static final List<String> NAMES = List.of("emergencies", "alerts", "critical", "errors", "warnings",
        "notifications", "informational", "debugging");
    public static final LogLevel TYPE = new LogLevel();

    private LogLevel()
    {
    }

    /** The name of severity {@code level} (0–7). */
    public static String name(final int level)
    {
        return NAMES.get(level);
    }

    @Override
    public Integer parse(final String token)
    {
        final String lower = token.toLowerCase(Locale.ROOT);
        if (lower.length() == 1 && lower.charAt(0) >= '0' && lower.charAt(0) <= '7')
        {
            return lower.charAt(0) - '0';
        }
        for (int level = 0; level < NAMES.size(); level++)
        {
            if (NAMES.get(level).equals(lower))
            {
                return level;
            }
        }
        throw new IllegalArgumentException("a level is 0-7 or one of " + String.join(", ", NAMES));
    }

    @Override
    public String format(final Integer value)
    {
        return name(value);
    }

    @Override
    public String syntax()
    {
        return "LEVEL";
    }
}
