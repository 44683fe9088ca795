package org.headend.control.config;

/** What a matched configuration line does. */
public sealed interface ConfigLine
{
    /** Sets (adds or replaces) the line, entering its sub-mode if it has one. */
    record Put(ConfigCommand command) implements ConfigLine
    {
    }

    /** The {@code no} form: removes the line, or every line of the object it names. */
    record Remove(ConfigCommand command) implements ConfigLine
    {
    }

    /** {@code exit}: leaves the current sub-mode (from global configuration, leaves configuration). */
    record Exit() implements ConfigLine
    {
    }

    /** {@code end}: leaves configuration. */
    record End() implements ConfigLine
    {
    }
}
