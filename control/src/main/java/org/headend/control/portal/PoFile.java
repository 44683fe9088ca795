package org.headend.control.portal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gettext PO format as Cisco's translation tables use it: comments ({@code #}, {@code #.}, {@code #:},
 * {@code #,} flags such as {@code fuzzy}, {@code #|}), {@code msgctxt}, {@code msgid}/{@code msgstr},
 * {@code msgid_plural}/{@code msgstr[N]}, strings continued over several quoted lines, and the header entry (an empty
 * msgid) whose {@code charset} says how the file is encoded (UTF-8 when it says {@code CHARSET}, as a template does).
 * Obsolete entries ({@code #~}) are dropped. Limits: {@link #MAX_BYTES}, {@link #MAX_ENTRIES} entries,
 * {@link #MAX_PLURALS} plural forms; anything else is an {@link IllegalArgumentException} naming the line.
 */
final class PoFile
{
    /** What a stored or exported table may reach (an import is bounded lower, by its caller). */
    static final int MAX_BYTES = 4 * 1024 * 1024;
    static final int MAX_ENTRIES = 20_000;
    static final int MAX_PLURALS = 6;
    private static final Pattern CHARSET = Pattern.compile("Content-Type:[^\"]{0,80}charset=([A-Za-z0-9_.:-]{1,40})");
    private static final Pattern NPLURALS = Pattern.compile("nplurals\\s*=\\s*([0-9]+)");
    private static final Pattern PLURAL_STR = Pattern.compile("msgstr\\[([0-9]{1,2})]\\s+(.*)");
    private static final Pattern HEADER_LINE = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,63}: .*|[A-Za-z][A-Za-z0-9-]{0,63}:");
    /** gettext's separator of context and msgid in an MO key. */
    static final char CONTEXT_SEPARATOR = '\u0004';

    /**
     * One message.
     *
     * @param comments the comment lines as written (without the line end)
     * @param context the msgctxt or null
     * @param plural the msgid_plural or null
     * @param strings the msgstr (one) or msgstr[0..n-1]
     */
    record Entry(List<String> comments, String context, String id, String plural, List<String> strings)
    {
        /** The MO key: context, EOT, msgid. */
        String key()
        {
            return context == null ? id : context + CONTEXT_SEPARATOR + id;
        }

        /** A {@code #, fuzzy} entry is a draft: kept in the table, never shown to users. */
        boolean fuzzy()
        {
            return comments.stream().anyMatch(c -> c.startsWith("#,") && List.of(c.substring(2).split("[ ,]+"))
                .contains("fuzzy"));
        }

        boolean translated()
        {
            return !fuzzy() && strings.stream().noneMatch(String::isEmpty);
        }
    }

    /** A parsed file: the header's fields in order, and the messages by {@link Entry#key()} in file order. */
    record Table(Map<String, String> header, Map<String, Entry> entries)
    {
    }

    private PoFile()
    {
    }

    /** The number of plural forms a header gives (gettext's default 2 without one, or in a template). */
    static int plurals(final Map<String, String> header)
    {
        final String forms = header.get("Plural-Forms");
        if (forms == null || forms.contains("INTEGER"))
        {
            return 2;
        }
        final Matcher m = NPLURALS.matcher(forms);
        return m.find() ? Integer.parseInt(m.group(1)) : 2;
    }

    static Table parse(final byte[] bytes)
    {
        if (bytes.length > MAX_BYTES)
        {
            throw new IllegalArgumentException("the table is larger than " + MAX_BYTES + " bytes");
        }
        final String text = decode(bytes);
        final Parser parser = new Parser();
        int number = 0;
        for (final String raw : text.split("\n", -1))
        {
            number++;
            parser.line(raw.strip(), number);
        }
        parser.finish(number);
        return new Table(parser.header, parser.entries);
    }

    /** Decodes by the header's charset (found in a Latin-1 view, which every byte has), strictly. */
    private static String decode(final byte[] bytes)
    {
        int start = 0;
        if (bytes.length >= 3 && bytes[0] == (byte) 0xef && bytes[1] == (byte) 0xbb && bytes[2] == (byte) 0xbf)
        {
            start = 3;
        }
        final String latin = new String(bytes, 0, Math.min(bytes.length, 8192), StandardCharsets.ISO_8859_1);
        final Matcher m = CHARSET.matcher(latin);
        Charset charset = StandardCharsets.UTF_8;
        if (m.find() && !m.group(1).equalsIgnoreCase("CHARSET"))
        {
            try
            {
                charset = Charset.forName(m.group(1));
            }
            catch (final IllegalCharsetNameException | java.nio.charset.UnsupportedCharsetException ex)
            {
                throw new IllegalArgumentException("the header's charset " + m.group(1) + " is not supported");
            }
        }
        try
        {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, start, bytes.length - start)).toString();
        }
        catch (final CharacterCodingException ex)
        {
            throw new IllegalArgumentException("the table is not valid " + charset.name());
        }
    }

    /** The PO text: {@code title} comment lines, the header, then the entries. */
    static byte[] render(final List<String> title, final Map<String, String> header, final Collection<Entry> entries)
    {
        final StringBuilder po = new StringBuilder();
        title.forEach(line -> po.append("# ").append(line).append('\n'));
        po.append("msgid \"\"\nmsgstr \"\"\n");
        header.forEach((name, value) -> po.append(quote(name + ": " + value + "\n")).append('\n'));
        for (final Entry entry : entries)
        {
            po.append('\n');
            entry.comments().forEach(c -> po.append(c).append('\n'));
            if (entry.context() != null)
            {
                po.append("msgctxt ").append(lines(entry.context()));
            }
            po.append("msgid ").append(lines(entry.id()));
            if (entry.plural() == null)
            {
                po.append("msgstr ").append(lines(entry.strings().getFirst()));
                continue;
            }
            po.append("msgid_plural ").append(lines(entry.plural()));
            for (int i = 0; i < entry.strings().size(); i++)
            {
                po.append("msgstr[").append(i).append("] ").append(lines(entry.strings().get(i)));
            }
        }
        return po.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A string as gettext writes it: on one line, or, when it holds line breaks, one quoted line per line. */
    private static String lines(final String text)
    {
        final int firstBreak = text.indexOf('\n');
        if (firstBreak < 0 || firstBreak == text.length() - 1)
        {
            return quote(text) + "\n";
        }
        final StringBuilder out = new StringBuilder("\"\"\n");
        int from = 0;
        while (from < text.length())
        {
            final int end = text.indexOf('\n', from);
            final int to = end < 0 ? text.length() : end + 1;
            out.append(quote(text.substring(from, to))).append('\n');
            from = to;
        }
        return out.toString();
    }

    static String quote(final String text)
    {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t")
            .replace("\r", "\\r") + "\"";
    }

    static String unquote(final String token, final int line)
    {
        if (token.length() < 2 || !token.startsWith("\"") || !token.endsWith("\""))
        {
            throw new IllegalArgumentException("line " + line + ": a string must be in double quotes");
        }
        final StringBuilder out = new StringBuilder();
        for (int i = 1; i < token.length() - 1; i++)
        {
            final char c = token.charAt(i);
            if (c == '"')
            {
                throw new IllegalArgumentException("line " + line + ": unescaped double quote");
            }
            if (c != '\\')
            {
                if (c < 0x20 && c != '\t')
                {
                    throw new IllegalArgumentException("line " + line + ": control character");
                }
                out.append(c);
                continue;
            }
            if (++i >= token.length() - 1)
            {
                throw new IllegalArgumentException("line " + line + ": dangling backslash");
            }
            switch (token.charAt(i))
            {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '"' -> out.append('"');
                case '\\' -> out.append('\\');
                default -> throw new IllegalArgumentException("line " + line + ": unknown escape \\"
                    + token.charAt(i));
            }
        }
        return out.toString();
    }

    /** The line-by-line state of one file. */
    private static final class Parser
    {
        final Map<String, String> header = new LinkedHashMap<>();
        final Map<String, Entry> entries = new LinkedHashMap<>();
        private boolean sawHeader;
        private int plurals = 2;
        private List<String> comments = new ArrayList<>();
        private StringBuilder context;
        private StringBuilder id;
        private StringBuilder plural;
        private final List<StringBuilder> strings = new ArrayList<>();
        /** What a continuation line extends. */
        private StringBuilder open;
        private int entryLine;

        void line(final String line, final int number)
        {
            if (line.isEmpty() || line.startsWith("#~"))
            {
                return;
            }
            if (line.startsWith("#"))
            {
                if (!strings.isEmpty())
                {
                    finish(number);
                }
                if (id != null || context != null)
                {
                    throw new IllegalArgumentException("line " + number + ": a comment inside an entry");
                }
                if (comments.size() < 64)
                {
                    comments.add(line.length() > 512 ? line.substring(0, 512).strip() : line);
                }
                return;
            }
            if (line.startsWith("\""))
            {
                if (open == null)
                {
                    throw new IllegalArgumentException("line " + number + ": text outside an entry");
                }
                open.append(unquote(line, number));
                return;
            }
            final int space = line.indexOf(' ');
            final String keyword = space < 0 ? line : line.substring(0, space);
            final String rest = space < 0 ? "" : line.substring(space + 1).strip();
            switch (keyword)
            {
                case "msgctxt" ->
                {
                    startIfDone(number);
                    if (context != null || id != null)
                    {
                        throw new IllegalArgumentException("line " + number + ": msgctxt must come before msgid");
                    }
                    context = open = new StringBuilder(unquote(rest, number));
                }
                case "msgid" ->
                {
                    startIfDone(number);
                    if (id != null)
                    {
                        throw new IllegalArgumentException("line " + number + ": msgid without msgstr before it");
                    }
                    id = open = new StringBuilder(unquote(rest, number));
                    entryLine = number;
                }
                case "msgid_plural" ->
                {
                    if (id == null || plural != null || !strings.isEmpty())
                    {
                        throw new IllegalArgumentException("line " + number + ": msgid_plural must follow msgid");
                    }
                    plural = open = new StringBuilder(unquote(rest, number));
                }
                case "msgstr" ->
                {
                    if (id == null || plural != null || !strings.isEmpty())
                    {
                        throw new IllegalArgumentException("line " + number + ": msgstr without its msgid"
                            + (plural != null ? " (a plural entry takes msgstr[N])" : ""));
                    }
                    strings.add(open = new StringBuilder(unquote(rest, number)));
                }
                default ->
                {
                    final Matcher m = PLURAL_STR.matcher(line);
                    if (!m.matches())
                    {
                        throw new IllegalArgumentException("line " + number + ": not accepted: "
                            + line.substring(0, Math.min(line.length(), 40)));
                    }
                    if (plural == null || Integer.parseInt(m.group(1)) != strings.size())
                    {
                        throw new IllegalArgumentException("line " + number + ": msgstr[" + m.group(1)
                            + "] out of order or without msgid_plural");
                    }
                    if (strings.size() == MAX_PLURALS)
                    {
                        throw new IllegalArgumentException("line " + number + ": more than " + MAX_PLURALS
                            + " plural forms");
                    }
                    strings.add(open = new StringBuilder(unquote(m.group(2), number)));
                }
            }
        }

        private void startIfDone(final int number)
        {
            if (!strings.isEmpty())
            {
                finish(number);
            }
        }

        /** Ends the entry being read, if any. */
        void finish(final int number)
        {
            if (id == null)
            {
                if (context != null)
                {
                    throw new IllegalArgumentException("near line " + number + ": msgctxt without msgid");
                }
                return;
            }
            if (strings.isEmpty())
            {
                throw new IllegalArgumentException("near line " + number + ": msgid without msgstr");
            }
            final Entry entry = new Entry(List.copyOf(comments), context == null ? null : context.toString(),
                id.toString(), plural == null ? null : plural.toString(),
                strings.stream().map(StringBuilder::toString).toList());
            comments = new ArrayList<>();
            context = id = plural = open = null;
            strings.clear();
            if (entry.id().isEmpty() && entry.context() == null)
            {
                readHeader(entry, number);
                return;
            }
            if (entry.plural() != null && entry.strings().size() != plurals)
            {
                throw new IllegalArgumentException("line " + entryLine + ": " + entry.strings().size()
                    + " plural forms where the header says nplurals=" + plurals);
            }
            if (entries.size() == MAX_ENTRIES)
            {
                throw new IllegalArgumentException("more than " + MAX_ENTRIES + " messages");
            }
            if (entries.putIfAbsent(entry.key(), entry) != null)
            {
                throw new IllegalArgumentException("line " + entryLine + ": msgid "
                    + quote(entry.id().substring(0, Math.min(entry.id().length(), 60))) + " appears twice");
            }
        }

        private void readHeader(final Entry entry, final int number)
        {
            if (sawHeader || !entries.isEmpty())
            {
                throw new IllegalArgumentException("near line " + number + ": the header (empty msgid) must come "
                    + "first, once");
            }
            sawHeader = true;
            for (final String field : entry.strings().getFirst().split("\n"))
            {
                if (field.isBlank())
                {
                    continue;
                }
                if (!HEADER_LINE.matcher(field).matches() || header.size() == 64)
                {
                    throw new IllegalArgumentException("the header line " + quote(field.substring(0,
                        Math.min(field.length(), 40))) + " is not 'Name: value'");
                }
                final int colon = field.indexOf(':');
                header.put(field.substring(0, colon), field.substring(colon + 1).strip());
            }
            final String forms = header.get("Plural-Forms");
            // a template (POT) leaves the numbers for the translator: nplurals=INTEGER; plural=EXPRESSION;
            if (forms != null && !forms.contains("INTEGER"))
            {
                final Matcher m = NPLURALS.matcher(forms);
                if (!m.find() || m.group(1).length() > 1 || Integer.parseInt(m.group(1)) < 1
                    || Integer.parseInt(m.group(1)) > MAX_PLURALS || !forms.toLowerCase(Locale.ROOT)
                        .matches("[ a-z0-9=;%<>!&|?:()]*"))
                {
                    throw new IllegalArgumentException("Plural-Forms not accepted: " + quote(forms.substring(0,
                        Math.min(forms.length(), 60))));
                }
                plurals = Integer.parseInt(m.group(1));
            }
        }
    }
}
