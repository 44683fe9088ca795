package org.headend.control.portal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translation tables (the ASA's {@code webvpn translation-table}): per translation domain a template of message ids,
 * and per language an imported table of translations in gettext PO form. Tables are validated on import (strict
 * UTF-8, known message ids only, no duplicates, size bound), stored re-written in canonical form under the state
 * directory by validated names only, served to clients as PO or compiled MO, and used by the portal for the
 * browser's language. Thread-safe.
 */
public final class Translations
{
    public static final String DIRECTORY = "translation-tables";
    public static final int MAX_PO_BYTES = 1024 * 1024;
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[a-z0-9]{2,8}){0,2}");
    private static final Logger LOG = LoggerFactory.getLogger(Translations.class);

    /** Domain → its message ids, in template order. */
    private static final Map<String, List<String>> TEMPLATES = templates();

    private final Path root;
    /** language → domain → msgid → msgstr. */
    private final Map<String, Map<String, Map<String, String>>> tables = new ConcurrentHashMap<>();

    private Translations(final Path root)
    {
        this.root = root;
    }

    /** Tables kept in {@code stateDir/translation-tables}; loads what is there. */
    public static Translations inStateDir(final Path stateDir) throws IOException
    {
        final Translations translations = new Translations(stateDir.resolve(DIRECTORY));
        Files.createDirectories(translations.root);
        translations.load();
        return translations;
    }

    /** Tables kept only in memory (tests). */
    public static Translations inMemory()
    {
        return new Translations(null);
    }

    private void load() throws IOException
    {
        try (DirectoryStream<Path> languages = Files.newDirectoryStream(root))
        {
            for (final Path dir : languages)
            {
                final String language = dir.getFileName().toString();
                if (!LANGUAGE.matcher(language).matches() || !Files.isDirectory(dir))
                {
                    continue;
                }
                for (final String domain : TEMPLATES.keySet())
                {
                    final Path file = dir.resolve(domain + ".po");
                    if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    {
                        try
                        {
                            store(language, domain, parse(domain, Files.readAllBytes(file)), false);
                        }
                        catch (final IllegalArgumentException ex)
                        {
                            LOG.error("translation table {} {} not loaded: {}", language, domain, ex.getMessage());
                        }
                    }
                }
            }
        }
    }

    /** The domains that have a template, in display order. */
    public static List<String> domains()
    {
        return List.copyOf(TEMPLATES.keySet());
    }

    /** The canonical domain name for what an operator typed (case-insensitive), or null when there is none. */
    public static String domain(final String typed)
    {
        for (final String domain : TEMPLATES.keySet())
        {
            if (domain.equalsIgnoreCase(typed))
            {
                return domain;
            }
        }
        return null;
    }

    /** The language tag in canonical (lower-case) form, or null when it is not one. */
    public static String language(final String typed)
    {
        final String lower = typed == null ? "" : typed.toLowerCase(Locale.ROOT);
        return LANGUAGE.matcher(lower).matches() ? lower : null;
    }

    /** The message ids of a domain. */
    public static List<String> template(final String domain)
    {
        return TEMPLATES.getOrDefault(domain, List.of());
    }

    /** Imported tables: language → domains, sorted. */
    public Map<String, List<String>> imported()
    {
        final Map<String, List<String>> all = new TreeMap<>();
        tables.forEach((language, domains) ->
        {
            if (!domains.isEmpty())
            {
                all.put(language, domains.keySet().stream().sorted().toList());
            }
        });
        return all;
    }

    /** Whether a table is imported. */
    public boolean has(final String language, final String domain)
    {
        return tables.getOrDefault(language, Map.of()).containsKey(domain);
    }

    /** The translation of {@code msgid} in that table, or {@code msgid} when there is none. */
    public String translate(final String language, final String domain, final String msgid)
    {
        if (language == null)
        {
            return msgid;
        }
        final String text = tables.getOrDefault(language, Map.of()).getOrDefault(domain, Map.of()).get(msgid);
        return text == null || text.isEmpty() ? msgid : text;
    }

    /**
     * The first language of an {@code Accept-Language} header that has a table of {@code domain} (exact tag, then
     * its primary subtag), or null.
     */
    public String pick(final String acceptLanguage, final String domain)
    {
        if (acceptLanguage == null || acceptLanguage.length() > 256)
        {
            return null;
        }
        for (final String part : acceptLanguage.split(","))
        {
            // a limit keeps the empty first piece: ";q=1".split(";") would be an empty array
            final String tag = language(part.split(";", 2)[0].strip());
            if (tag == null)
            {
                continue;
            }
            if (has(tag, domain))
            {
                return tag;
            }
            final String primary = tag.split("-", 2)[0];
            if (has(primary, domain))
            {
                return primary;
            }
        }
        return null;
    }

    /** Imports a PO table; throws IllegalArgumentException with the reason when it is not acceptable. */
    public void importTable(final String domain, final String language, final byte[] po) throws IOException
    {
        store(language, domain, parse(domain, po), true);
    }

    /** Removes an imported table; false when there was none. */
    public boolean revert(final String domain, final String language) throws IOException
    {
        final Map<String, Map<String, String>> domains = tables.get(language);
        if (domains == null || domains.remove(domain) == null)
        {
            return false;
        }
        if (root != null)
        {
            Files.deleteIfExists(root.resolve(language).resolve(domain + ".po"));
        }
        return true;
    }

    private void store(final String language, final String domain, final Map<String, String> table,
        final boolean persist) throws IOException
    {
        if (persist && root != null)
        {
            final Path dir = root.resolve(language);
            Files.createDirectories(dir);
            final Path tmp = dir.resolve(domain + ".po.tmp");
            Files.write(tmp, render(domain, language, table));
            Files.move(tmp, dir.resolve(domain + ".po"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        tables.computeIfAbsent(language, l -> new ConcurrentHashMap<>()).put(domain, Map.copyOf(table));
    }

    /** The PO text of a table, or of the template when {@code language} is null. */
    public byte[] export(final String domain, final String language)
    {
        final Map<String, String> table = language == null ? Map.of()
            : tables.getOrDefault(language, Map.of()).getOrDefault(domain, Map.of());
        return render(domain, language, table);
    }

    private static byte[] render(final String domain, final String language, final Map<String, String> table)
    {
        final StringBuilder po = new StringBuilder()
            .append("# Translation table \"").append(domain).append("\" of the headend, ")
            .append(language == null ? "template" : "language " + language).append(".\n")
            .append("# Fill in each msgstr; an empty msgstr keeps the original text.\n")
            .append("msgid \"\"\nmsgstr \"\"\n")
            .append("\"Content-Type: text/plain; charset=UTF-8\\n\"\n")
            .append("\"Content-Transfer-Encoding: 8bit\\n\"\n");
        if (language != null)
        {
            po.append("\"Language: ").append(language).append("\\n\"\n");
        }
        for (final String msgid : template(domain))
        {
            po.append('\n').append("msgid ").append(quote(msgid)).append('\n')
                .append("msgstr ").append(quote(table.getOrDefault(msgid, ""))).append('\n');
        }
        return po.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The table compiled to a GNU MO file (what the AnyConnect client loads). */
    public byte[] mo(final String domain, final String language)
    {
        final Map<String, String> table = tables.getOrDefault(language, Map.of()).getOrDefault(domain, Map.of());
        final TreeMap<String, String> entries = new TreeMap<>((a, b) -> java.util.Arrays.compare(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        entries.put("", "Content-Type: text/plain; charset=UTF-8\nLanguage: " + language + "\n");
        table.forEach((id, text) ->
        {
            if (!text.isEmpty())
            {
                entries.put(id, text);
            }
        });
        final int n = entries.size();
        final int originals = 28;
        final int translations = originals + 8 * n;
        int offset = translations + 8 * n;
        final ByteBuffer head = ByteBuffer.allocate(offset).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(0x950412de).putInt(0).putInt(n).putInt(originals).putInt(translations).putInt(0).putInt(offset);
        final ByteArrayOutputStream strings = new ByteArrayOutputStream();
        final List<byte[]> ids = new ArrayList<>();
        final List<byte[]> texts = new ArrayList<>();
        entries.forEach((id, text) ->
        {
            ids.add(id.getBytes(StandardCharsets.UTF_8));
            texts.add(text.getBytes(StandardCharsets.UTF_8));
        });
        for (final byte[] id : ids)
        {
            head.putInt(id.length).putInt(offset);
            strings.writeBytes(id);
            strings.write(0);
            offset += id.length + 1;
        }
        for (final byte[] text : texts)
        {
            head.putInt(text.length).putInt(offset);
            strings.writeBytes(text);
            strings.write(0);
            offset += text.length + 1;
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.array());
        out.writeBytes(strings.toByteArray());
        return out.toByteArray();
    }

    /**
     * Parses a PO table of {@code domain}: {@code msgid}/{@code msgstr} pairs with continuation lines, comments.
     * Plurals and contexts are not part of any template and are refused.
     */
    static Map<String, String> parse(final String domain, final byte[] bytes)
    {
        if (bytes.length > MAX_PO_BYTES)
        {
            throw new IllegalArgumentException("the table is larger than " + MAX_PO_BYTES + " bytes");
        }
        final String text;
        try
        {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        }
        catch (final CharacterCodingException ex)
        {
            throw new IllegalArgumentException("the table is not valid UTF-8");
        }
        final List<String> known = template(domain);
        final Map<String, String> table = new LinkedHashMap<>();
        String key = null;
        StringBuilder id = null;
        StringBuilder str = null;
        int number = 0;
        for (final String raw : (text + "\n").split("\n", -1))
        {
            number++;
            final String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            if (line.startsWith("msgid "))
            {
                if (id != null)
                {
                    add(table, known, id, str, number);
                }
                id = new StringBuilder(unquote(line.substring(6), number));
                str = null;
                key = "id";
            }
            else if (line.startsWith("msgstr "))
            {
                if (id == null || str != null)
                {
                    throw new IllegalArgumentException("line " + number + ": msgstr without its msgid");
                }
                str = new StringBuilder(unquote(line.substring(7), number));
                key = "str";
            }
            else if (line.startsWith("\""))
            {
                if (key == null)
                {
                    throw new IllegalArgumentException("line " + number + ": text outside an entry");
                }
                ("id".equals(key) ? id : str).append(unquote(line, number));
            }
            else
            {
                throw new IllegalArgumentException("line " + number + ": not accepted: "
                    + line.substring(0, Math.min(line.length(), 40)));
            }
        }
        if (id != null)
        {
            add(table, known, id, str, number);
        }
        return table;
    }

    private static void add(final Map<String, String> table, final List<String> known, final StringBuilder id,
        final StringBuilder str, final int line)
    {
        if (str == null)
        {
            throw new IllegalArgumentException("near line " + line + ": msgid without msgstr");
        }
        final String msgid = id.toString();
        if (msgid.isEmpty())
        {
            return;
        }
        if (!known.contains(msgid))
        {
            throw new IllegalArgumentException("near line " + line + ": unknown msgid "
                + quote(msgid.substring(0, Math.min(msgid.length(), 60))));
        }
        if (table.put(msgid, str.toString()) != null)
        {
            throw new IllegalArgumentException("near line " + line + ": msgid " + quote(msgid) + " appears twice");
        }
    }

    private static String unquote(final String token, final int line)
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
                if (c < 0x20)
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
                case '"' -> out.append('"');
                case '\\' -> out.append('\\');
                default -> throw new IllegalArgumentException("line " + line + ": unknown escape \\"
                    + token.charAt(i));
            }
        }
        return out.toString();
    }

    private static String quote(final String text)
    {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t")
            + "\"";
    }

    private static Map<String, List<String>> templates()
    {
        final Map<String, List<String>> all = new LinkedHashMap<>();
        all.put("AnyConnect", List.of("Connected", "Disconnected", "Connecting...", "Reconnecting...",
            "Disconnecting...", "Connect", "Disconnect", "Cancel", "Username:", "Password:", "Group:",
            "Login failed.", "Please enter your username and password.", "Downloading the client...",
            "A newer version of the client is available.", "Update now", "Update later"));
        all.put("webvpn", PortalText.ALL);
        return all;
    }
}
