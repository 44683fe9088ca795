package org.headend.control.config.grammar;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The declarations of one command language, by mode, and the matcher that turns a line into one of them.
 * <p>
 * Matching runs every declaration of the mode in lock step over the tokens, the way a terminal user types: at each
 * token, the keywords still possible are collected, and the token selects the keyword it equals or is the only prefix
 * of (so {@code conf t} and {@code sh run} work), or is parsed by an argument's type. A token that equals a keyword
 * and is also the first part of hyphenated ones ({@code vpn} beside {@code vpn-sessiondb}) selects the keyword it
 * equals first, and the compounds as a fallback that the following tokens decide, the way the ASA reads
 * {@code sh vpn any} as {@code show vpn-sessiondb anyconnect} although {@code show vpn load-balancing} exists. A
 * line is accepted when at least one declaration is complete after the last token; when several are, the one that
 * needed the fewest fallbacks wins, then the one with the most keywords, then the one declared first.
 *
 * @param <P> what a declaration carries for its caller (a configuration command, an exec action)
 */
public final class Grammar<P>
{
    /** Keeps the "expected …" part of an error readable. */
    private static final int MAX_EXPECTED_LISTED = 10;

    private final Map<Mode, List<Declaration<P>>> byMode = new EnumMap<>(Mode.class);

    /**
     * One declared command.
     *
     * @param mode    where it is valid
     * @param syntax  its elements
     * @param payload what the caller attached
     */
    public record Declaration<P>(Mode mode, List<Element> syntax, P payload)
    {
    }

    /**
     * A line that matched.
     *
     * @param declaration the declaration it matched
     * @param arguments   the values it bound
     */
    public record Match<P>(Declaration<P> declaration, Arguments arguments)
    {
        public P payload()
        {
            return declaration.payload();
        }
    }

    public void add(final Mode mode, final List<Element> syntax, final P payload)
    {
        byMode.computeIfAbsent(mode, m -> new ArrayList<>()).add(new Declaration<>(mode, List.copyOf(syntax), payload));
    }

    /** The declarations of {@code mode} in declaration order (for help and completion). */
    public List<Declaration<P>> declarations(final Mode mode)
    {
        return Collections.unmodifiableList(byMode.getOrDefault(mode, List.of()));
    }

    /**
     * Matches a tokenized line against the declarations of {@code mode}.
     *
     * @param line   the line the tokens came from (for rest-of-line arguments and error columns)
     * @param tokens the line's tokens, at least one
     * @throws SyntaxError when no declaration accepts the line
     */
    public Match<P> parse(final Mode mode, final String line, final List<Token> tokens) throws SyntaxError
    {
        final List<Declaration<P>> declarations = byMode.getOrDefault(mode, List.of());
        List<Thread> live = new ArrayList<>();
        for (int i = 0; i < declarations.size(); i++)
        {
            live.add(new Thread(i, Cont.of(declarations.get(i).syntax(), null), null, 0));
        }
        final List<Thread> consumedRest = new ArrayList<>();
        for (int t = 0; t < tokens.size(); t++)
        {
            final Token token = tokens.get(t);
            final List<Thread> ready = expandAll(live);
            final TreeSet<String> words = new TreeSet<>();
            final TreeSet<String> argSyntaxes = new TreeSet<>();
            for (final Thread thread : ready)
            {
                collectExpected(thread, words, argSyntaxes);
            }
            final String lower = token.text().toLowerCase(Locale.ROOT);
            final Map<Integer, Resolution> byFallbacks = resolutions(ready, lower);
            final List<Thread> next = new ArrayList<>();
            String argReason = null;
            for (final Thread thread : ready)
            {
                if (thread.cont == null)
                {
                    continue;
                }
                final Resolution resolution = byFallbacks.get(thread.fallbacks);
                final String resolved = resolution.resolved();
                final TreeSet<String> compounds = resolution.compounds();
                switch (thread.cont.head)
                {
                    case Element.Keyword keyword ->
                    {
                        if (keyword.word().equals(resolved))
                        {
                            next.add(thread.advance(null, null, 1));
                        }
                        else if (compounds.contains(keyword.word()))
                        {
                            next.add(thread.advance(null, null, 1).fallback());
                        }
                    }
                    case Element.Choice choice ->
                    {
                        final String word = resolved;
                        if (word != null && choice.options().stream().anyMatch(o -> o.word().equals(word)))
                        {
                            next.add(thread.advance(choice.name(), word, 1));
                        }
                        for (final Element.Keyword option : choice.options())
                        {
                            if (compounds.contains(option.word()))
                            {
                                next.add(thread.advance(choice.name(), option.word(), 1).fallback());
                            }
                        }
                    }
                    case Element.Arg arg ->
                    {
                        if (arg.type().restOfLine())
                        {
                            consumedRest.add(thread.advance(arg.name(), line.substring(token.offset()).strip(), 0));
                        }
                        else
                        {
                            try
                            {
                                next.add(thread.advance(arg.name(), arg.type().parse(token.text()), 0));
                            }
                            catch (final IllegalArgumentException ex)
                            {
                                if (argReason == null)
                                {
                                    argReason = ex.getMessage();
                                }
                            }
                        }
                    }
                    default -> throw new IllegalStateException("expansion leaves only atoms at the head");
                }
            }
            if (next.isEmpty())
            {
                if (!consumedRest.isEmpty())
                {
                    live = List.of();
                    break;
                }
                if (byFallbacks.values().stream().anyMatch(r -> r.prefixCount() > 1) && argReason == null)
                {
                    throw new SyntaxError(ErrorKind.AMBIGUOUS, t, token.offset(),
                        "'" + ArgTypes.abbreviate(token.text()) + "' is ambiguous: " + list(words, lower));
                }
                final String reason = argReason != null ? argReason
                    : "unexpected '" + ArgTypes.abbreviate(token.text()) + "'" + expected(words, argSyntaxes);
                throw new SyntaxError(ErrorKind.INVALID_INPUT, t, token.offset(), reason);
            }
            live = next;
        }
        final List<Thread> finals = expandAll(live);
        finals.addAll(expandAll(consumedRest));
        Thread best = null;
        final TreeSet<String> words = new TreeSet<>();
        final TreeSet<String> argSyntaxes = new TreeSet<>();
        for (final Thread thread : finals)
        {
            if (thread.cont != null)
            {
                collectExpected(thread, words, argSyntaxes);
            }
            else if (best == null || thread.fallbacks < best.fallbacks
                || (thread.fallbacks == best.fallbacks && (thread.keywords > best.keywords
                    || (thread.keywords == best.keywords && thread.declaration < best.declaration))))
            {
                best = thread;
            }
        }
        if (best == null)
        {
            throw new SyntaxError(ErrorKind.INCOMPLETE, tokens.size(), line.length(),
                "incomplete command" + expected(words, argSyntaxes));
        }
        return new Match<>(declarations.get(best.declaration), best.arguments());
    }

    /**
     * What may follow a line the operator is typing, for {@code ?} help and Tab completion.
     *
     * @param word        the word being typed, when the line does not end in a blank (only candidates starting
     *                    with it are returned); null or empty for "what comes next"
     * @param candidates  the keywords and arguments possible at that point, in declaration order, without duplicates
     * @param complete    whether the line as typed (without {@code word}) is already a whole command ({@code <cr>})
     * @param stoppedAt   the index of the first complete token that matched nothing, or -1
     */
    public record Help(String word, List<Candidate> candidates, boolean complete, int stoppedAt)
    {
    }

    /**
     * One thing that may come next.
     *
     * @param text    the keyword, or the argument's syntax such as {@code <576-1406>}
     * @param help    its help line
     * @param keyword whether it is a keyword (completion offers keywords; arguments are only described)
     * @param type    the argument's type, null for a keyword
     */
    public record Candidate(String text, String help, boolean keyword, ArgType<?> type)
    {
    }

    /**
     * Lists what may follow {@code tokens} in {@code mode}. When {@code word} is not empty, it is the partial last
     * word: keywords must start with it and arguments must accept it (or be still incomplete).
     */
    public Help help(final Mode mode, final String line, final List<Token> tokens, final String word)
    {
        final List<Declaration<P>> declarations = byMode.getOrDefault(mode, List.of());
        List<Thread> live = new ArrayList<>();
        for (int i = 0; i < declarations.size(); i++)
        {
            live.add(new Thread(i, Cont.of(declarations.get(i).syntax(), null), null, 0));
        }
        boolean rest = false;
        for (int t = 0; t < tokens.size(); t++)
        {
            final Token token = tokens.get(t);
            final List<Thread> ready = expandAll(live);
            final TreeSet<String> words = new TreeSet<>();
            for (final Thread thread : ready)
            {
                collectExpected(thread, words, new TreeSet<>());
            }
            final Map<Integer, Resolution> byFallbacks = resolutions(ready, token.text().toLowerCase(Locale.ROOT));
            final List<Thread> next = new ArrayList<>();
            for (final Thread thread : ready)
            {
                if (thread.cont == null)
                {
                    continue;
                }
                final String resolved = byFallbacks.get(thread.fallbacks).resolved();
                final TreeSet<String> compounds = byFallbacks.get(thread.fallbacks).compounds();
                switch (thread.cont.head)
                {
                    case Element.Keyword keyword ->
                    {
                        if (keyword.word().equals(resolved))
                        {
                            next.add(thread.advance(null, null, 1));
                        }
                        else if (compounds.contains(keyword.word()))
                        {
                            next.add(thread.advance(null, null, 1).fallback());
                        }
                    }
                    case Element.Choice choice ->
                    {
                        for (final Element.Keyword option : choice.options())
                        {
                            if (option.word().equals(resolved))
                            {
                                next.add(thread.advance(choice.name(), option.word(), 1));
                            }
                            else if (compounds.contains(option.word()))
                            {
                                next.add(thread.advance(choice.name(), option.word(), 1).fallback());
                            }
                        }
                    }
                    case Element.Arg arg ->
                    {
                        if (arg.type().restOfLine())
                        {
                            rest = true;
                        }
                        else
                        {
                            try
                            {
                                next.add(thread.advance(arg.name(), arg.type().parse(token.text()), 0));
                            }
                            catch (final IllegalArgumentException ignored)
                            {
                                // not this declaration
                            }
                        }
                    }
                    default -> throw new IllegalStateException("expansion leaves only atoms at the head");
                }
            }
            if (next.isEmpty())
            {
                return rest ? new Help(word, List.of(), true, -1) : new Help(word, List.of(), false, t);
            }
            live = next;
        }
        final String prefix = word == null ? "" : word.toLowerCase(Locale.ROOT);
        final List<Candidate> candidates = new ArrayList<>();
        final java.util.Set<String> seen = new java.util.HashSet<>();
        boolean complete = false;
        for (final Thread thread : expandAll(live))
        {
            if (thread.cont == null)
            {
                complete = true;
                continue;
            }
            switch (thread.cont.head)
            {
                case Element.Keyword keyword -> addKeyword(candidates, seen, keyword, prefix);
                case Element.Choice choice -> choice.options().forEach(o -> addKeyword(candidates, seen, o, prefix));
                case Element.Arg arg ->
                {
                    // one line per argument type: a name and a reference to a name may share syntax and help
                    final String key = arg.type().syntax() + "\u0000" + arg.help() + "\u0000"
                        + System.identityHashCode(arg.type());
                    if (seen.add(key))
                    {
                        candidates.add(new Candidate(arg.type().syntax(), arg.help(), false, arg.type()));
                    }
                }
                default -> throw new IllegalStateException("expansion leaves only atoms at the head");
            }
        }
        return new Help(word, candidates, complete, -1);
    }

    private static void addKeyword(final List<Candidate> out, final java.util.Set<String> seen,
        final Element.Keyword keyword, final String prefix)
    {
        if (keyword.word().startsWith(prefix) && seen.add(keyword.word()))
        {
            out.add(new Candidate(keyword.word(), keyword.help(), true, null));
        }
    }

    /**
     * What a token selects among the keywords of the readings that took as many fallbacks, for each such count: a
     * reading that took a compound for a shorter keyword resolves its next abbreviations among its own keywords,
     * so that the fallback never makes an abbreviation ambiguous that was not ({@code vpn lo} is still
     * {@code vpn load-balancing} beside {@code vpn-sessiondb logoff}).
     */
    private static Map<Integer, Resolution> resolutions(final List<Thread> ready, final String lower)
    {
        final Map<Integer, TreeSet<String>> words = new java.util.HashMap<>();
        for (final Thread thread : ready)
        {
            collectExpected(thread, words.computeIfAbsent(thread.fallbacks, f -> new TreeSet<>()), new TreeSet<>());
        }
        final Map<Integer, Resolution> out = new java.util.HashMap<>();
        words.forEach((fallbacks, level) -> out.put(fallbacks, new Resolution(resolve(level, lower),
            prefixCount(level, lower), compounds(level, lower))));
        return out;
    }

    /**
     * @param resolved    the keyword the token equals or is the only prefix of, or null
     * @param prefixCount how many keywords the token is a prefix of, when it equals none
     * @param compounds   the hyphenated keywords the token may also stand for
     */
    private record Resolution(String resolved, int prefixCount, TreeSet<String> compounds)
    {
    }

    private static int prefixCount(final TreeSet<String> words, final String lower)
    {
        return words.contains(lower) ? 0 : (int)words.stream().filter(w -> w.startsWith(lower)).count();
    }

    /**
     * The hyphenated keywords a token that equals a keyword may also stand for: those it is the first part of
     * ({@code vpn} → {@code vpn-sessiondb}). Empty when the token equals no keyword: it is then an abbreviation, and
     * must be the prefix of one keyword only.
     */
    private static TreeSet<String> compounds(final TreeSet<String> words, final String lower)
    {
        final TreeSet<String> out = new TreeSet<>();
        if (words.contains(lower))
        {
            out.addAll(words.subSet(lower + "-", lower + "."));
        }
        return out;
    }

    /** The keyword a token selects: the one it equals, or the only one it is a prefix of; null otherwise. */
    private static String resolve(final TreeSet<String> words, final String lower)
    {
        if (words.contains(lower))
        {
            return lower;
        }
        String resolved = null;
        for (final String word : words)
        {
            if (word.startsWith(lower))
            {
                if (resolved != null)
                {
                    return null;
                }
                resolved = word;
            }
        }
        return resolved;
    }

    private static void collectExpected(final Thread thread, final TreeSet<String> words,
        final TreeSet<String> argSyntaxes)
    {
        if (thread.cont == null)
        {
            return;
        }
        switch (thread.cont.head)
        {
            case Element.Keyword keyword -> words.add(keyword.word());
            case Element.Choice choice -> choice.options().forEach(o -> words.add(o.word()));
            case Element.Arg arg -> argSyntaxes.add(arg.type().syntax());
            default -> throw new IllegalStateException("expansion leaves only atoms at the head");
        }
    }

    private static String list(final TreeSet<String> words, final String prefix)
    {
        return String.join(", ", words.stream().filter(w -> w.startsWith(prefix)).toList());
    }

    private static String expected(final TreeSet<String> words, final TreeSet<String> argSyntaxes)
    {
        final List<String> all = new ArrayList<>(words);
        all.addAll(argSyntaxes);
        if (all.isEmpty())
        {
            return "";
        }
        final String shown = String.join(", ", all.subList(0, Math.min(all.size(), MAX_EXPECTED_LISTED)));
        return "; expected " + shown + (all.size() > MAX_EXPECTED_LISTED ? ", ..." : "");
    }

    private static List<Thread> expandAll(final List<Thread> threads)
    {
        final List<Thread> out = new ArrayList<>();
        for (final Thread thread : threads)
        {
            expand(thread, out);
        }
        return out;
    }

    /** Follows optional parts and repeats until each thread waits on a keyword, choice or argument, or is done. */
    private static void expand(final Thread thread, final List<Thread> out)
    {
        final Cont cont = thread.cont;
        if (cont == null)
        {
            out.add(thread);
            return;
        }
        switch (cont.head)
        {
            case Element.Optional optional ->
            {
                expand(thread.with(cont.tail, thread.binds), out);
                final Bind binds = optional.flag() == null ? thread.binds
                    : new Bind(optional.flag(), Boolean.TRUE, thread.binds);
                expand(thread.with(Cont.of(optional.body(), cont.tail), binds), out);
            }
            case Element.Repeat repeat -> expand(thread.with(new Cont(new RepeatState(repeat, 0), cont.tail),
                thread.binds), out);
            case RepeatState state ->
            {
                if (state.done >= state.repeat.min())
                {
                    expand(thread.with(cont.tail, thread.binds), out);
                }
                if (state.done < state.repeat.max())
                {
                    expand(thread.with(new Cont(state.repeat.body(),
                        new Cont(new RepeatState(state.repeat, state.done + 1), cont.tail)), thread.binds), out);
                }
            }
            default -> out.add(thread);
        }
    }

    /** How many of a repeat have been taken; lives only in a continuation. */
    private record RepeatState(Element.Repeat repeat, int done)
    {
    }

    /** What is left to match, as an immutable list shared between threads. */
    private record Cont(Object head, Cont tail)
    {
        static Cont of(final List<Element> elements, final Cont tail)
        {
            Cont cont = tail;
            for (int i = elements.size() - 1; i >= 0; i--)
            {
                cont = new Cont(elements.get(i), cont);
            }
            return cont;
        }
    }

    /** Values bound so far, newest first, shared between threads. */
    private record Bind(String name, Object value, Bind previous)
    {
    }

    /** One way of reading the line so far against one declaration. */
    private record Thread(int declaration, Cont cont, Bind binds, int keywords, int fallbacks)
    {
        Thread(final int declaration, final Cont cont, final Bind binds, final int keywords)
        {
            this(declaration, cont, binds, keywords, 0);
        }

        Thread with(final Cont next, final Bind newBinds)
        {
            return new Thread(declaration, next, newBinds, keywords, fallbacks);
        }

        Thread advance(final String name, final Object value, final int keywordCount)
        {
            final Bind newBinds = name == null ? binds : new Bind(name, value, binds);
            return new Thread(declaration, cont.tail, newBinds, keywords + keywordCount, fallbacks);
        }

        /** This reading took a hyphenated keyword for a token that equals a shorter one. */
        Thread fallback()
        {
            return new Thread(declaration, cont, binds, keywords, fallbacks + 1);
        }

        Arguments arguments()
        {
            final List<Map.Entry<String, Object>> bindings = new ArrayList<>();
            for (Bind b = binds; b != null; b = b.previous)
            {
                bindings.add(Map.entry(b.name, b.value));
            }
            Collections.reverse(bindings);
            return Arguments.of(bindings);
        }
    }
}
