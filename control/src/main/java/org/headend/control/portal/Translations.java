package org.headend.control.portal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * and per language an imported table of translations in gettext PO form ({@link PoFile}: comments, contexts, plural
 * forms, multi-line strings, the header's charset). Tables are validated on import (the PO syntax, no duplicates, size
 * bounds); message ids the template does not list are kept and served like the others (a table exported from an ASA
 * or taken from a newer client holds such ids). Stored re-written in canonical UTF-8 form under the state directory by
 * validated names only, served to clients as PO or compiled MO, and used by the portal for the browser's language.
 * The domains are the ASA's; the headend shows the texts of {@code AnyConnect} (through the client) and
 * {@code webvpn} (the portal); the others are kept, listed, exported and served for operators who carry their
 * tables. Thread-safe.
 */
public final class Translations
{
    public static final String DIRECTORY = "translation-tables";
    public static final int MAX_PO_BYTES = 1024 * 1024;
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[a-z0-9]{2,8}){0,2}");
    private static final Logger LOG = LoggerFactory.getLogger(Translations.class);

    /** Domain → its template, in the order {@code show import webvpn translation-table} lists them. */
    private static final Map<String, PoFile.Table> TEMPLATES = templates();
    /** Header fields the headend writes itself. */
    private static final List<String> OWN_FIELDS = List.of("Content-Type", "Content-Transfer-Encoding", "Language");

    private final Path root;
    /** language → domain → table. */
    private final Map<String, Map<String, PoFile.Table>> tables = new ConcurrentHashMap<>();

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
                            store(language, domain, PoFile.parse(Files.readAllBytes(file)), false);
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

    /** The message ids of a domain's template (for plural entries the singular). */
    public static List<String> template(final String domain)
    {
        final PoFile.Table template = TEMPLATES.get(domain);
        return template == null ? List.of() : template.entries().values().stream().map(PoFile.Entry::id).toList();
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

    /** The translation of {@code msgid} in that table, or {@code msgid} when there is none (or it is fuzzy). */
    public String translate(final String language, final String domain, final String msgid)
    {
        if (language == null)
        {
            return msgid;
        }
        final PoFile.Table table = tables.getOrDefault(language, Map.of()).get(domain);
        final PoFile.Entry entry = table == null ? null : table.entries().get(msgid);
        return entry == null || !entry.translated() || entry.plural() != null ? msgid : entry.strings().getFirst();
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
        final Map<String, PoFile.Table> domains = tables.get(language);
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

    private void store(final String language, final String domain, final PoFile.Table table,
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
        tables.computeIfAbsent(language, l -> new ConcurrentHashMap<>()).put(domain, table);
    }

    /** The PO text of a table, or of the template when {@code language} is null. */
    public byte[] export(final String domain, final String language)
    {
        final PoFile.Table table = language == null ? null
            : tables.getOrDefault(language, Map.of()).get(domain);
        return render(domain, language, table);
    }

    /**
     * A table in canonical form: the headend's header fields, then the table's own (its Plural-Forms, translator…);
     * the template's messages in template order, each with the table's translation when it has one, then the
     * table's other messages in its order.
     */
    private static byte[] render(final String domain, final String language, final PoFile.Table table)
    {
        final Map<String, String> header = new LinkedHashMap<>();
        header.put("Content-Type", "text/plain; charset=UTF-8");
        header.put("Content-Transfer-Encoding", "8bit");
        if (language != null)
        {
            header.put("Language", language);
        }
        final Map<String, PoFile.Entry> mine = table == null ? Map.of() : table.entries();
        if (table != null)
        {
            table.header().forEach((name, value) ->
            {
                if (!OWN_FIELDS.contains(name))
                {
                    header.put(name, value);
                }
            });
        }
        final Map<String, PoFile.Entry> entries = new LinkedHashMap<>();
        final int plurals = table == null ? 2 : PoFile.plurals(table.header());
        TEMPLATES.get(domain).entries().forEach((key, entry) -> entries.put(key, mine.containsKey(key) ? mine.get(key)
            : entry.plural() == null ? entry : new PoFile.Entry(entry.comments(), entry.context(), entry.id(),
                entry.plural(), java.util.Collections.nCopies(plurals, ""))));
        mine.forEach(entries::putIfAbsent);
        return PoFile.render(List.of("Translation table \"" + domain + "\" of the headend, "
            + (language == null ? "template" : "language " + language) + ".",
            "Fill in each msgstr; an empty msgstr keeps the original text."), header, entries.values());
    }

    /** The table compiled to a GNU MO file (what the AnyConnect client loads). */
    public byte[] mo(final String domain, final String language)
    {
        final PoFile.Table table = tables.getOrDefault(language, Map.of()).get(domain);
        final TreeMap<String, String> entries = new TreeMap<>((a, b) -> java.util.Arrays.compare(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        final String forms = table == null ? null : table.header().get("Plural-Forms");
        entries.put("", "Content-Type: text/plain; charset=UTF-8\n" + (forms == null ? "" : "Plural-Forms: " + forms
            + "\n") + "Language: " + language + "\n");
        if (table != null)
        {
            for (final PoFile.Entry entry : table.entries().values())
            {
                if (entry.translated())
                {
                    entries.put(entry.plural() == null ? entry.key() : entry.key() + '\0' + entry.plural(),
                        String.join("\0", entry.strings()));
                }
            }
        }
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
     * Parses a PO table of {@code domain} (see {@link PoFile}); throws IllegalArgumentException with the reason when
     * it is not acceptable.
     */
    static PoFile.Table parse(final String domain, final byte[] bytes)
    {
        if (!TEMPLATES.containsKey(domain))
        {
            throw new IllegalArgumentException("no translation domain " + domain);
        }
        if (bytes.length > MAX_PO_BYTES)
        {
            throw new IllegalArgumentException("the table is larger than " + MAX_PO_BYTES + " bytes");
        }
        final PoFile.Table table = PoFile.parse(bytes);
        // the export adds the template's messages: it must stay readable
        if (table.entries().size() + TEMPLATES.get(domain).entries().size() > PoFile.MAX_ENTRIES)
        {
            throw new IllegalArgumentException("more than " + (PoFile.MAX_ENTRIES - TEMPLATES.get(domain).entries()
                .size()) + " messages");
        }
        return table;
    }

    private static Map<String, PoFile.Table> templates()
    {
        final Map<String, PoFile.Table> all = new LinkedHashMap<>();
        for (final String domain : List.of("AnyConnect", "PortForwarder", "banners", "csd", "customization",
            "keepout", "url-list"))
        {
            all.put(domain, resource(domain));
        }
        final Map<String, PoFile.Entry> portal = new LinkedHashMap<>();
        PortalText.ALL.forEach(id -> portal.put(id, new PoFile.Entry(List.of(), null, id, null, List.of(""))));
        all.put("webvpn", new PoFile.Table(Map.of(), portal));
        for (final String domain : List.of("Citrix-plugin", "RPC-plugin", "Telnet-SSH-plugin", "VNC-plugin"))
        {
            all.put(domain, resource(domain));
        }
        return all;
    }

    private static PoFile.Table resource(final String domain)
    {
        try (java.io.InputStream in = Translations.class.getResourceAsStream("translations/" + domain + ".pot"))
        {
            if (in == null)
            {
                throw new IllegalStateException("the template of " + domain + " is missing from the build");
            }
            return PoFile.parse(in.readAllBytes());
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
