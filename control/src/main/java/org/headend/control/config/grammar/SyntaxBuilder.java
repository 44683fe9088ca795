package org.headend.control.config.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Collects the elements of one declaration, in order. Declaration builders extend it to add what their language
 * attaches (how a configuration line is stored, what an exec command does).
 *
 * @param <B> the concrete builder, returned by every method so declarations read as one chain
 */
public abstract class SyntaxBuilder<B extends SyntaxBuilder<B>>
{
    private final List<Element> elements = new ArrayList<>();

    protected abstract B self();

    /** Appends a keyword. */
    public B kw(final String word, final String help)
    {
        elements.add(new Element.Keyword(word, help));
        return self();
    }

    /** Appends a typed argument. */
    public B arg(final String name, final ArgType<?> type, final String help)
    {
        elements.add(new Element.Arg(name, type, help));
        return self();
    }

    /** Appends a choice of keywords given as {@code word, help, word, help, …}. */
    public B choice(final String name, final String... wordsAndHelp)
    {
        elements.add(choiceOf(name, wordsAndHelp));
        return self();
    }

    /** Appends an optional part, flagged as {@code flag} when present (null: no flag). */
    public B optional(final String flag, final Consumer<Part> body)
    {
        final Part inner = new Part();
        body.accept(inner);
        elements.add(new Element.Optional(flag, inner.elements()));
        return self();
    }

    /** Appends an argument repeated {@code min} to {@code max} times. */
    public B repeat(final int min, final int max, final String name, final ArgType<?> type, final String help)
    {
        elements.add(new Element.Repeat(new Element.Arg(name, type, help), min, max));
        return self();
    }

    /** Appends a keyword choice repeated {@code min} to {@code max} times. */
    public B repeatChoice(final int min, final int max, final String name, final String... wordsAndHelp)
    {
        elements.add(new Element.Repeat(choiceOf(name, wordsAndHelp), min, max));
        return self();
    }

    public List<Element> elements()
    {
        return List.copyOf(elements);
    }

    /** How many elements are declared so far; declarations mark positions with it. */
    protected int size()
    {
        return elements.size();
    }

    /** The body of an optional part. */
    public static final class Part extends SyntaxBuilder<Part>
    {
        @Override
        protected Part self()
        {
            return this;
        }
    }

    private static Element.Choice choiceOf(final String name, final String... wordsAndHelp)
    {
        if (wordsAndHelp.length % 2 != 0)
        {
            throw new IllegalArgumentException("choice needs word/help pairs: " + Arrays.toString(wordsAndHelp));
        }
        final List<Element.Keyword> options = new ArrayList<>();
        for (int i = 0; i < wordsAndHelp.length; i += 2)
        {
            options.add(new Element.Keyword(wordsAndHelp[i], wordsAndHelp[i + 1]));
        }
        return new Element.Choice(name, options);
    }
}
