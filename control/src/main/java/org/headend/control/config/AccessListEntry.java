package org.headend.control.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.headend.control.config.grammar.ArgType;

/**
 * One line of an access list: {@code access-list NAME standard permit|deny ADDRESS} or
 * {@code access-list NAME extended permit|deny ip SOURCE DESTINATION}.
 *
 * @param permit      permit or deny
 * @param source      the standard entry's address, or the extended entry's source
 * @param destination the extended entry's destination; null for a standard entry
 */
public record AccessListEntry(boolean permit, AclAddress source, AclAddress destination)
{
    /** The operands of a standard entry, the rest of its line (parsed by {@link #standard}). */
    static final ArgType<String> STANDARD_OPERAND = new Operands("{any4 | host A.B.C.D | A.B.C.D M.M.M.M}");
    /** The operands of an extended {@code ip} entry, the rest of its line (parsed by {@link #extended}). */
    static final ArgType<String> EXTENDED_OPERANDS = new Operands("SOURCE DESTINATION");

    /** A standard entry: one IPv4 operand. */
    static AccessListEntry standard(final boolean permit, final String operands)
    {
        final List<String> tokens = tokens(operands);
        final AclAddress address = AclAddress.parse(tokens, 0);
        if (address.family() == 6)
        {
            throw new IllegalArgumentException("a standard access list holds IPv4 networks; use an extended one for "
                + "IPv6");
        }
        expectEnd(tokens, address.tokens());
        return new AccessListEntry(permit, address.family() == 0 ? new AclAddress(null, 0, 4) : address, null);
    }

    /** An extended {@code ip} entry: source and destination operands. */
    static AccessListEntry extended(final boolean permit, final String operands)
    {
        final List<String> tokens = tokens(operands);
        final AclAddress source = AclAddress.parse(tokens, 0);
        final AclAddress destination = AclAddress.parse(tokens, source.tokens());
        expectEnd(tokens, source.tokens() + destination.tokens());
        if (source.family() != 0 && destination.family() != 0 && source.family() != destination.family())
        {
            throw new IllegalArgumentException("source and destination are of different address families");
        }
        return new AccessListEntry(permit, source, destination);
    }

    /**
     * The network this entry contributes to a split-tunnel list: a permitted entry's source (the ASA reads the
     * protected network from it), or its destination when the source is {@code any}; null for a deny or an
     * {@code any}-to-{@code any} entry.
     */
    public AclAddress splitNetwork()
    {
        if (!permit)
        {
            return null;
        }
        if (!source.isAny())
        {
            return source;
        }
        return destination == null || destination.isAny() ? null : destination;
    }

    private static void expectEnd(final List<String> tokens, final int used)
    {
        if (tokens.size() > used)
        {
            throw new IllegalArgumentException("unexpected '" + String.join(" ", tokens.subList(used, tokens.size()))
                + "'");
        }
    }

    private static List<String> tokens(final String text)
    {
        final List<String> tokens = new ArrayList<>(Arrays.asList(text.strip().split("\\s+")));
        tokens.removeIf(String::isEmpty);
        return tokens;
    }

    /** The rest of an entry's line, kept as typed; the entry's compiler parses it. */
    private record Operands(String syntax) implements ArgType<String>
    {
        @Override
        public String parse(final String text)
        {
            return text;
        }

        @Override
        public String format(final String value)
        {
            return value;
        }

        @Override
        public boolean restOfLine()
        {
            return true;
        }
    }
}
