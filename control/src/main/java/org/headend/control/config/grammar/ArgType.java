package org.headend.control.config.grammar;

/**
 * The type of a command argument: how a token becomes a value, and how the value prints again.
 * {@code format(parse(t))} is the normalized form shown in {@code show running-config}.
 *
 * @param <T> the value type
 */
public interface ArgType<T>
{
    /**
     * Parses one token.
     *
     * @throws IllegalArgumentException with the operator-facing reason when the token is not a valid value
     */
    T parse(String token);

    /** Prints a value produced by {@link #parse}. */
    String format(T value);

    /** How the argument is shown in help, e.g. {@code <15-600>} or {@code A.B.C.D}. */
    String syntax();

    /** Whether the argument takes the rest of the line rather than one token. */
    default boolean restOfLine()
    {
        return false;
    }

    /** Formats a value of unknown static type; the grammar only hands back values this type parsed. */
    @SuppressWarnings("unchecked")
    default String formatObject(final Object value)
    {
        return format((T)value);
    }
}
