package org.headend.control.config.grammar;

import java.util.List;

/** One piece of a command's syntax. A declaration is a list of these. */
public sealed interface Element
{
    /**
     * A fixed word; the operator may type any unambiguous prefix.
     *
     * @param word the keyword, lower case
     * @param help one line for {@code ?}
     */
    record Keyword(String word, String help) implements Element
    {
    }

    /**
     * A typed value bound to {@code name}.
     *
     * @param name the argument's name in {@link Arguments}
     * @param type how the token parses and prints
     * @param help one line for {@code ?}
     */
    record Arg(String name, ArgType<?> type, String help) implements Element
    {
    }

    /**
     * One keyword out of several; the full keyword is bound to {@code name}.
     *
     * @param name    the argument's name in {@link Arguments}
     * @param options the allowed keywords
     */
    record Choice(String name, List<Keyword> options) implements Element
    {
        public Choice
        {
            options = List.copyOf(options);
        }
    }

    /**
     * A part that may be left out. When it is taken and {@code flag} is not null, {@code flag} is bound to true.
     *
     * @param flag name bound when the part is present, or null
     * @param body the optional elements
     */
    record Optional(String flag, List<Element> body) implements Element
    {
        public Optional
        {
            body = List.copyOf(body);
        }
    }

    /**
     * One element taken {@code min} to {@code max} times; its values accumulate under their name.
     *
     * @param body the repeated element, an {@link Arg} or {@link Choice}
     * @param min  the fewest occurrences
     * @param max  the most occurrences
     */
    record Repeat(Element body, int min, int max) implements Element
    {
    }
}
