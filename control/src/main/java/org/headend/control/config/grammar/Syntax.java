package org.headend.control.config.grammar;

import java.util.ArrayList;
import java.util.List;

/** Prints a declaration back with its values: the normalized line of {@code show running-config}. */
public final class Syntax
{
    private Syntax()
    {
    }

    /**
     * Renders {@code elements} with the values in {@code args}: keywords in full, values in their type's format,
     * optional parts only when they were given.
     *
     * @return the line, or null when a mandatory value is missing
     */
    public static String render(final List<Element> elements, final Arguments args)
    {
        final List<String> words = new ArrayList<>();
        return append(elements, args, words) ? String.join(" ", words) : null;
    }

    private static boolean append(final List<Element> elements, final Arguments args, final List<String> words)
    {
        for (final Element element : elements)
        {
            switch (element)
            {
                case Element.Keyword keyword -> words.add(keyword.word());
                case Element.Arg arg ->
                {
                    if (!args.has(arg.name()))
                    {
                        return false;
                    }
                    words.add(arg.type().formatObject(args.get(arg.name())));
                }
                case Element.Choice choice ->
                {
                    if (!args.has(choice.name()))
                    {
                        return false;
                    }
                    words.add(args.<String>get(choice.name()));
                }
                case Element.Optional optional ->
                {
                    if (isPresent(optional, args) && !append(optional.body(), args, words))
                    {
                        return false;
                    }
                }
                case Element.Repeat repeat ->
                {
                    final String name = nameOf(repeat.body());
                    final List<Object> values = args.all(name);
                    if (values.size() < repeat.min())
                    {
                        return false;
                    }
                    for (final Object value : values)
                    {
                        words.add(repeat.body() instanceof Element.Arg arg ? arg.type().formatObject(value)
                            : value.toString());
                    }
                }
            }
        }
        return true;
    }

    private static boolean isPresent(final Element.Optional optional, final Arguments args)
    {
        if (optional.flag() != null)
        {
            return args.has(optional.flag());
        }
        return optional.body().stream().anyMatch(e -> switch (e)
        {
            case Element.Arg arg -> args.has(arg.name());
            case Element.Choice choice -> args.has(choice.name());
            case Element.Repeat repeat -> args.has(nameOf(repeat.body()));
            default -> false;
        });
    }

    private static String nameOf(final Element element)
    {
        return switch (element)
        {
            case Element.Arg arg -> arg.name();
            case Element.Choice choice -> choice.name();
            default -> throw new IllegalArgumentException("a repeat holds one argument or choice");
        };
    }
}
