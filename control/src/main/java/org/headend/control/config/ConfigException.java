package org.headend.control.config;

import org.headend.control.config.grammar.ErrorKind;

/**
 * A configuration line or file that was refused. Nothing was applied: the running configuration is as before.
 * {@link #getMessage()} reads {@code SOURCE:LINE: REASON}, the form printed when a startup-config does not load.
 */
public final class ConfigException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;
    private final ErrorKind kind;
    private final String reason;

    public ConfigException(final String source, final int line, final int column, final ErrorKind kind,
        final String reason)
    {
        super(source + ":" + line + ": " + reason, null, false, false);
        this.source = source;
        this.line = line;
        this.column = column;
        this.kind = kind;
        this.reason = reason;
    }

    /** The file (or {@code console}) the line came from. */
    public String source()
    {
        return source;
    }

    /** The 1-based line number. */
    public int line()
    {
        return line;
    }

    /** Where in the line the offending token starts, or -1 when the whole line is at fault. */
    public int column()
    {
        return column;
    }

    public ErrorKind kind()
    {
        return kind;
    }

    /** The reason alone, without source and line. */
    public String reason()
    {
        return reason;
    }
}
