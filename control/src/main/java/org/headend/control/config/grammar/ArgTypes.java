package org.headend.control.config.grammar;

import java.net.Inet4Address;

/** The argument types the command declarations are written with. */
public final class ArgTypes
{
    /** The longest object name the ASA accepts for pools, policies, users and groups. */
    public static final int MAX_NAME_LENGTH = 64;

    /** An object name: 1–64 printable ASCII characters, no blanks or quotes (bad-inputs #44). */
    public static final ArgType<String> NAME = new Word("WORD", MAX_NAME_LENGTH, false);
    /** A Linux interface name: at most 15 characters of letters, digits and {@code . _ @ -}. */
    public static final ArgType<String> IFNAME = new Pattern("IFNAME", "[A-Za-z0-9._@-]{1,15}",
        "a Linux interface name (at most 15 letters, digits, '.', '_', '@' or '-')");
    /** A host name as the ASA allows it: letters, digits and hyphens, at most 63, starting with a letter or digit. */
    public static final ArgType<String> HOSTNAME = new Pattern("WORD", "[A-Za-z0-9]([A-Za-z0-9-]{0,62})",
        "a host name (at most 63 letters, digits or '-')");
    /** A DNS domain name. */
    public static final ArgType<String> DOMAIN = new Pattern("DOMAIN",
        "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*",
        "a domain name");
    /** A clear-text secret typed by the operator: 1–127 printable characters without blanks or quotes. */
    public static final ArgType<String> SECRET = new Word("SECRET", 127, true);
    /** A dotted-quad IPv4 address. */
    public static final ArgType<Inet4Address> IPV4 = new Address();
    /** A dotted-quad mask whose ones are contiguous. */
    public static final ArgType<Inet4Address> MASK = new Mask();
    /** {@code A.B.C.D-A.B.C.D} with the first address not above the last. */
    public static final ArgType<Ipv4Range> IPV4_RANGE = new Range();
    /** The rest of the line, blanks included. */
    public static final ArgType<String> LINE = new Line();

    private ArgTypes()
    {
    }

    /** An integer in {@code [min, max]}. */
    public static ArgType<Integer> integer(final int min, final int max)
    {
        return new IntRange(min, max, false);
    }

    /** An integer in {@code [min, max]}, or the keyword {@code none}, which parses to 0. */
    public static ArgType<Integer> integerOrNone(final int min, final int max)
    {
        return new IntRange(min, max, true);
    }

    private static void requirePrintable(final String token, final int maxLength, final boolean secret)
    {
        final String shown = secret ? "the secret" : "'" + abbreviate(token) + "'";
        if (token.length() > maxLength)
        {
            throw new IllegalArgumentException(shown + " is longer than " + maxLength + " characters");
        }
        for (int i = 0; i < token.length(); i++)
        {
            final char c = token.charAt(i);
            if (c <= ' ' || c >= 0x7F || c == '"' || c == '\'' || c == '?')
            {
                throw new IllegalArgumentException(shown
                    + " contains a character not allowed in a name (blank, quote, '?', control or non-ASCII)");
            }
        }
    }

    /** Keeps quoted input short and printable so an error message cannot flood or corrupt the terminal. */
    static String abbreviate(final String token)
    {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < token.length() && out.length() < 40; i++)
        {
            final char c = token.charAt(i);
            out.append(c >= ' ' && c < 0x7F ? c : '?');
        }
        if (token.length() > 40)
        {
            out.append("...");
        }
        return out.toString();
    }

    /** A token of printable characters; a secret is never quoted back in an error. */
    private record Word(String syntax, int maxLength, boolean secret) implements ArgType<String>
    {
        @Override
        public String parse(final String token)
        {
            requirePrintable(token, maxLength, secret);
            return token;
        }

        @Override
        public String format(final String value)
        {
            return value;
        }
    }

    private record Pattern(String syntax, String regex, String what) implements ArgType<String>
    {
        @Override
        public String parse(final String token)
        {
            if (!token.matches(regex))
            {
                throw new IllegalArgumentException("'" + abbreviate(token) + "' is not " + what);
            }
            return token;
        }

        @Override
        public String format(final String value)
        {
            return value;
        }
    }

    private record IntRange(int min, int max, boolean noneAllowed) implements ArgType<Integer>
    {
        @Override
        public Integer parse(final String token)
        {
            if (noneAllowed && "none".equalsIgnoreCase(token))
            {
                return 0;
            }
            if (token.isEmpty() || token.length() > 10 || !token.chars().allMatch(c -> c >= '0' && c <= '9'))
            {
                throw new IllegalArgumentException("'" + abbreviate(token) + "' is not a number in " + syntax());
            }
            final long value = Long.parseLong(token);
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(token + " is out of range " + min + "-" + max);
            }
            return (int)value;
        }

        @Override
        public String format(final Integer value)
        {
            return noneAllowed && value == 0 ? "none" : Integer.toString(value);
        }

        @Override
        public String syntax()
        {
            return "<" + min + "-" + max + ">" + (noneAllowed ? "|none" : "");
        }
    }

    private static final class Address implements ArgType<Inet4Address>
    {
        @Override
        public Inet4Address parse(final String token)
        {
            return Ipv4.parse(token);
        }

        @Override
        public String format(final Inet4Address value)
        {
            return Ipv4.format(value);
        }

        @Override
        public String syntax()
        {
            return "A.B.C.D";
        }
    }

    private static final class Mask implements ArgType<Inet4Address>
    {
        @Override
        public Inet4Address parse(final String token)
        {
            final Inet4Address mask = Ipv4.parse(token);
            if (!Ipv4.isContiguousMask(mask))
            {
                throw new IllegalArgumentException(token + " is not a valid mask (its ones must be contiguous)");
            }
            return mask;
        }

        @Override
        public String format(final Inet4Address value)
        {
            return Ipv4.format(value);
        }

        @Override
        public String syntax()
        {
            return "M.M.M.M";
        }
    }

    private static final class Range implements ArgType<Ipv4Range>
    {
        @Override
        public Ipv4Range parse(final String token)
        {
            final int dash = token.indexOf('-');
            if (dash < 0)
            {
                throw new IllegalArgumentException("'" + abbreviate(token) + "' is not a range FIRST-LAST");
            }
            final Inet4Address first = Ipv4.parse(token.substring(0, dash));
            final Inet4Address last = Ipv4.parse(token.substring(dash + 1));
            if (Ipv4.toLong(first) > Ipv4.toLong(last))
            {
                throw new IllegalArgumentException("range " + token + " ends before it starts");
            }
            return new Ipv4Range(first, last);
        }

        @Override
        public String format(final Ipv4Range value)
        {
            return value.toString();
        }

        @Override
        public String syntax()
        {
            return "A.B.C.D-A.B.C.D";
        }
    }

    private static final class Line implements ArgType<String>
    {
        @Override
        public String parse(final String token)
        {
            return token;
        }

        @Override
        public String format(final String value)
        {
            return value;
        }

        @Override
        public String syntax()
        {
            return "LINE";
        }

        @Override
        public boolean restOfLine()
        {
            return true;
        }
    }
}
