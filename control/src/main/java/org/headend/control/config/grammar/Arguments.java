package org.headend.control.config.grammar;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The values a matched command line bound, by argument name; a repeated argument holds several. Immutable. */
public final class Arguments
{
    public static final Arguments NONE = new Arguments(Map.of());

    private final Map<String, List<Object>> values;

    private Arguments(final Map<String, List<Object>> values)
    {
        this.values = values;
    }

    /** Builds from name/value pairs in binding order; a name bound again appends. */
    public static Arguments of(final List<Map.Entry<String, Object>> bindings)
    {
        final Map<String, List<Object>> map = new LinkedHashMap<>();
        for (final Map.Entry<String, Object> binding : bindings)
        {
            map.computeIfAbsent(binding.getKey(), k -> new ArrayList<>()).add(binding.getValue());
        }
        map.replaceAll((k, v) -> List.copyOf(v));
        return new Arguments(Collections.unmodifiableMap(map));
    }

    public boolean has(final String name)
    {
        return values.containsKey(name);
    }

    /** The (first) value of {@code name}, or null when it was not given. */
    @SuppressWarnings("unchecked")
    public <T> T get(final String name)
    {
        final List<Object> list = values.get(name);
        return list == null ? null : (T)list.getFirst();
    }

    /** Every value of a repeated argument, in the order typed; empty when none. */
    @SuppressWarnings("unchecked")
    public <T> List<T> all(final String name)
    {
        final List<Object> list = values.get(name);
        return list == null ? List.of() : (List<T>)list;
    }

    /** A copy with {@code name} set to the single {@code value}. */
    public Arguments with(final String name, final Object value)
    {
        final Map<String, List<Object>> copy = new LinkedHashMap<>(values);
        copy.put(name, List.of(value));
        return new Arguments(Collections.unmodifiableMap(copy));
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof Arguments that && values.equals(that.values);
    }

    @Override
    public int hashCode()
    {
        return values.hashCode();
    }

    @Override
    public String toString()
    {
        return values.toString();
    }
}
