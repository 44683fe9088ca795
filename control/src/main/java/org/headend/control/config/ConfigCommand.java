package org.headend.control.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.headend.control.config.grammar.Arguments;
import org.headend.control.config.grammar.Element;
import org.headend.control.config.grammar.Mode;
import org.headend.control.config.grammar.Syntax;
import org.headend.control.config.grammar.SyntaxBuilder;

/**
 * One configuration command, declared once: its syntax, how its line is identified and ordered in the running
 * configuration, the sub-mode it opens, the objects it defines and how it compiles into {@link HeadendConfig}.
 * The parser, the {@code no} form, {@code show running-config} and the compiler all read this declaration.
 * <p>
 * A line's <em>key</em> (the first {@code keyEnd} elements, rendered) identifies it within its mode: setting a line
 * with the same key replaces it. Its <em>entity</em> (the first {@code entityEnd} elements) names the object it
 * belongs to: {@code no group-policy X} removes every line whose entity is {@code group-policy X}.
 */
public final class ConfigCommand
{
    private final Mode mode;
    private final String help;
    private final List<Element> syntax;
    private final int entityEnd;
    private final int keyEnd;
    private final Mode submode;
    private final int order;
    private final int subOrder;
    private final boolean printWhenEmpty;
    private final ConfigCommand canonical;
    private final UnaryOperator<Arguments> toCanonical;
    private final RefKind defines;
    private final String definesArg;
    private final Predicate<Arguments> implicit;
    private final Compiler compiler;
    private final List<Map.Entry<String, RefKind>> references;
    private final String fixedKey;
    private final java.util.function.Function<Arguments, String> keyFunction;
    private final boolean hasNoForm;
    private final String numberArg;

    /** Turns one line into its part of the snapshot. */
    @FunctionalInterface
    public interface Compiler
    {
        /**
         * @param draft the snapshot being built
         * @param scope what the enclosing sub-mode line returned (null at the top)
         * @param args  the line's values
         * @return the scope for this line's sub-mode lines, or null
         * @throws IllegalArgumentException with the operator-facing reason when the line cannot be accepted
         */
        Object compile(ConfigDraft draft, Object scope, Arguments args);
    }

    private ConfigCommand(final Builder b)
    {
        this.mode = b.mode;
        this.help = b.help;
        this.syntax = b.elements();
        this.keyEnd = b.keyEnd < 0 ? syntax.size() : b.keyEnd;
        this.entityEnd = b.entityEnd < 0 ? keyEnd : b.entityEnd;
        this.submode = b.submode;
        this.order = b.order;
        this.subOrder = b.subOrder;
        this.printWhenEmpty = b.printWhenEmpty;
        this.canonical = b.canonical == null ? this : b.canonical;
        this.toCanonical = b.toCanonical;
        this.defines = b.defines;
        this.definesArg = b.definesArg;
        this.implicit = b.implicit;
        this.compiler = b.compiler;
        this.references = new ArrayList<>();
        this.fixedKey = b.fixedKey;
        this.keyFunction = b.keyFunction;
        this.hasNoForm = b.hasNoForm;
        this.numberArg = b.numberArg;
        collectReferences(syntax, references);
    }

    /** Starts a declaration in {@code mode}; {@code help} describes its first keyword. */
    public static Builder in(final Mode mode, final String help)
    {
        return new Builder(mode, help);
    }

    public Mode mode()
    {
        return mode;
    }

    public String help()
    {
        return help;
    }

    public List<Element> syntax()
    {
        return syntax;
    }

    /** The mode this line opens, or null. */
    public Mode submode()
    {
        return submode;
    }

    int order()
    {
        return order;
    }

    int subOrder()
    {
        return subOrder;
    }

    boolean printWhenEmpty()
    {
        return printWhenEmpty;
    }

    /** The number the line's entries print in ascending order of, or null when they keep the operator's order. */
    Integer number(final Arguments args)
    {
        return numberArg == null ? null : args.<Integer>get(numberArg);
    }

    /** The declaration lines of this one are stored as (itself unless this is an alias). */
    ConfigCommand canonical()
    {
        return canonical;
    }

    /** The values of this declaration mapped to those of {@link #canonical()}. */
    Arguments canonicalArguments(final Arguments args)
    {
        return toCanonical.apply(args);
    }

    RefKind defines()
    {
        return defines;
    }

    /** The name this line defines, or null. */
    String definedName(final Arguments args)
    {
        return defines == null ? null : args.get(definesArg);
    }

    /** Whether the line only restates a built-in object and is not stored (e.g. {@code group-policy DfltGrpPolicy internal}). */
    boolean isImplicit(final Arguments args)
    {
        return implicit.test(args);
    }

    Compiler compiler()
    {
        return compiler;
    }

    /** The reference arguments and the kinds they must name. */
    List<Map.Entry<String, RefKind>> references()
    {
        return references;
    }

    /** The line's key, e.g. {@code ip local pool DEMO-POOL}; null when a key value is missing. */
    String key(final Arguments args)
    {
        return keyFunction != null ? keyFunction.apply(args)
            : fixedKey != null ? fixedKey : Syntax.render(syntax.subList(0, keyEnd), args);
    }

    /** Whether the grammar derives a {@code no} form (false for lines that are themselves a negation). */
    boolean hasNoForm()
    {
        return hasNoForm;
    }

    /** The object the line belongs to, e.g. {@code group-policy DEMO}; null when a value is missing. */
    String entity(final Arguments args)
    {
        return keyFunction != null ? keyFunction.apply(args)
            : fixedKey != null ? fixedKey : Syntax.render(syntax.subList(0, entityEnd), args);
    }

    /** Whether a {@code no} line named the whole key rather than only the entity. */
    boolean removesByKey(final Arguments args)
    {
        return entityEnd == keyEnd || args.has(NO_KEY_FLAG);
    }

    /** The normalized line as {@code show running-config} prints it. */
    String render(final Arguments args)
    {
        return Syntax.render(syntax, args);
    }

    private static final String NO_KEY_FLAG = "$key";

    /**
     * The syntax of the {@code no} form: {@code no}, the entity, then optionally the rest of the key and the values
     * (accepted and ignored, as the ASA does).
     */
    List<Element> noSyntax()
    {
        final List<Element> no = new ArrayList<>();
        no.add(new Element.Keyword("no", "Negate a command or set its defaults"));
        no.addAll(syntax.subList(0, entityEnd));
        final List<Element> rest = syntax.subList(keyEnd, syntax.size());
        final List<Element> restPart = rest.isEmpty() ? List.of() : List.of(new Element.Optional(null, rest));
        if (entityEnd == keyEnd)
        {
            no.addAll(restPart);
        }
        else
        {
            final List<Element> keyPart = new ArrayList<>(syntax.subList(entityEnd, keyEnd));
            keyPart.addAll(restPart);
            no.add(new Element.Optional(NO_KEY_FLAG, keyPart));
        }
        return no;
    }

    private static void collectReferences(final List<Element> elements, final List<Map.Entry<String, RefKind>> out)
    {
        for (final Element element : elements)
        {
            switch (element)
            {
                case Element.Arg arg when arg.type() instanceof Reference ref -> out.add(Map.entry(arg.name(), ref.kind()));
                case Element.Optional optional -> collectReferences(optional.body(), out);
                case Element.Repeat repeat -> collectReferences(List.of(repeat.body()), out);
                default ->
                {
                }
            }
        }
    }

    @Override
    public String toString()
    {
        return mode + ": " + syntax;
    }

    /** Declares one command; see {@link ConfigLanguage} for the whole table. */
    public static final class Builder extends SyntaxBuilder<Builder>
    {
        private final Mode mode;
        private final String help;
        private int entityEnd = -1;
        private int keyEnd = -1;
        private Mode submode;
        private int order;
        private int subOrder;
        private boolean printWhenEmpty;
        private ConfigCommand canonical;
        private UnaryOperator<Arguments> toCanonical = UnaryOperator.identity();
        private RefKind defines;
        private String definesArg;
        private Predicate<Arguments> implicit = args -> false;
        private Compiler compiler = (draft, scope, args) -> null;
        private String fixedKey;
        private java.util.function.Function<Arguments, String> keyFunction;
        private boolean hasNoForm = true;
        private String numberArg;

        private Builder(final Mode mode, final String help)
        {
            this.mode = mode;
            this.help = help;
        }

        @Override
        protected Builder self()
        {
            return this;
        }

        /** The elements so far name the object the line belongs to. */
        public Builder entity()
        {
            entityEnd = size();
            return this;
        }

        /** The elements so far identify the line; what follows is its value. */
        public Builder key()
        {
            keyEnd = size();
            return this;
        }

        /** The line opens {@code mode}. */
        public Builder enters(final Mode mode)
        {
            this.submode = mode;
            return this;
        }

        /** Where the line prints within its mode, and within one object's lines. */
        public Builder order(final int order, final int subOrder)
        {
            this.order = order;
            this.subOrder = subOrder;
            return this;
        }

        /**
         * The lines of this command print in ascending order of their integer argument {@code arg}, whatever order
         * they were typed in, as the ASA prints numbered entries ({@code crypto ikev2 policy N}).
         */
        public Builder numberedBy(final String arg)
        {
            this.numberArg = arg;
            return this;
        }

        /** A sub-mode line that prints even with nothing configured under it. */
        public Builder printWhenEmpty()
        {
            this.printWhenEmpty = true;
            return this;
        }

        /** The line defines an object of {@code kind} named by argument {@code arg}. */
        public Builder defines(final RefKind kind, final String arg)
        {
            this.defines = kind;
            this.definesArg = arg;
            return this;
        }

        /** Lines matching {@code test} restate a built-in object: accepted, not stored. */
        public Builder implicitWhen(final Predicate<Arguments> test)
        {
            this.implicit = test;
            return this;
        }

        /** This declaration is another spelling of {@code target}; its values are mapped by {@code mapping}. */
        public Builder aliasOf(final ConfigCommand target, final UnaryOperator<Arguments> mapping)
        {
            this.canonical = target;
            this.toCanonical = mapping;
            return this;
        }

        /**
         * Lines of this declaration are identified by {@code key} whatever their values, so that declarations
         * sharing it replace each other (a setting and its stored negation, e.g. {@code compression} and
         * {@code no compression}).
         */
        public Builder fixedKey(final String key)
        {
            this.fixedKey = key;
            return this;
        }

        /**
         * Lines of this declaration are identified by what {@code key} makes of their arguments (its key and its
         * entity alike): for a line whose identifying value comes after others, e.g. {@code ssl trust-point NAME
         * NAMEIF}, one per interface.
         */
        public Builder keyedBy(final java.util.function.Function<Arguments, String> key)
        {
            this.keyFunction = key;
            return this;
        }

        /** No {@code no} form is derived: the declaration is itself a negation stored as a line. */
        public Builder withoutNoForm()
        {
            this.hasNoForm = false;
            return this;
        }

        public Builder compile(final Compiler compiler)
        {
            this.compiler = compiler;
            return this;
        }

        public ConfigCommand build()
        {
            return new ConfigCommand(this);
        }
    }
}
