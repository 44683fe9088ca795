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
    /** An interface's nameif in parentheses, as {@code aaa-server NAME (outside) host ADDR} gives it. */
    public static final ArgType<String> PAREN_NAMEIF = new Pattern("(IF)", "\\([A-Za-z0-9._@-]{1,48}\\)",
        "an interface nameif in parentheses, e.g. (outside)");
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
    /** An IPv6 address. */
    public static final ArgType<java.net.Inet6Address> IPV6 = new V6Address();
    /** An IPv4 or IPv6 address. */
    public static final ArgType<java.net.InetAddress> IP = new AnyAddress();
    /** {@code X:X:X:X::X/LEN}. */
    public static final ArgType<Ipv6Prefix> IPV6_PREFIX = new V6Prefix();
    /** A comma-separated list of client module names, e.g. {@code vpngina,dart}. */
    public static final ArgType<String> MODULE_LIST = new Pattern("LIST", "[a-z0-9-]{1,32}(,[a-z0-9-]{1,32}){0,15}",
        "a comma-separated list of module names");
    /** The local user database as an AAA server group: {@code LOCAL}, in any case, printed upper case. */
    public static final ArgType<String> LOCAL_SERVER_GROUP = new LocalGroup();
    /** A group-url: {@code https://HOST[:PORT]/PATH}, printable ASCII without spaces or quotes. */
    public static final ArgType<String> GROUP_URL = new Pattern("URL",
        "https?://[A-Za-z0-9.:\\[\\]-]{1,255}(/[A-Za-z0-9._~%+-]{0,64}){0,8}", "an http(s) URL with a path");
    /** The longest flash path accepted. */
    public static final int MAX_FLASH_PATH = 255;

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

    /**
     * A file in the flash store: {@code disk0:/DIR/FILE}, {@code disk0:FILE}, {@code flash:/FILE} or a bare
     * {@code FILE}, printed as {@code disk0:/DIR/FILE}. Each part is 1–64 of letters, digits, {@code . _ -}; no part
     * is {@code .} or {@code ..} (bad-inputs #47, #50), so the path can never leave the store.
     *
     * @param suffix the required file name ending, e.g. {@code .pkg}, or empty for any
     */
    public static ArgType<String> flashFile(final String suffix)
    {
        return new FlashFile(suffix);
    }

    /**
     * Normalizes a flash path as {@link #flashFile} does; the empty path (the store itself) is allowed here.
     *
     * @return {@code disk0:/…}
     * @throws IllegalArgumentException when the path is not inside the store
     */
    public static String normalizeFlashPath(final String token)
    {
        String rest = token;
        final String lower = token.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("disk0:"))
        {
            rest = token.substring("disk0:".length());
        }
        else if (lower.startsWith("flash:"))
        {
            rest = token.substring("flash:".length());
        }
        else if (token.indexOf(':') >= 0)
        {
            throw new IllegalArgumentException("'" + abbreviate(token) + "' is not on disk0:");
        }
        if (token.length() > MAX_FLASH_PATH)
        {
            throw new IllegalArgumentException("the path is longer than " + MAX_FLASH_PATH + " characters");
        }
        while (rest.startsWith("/"))
        {
            rest = rest.substring(1);
        }
        while (rest.endsWith("/"))
        {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.isEmpty())
        {
            return "disk0:/";
        }
        for (final String part : rest.split("/", -1))
        {
            if (part.equals(".") || part.equals("..") || !part.matches("[A-Za-z0-9._-]{1,64}"))
            {
                throw new IllegalArgumentException("'" + abbreviate(token)
                    + "' is not a valid disk0: path (parts of letters, digits, '.', '_', '-'; no '..')");
            }
        }
        return "disk0:/" + rest;
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

    private record FlashFile(String suffix) implements ArgType<String>
    {
        @Override
        public String parse(final String token)
        {
            final String path = normalizeFlashPath(token);
            if (path.equals("disk0:/"))
            {
                throw new IllegalArgumentException("a file name is needed");
            }
            if (!path.toLowerCase(java.util.Locale.ROOT).endsWith(suffix))
            {
                throw new IllegalArgumentException("'" + abbreviate(token) + "' is not a " + suffix + " file");
            }
            return path;
        }

        @Override
        public String format(final String value)
        {
            return value;
        }

        @Override
        public String syntax()
        {
            return "disk0:/FILE" + suffix;
        }
    }

    private static final class V6Address implements ArgType<java.net.Inet6Address>
    {
        @Override
        public java.net.Inet6Address parse(final String token)
        {
            return Ipv6.parse(token);
        }

        @Override
        public String format(final java.net.Inet6Address value)
        {
            return Ipv6.format(value);
        }

        @Override
        public String syntax()
        {
            return "X:X:X:X::X";
        }
    }

    private static final class AnyAddress implements ArgType<java.net.InetAddress>
    {
        @Override
        public java.net.InetAddress parse(final String token)
        {
            return token.indexOf(':') >= 0 ? Ipv6.parse(token) : Ipv4.parse(token);
        }

        @Override
        public String format(final java.net.InetAddress value)
        {
            return value instanceof java.net.Inet6Address v6 ? Ipv6.format(v6)
                : Ipv4.format((java.net.Inet4Address)value);
        }

        @Override
        public String syntax()
        {
            return "A.B.C.D|X:X:X:X::X";
        }
    }

    private static final class V6Prefix implements ArgType<Ipv6Prefix>
    {
        @Override
        public Ipv6Prefix parse(final String token)
        {
            final int slash = token.indexOf('/');
            if (slash < 0 || slash == token.length() - 1 || token.length() - slash > 4)
            {
                throw new IllegalArgumentException("'" + abbreviate(token) + "' is not X:X:X:X::X/LEN");
            }
            final String digits = token.substring(slash + 1);
            if (!digits.chars().allMatch(c -> c >= '0' && c <= '9'))
            {
                throw new IllegalArgumentException("'" + abbreviate(token) + "' is not X:X:X:X::X/LEN");
            }
            final int length = Integer.parseInt(digits);
            if (length > 128)
            {
                throw new IllegalArgumentException("prefix length " + length + " is out of range 0-128");
            }
            return new Ipv6Prefix(Ipv6.parse(token.substring(0, slash)), length);
        }

        @Override
        public String format(final Ipv6Prefix value)
        {
            return value.toString();
        }

        @Override
        public String syntax()
        {
            return "X:X:X:X::X/<0-128>";
        }
    }

    private static final class LocalGroup implements ArgType<String>
    {
        @Override
        public String parse(final String token)
        {
            if (!"LOCAL".equalsIgnoreCase(token))
            {
                throw new IllegalArgumentException("only the local user database (LOCAL) is supported");
            }
            return "LOCAL";
        }

        @Override
        public String format(final String value)
        {
            return value;
        }

        @Override
        public String syntax()
        {
            return "LOCAL";
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
