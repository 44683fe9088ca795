package org.headend.control.config.grammar;

/** A line the grammar does not accept, with the token where matching stopped. */
public final class SyntaxError extends Exception
{
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final int tokenIndex;
    private final int column;

    public SyntaxError(final ErrorKind kind, final int tokenIndex, final int column, final String reason)
    {
        super(reason, null, false, false);
        this.kind = kind;
        this.tokenIndex = tokenIndex;
        this.column = column;
    }

    public ErrorKind kind()
    {
        return kind;
    }

    /** The index of the offending token; the token count for {@link ErrorKind#INCOMPLETE}. */
    public int tokenIndex()
    {
        return tokenIndex;
    }

    /** The character offset in the line where the caret goes. */
    public int column()
    {
        return column;
    }

    public String reason()
    {
        return getMessage();
    }
}
