package org.headend.control.config;

import java.util.Map;

/**
 * The attributes one group-policy (or one user's {@code attributes}) sets explicitly. Absent means inherited.
 *
 * @param values attribute to value; immutable
 */
public record PolicyAttributes(Map<PolicyAttribute<?>, Object> values)
{
    public static final PolicyAttributes EMPTY = new PolicyAttributes(Map.of());

    public PolicyAttributes
    {
        values = Map.copyOf(values);
    }

    public boolean isSet(final PolicyAttribute<?> attribute)
    {
        return values.containsKey(attribute);
    }

    /** The explicitly set value, or null when this level inherits it. */
    @SuppressWarnings("unchecked")
    public <T> T get(final PolicyAttribute<T> attribute)
    {
        return (T)values.get(attribute);
    }
}
