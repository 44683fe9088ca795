package org.headend.control.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.headend.control.config.grammar.ArgType;
import org.headend.control.config.grammar.ArgTypes;
import org.headend.control.config.grammar.Arguments;
import org.headend.control.flash.FlashCopy;
import org.headend.control.flash.FlashStore;
import org.headend.control.flash.TftpClient;
import org.headend.control.portal.ClientFiles;
import org.headend.control.portal.Translations;

/**
 * The exec commands of client management: {@code copy SOURCE disk0:/FILE}, {@code dir cache:/stc/profiles}, and the
 * translation tables ({@code show import webvpn translation-table}, {@code export|import|revert webvpn
 * translation-table}).
 */
final class ClientCommands
{
    private static final DateTimeFormatter DIR_TIME =
        DateTimeFormatter.ofPattern("HH:mm:ss MMM dd yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    /** {@code http(s)://…}, {@code tftp://…} or an absolute local path. */
    private static final ArgType<String> SOURCE = new Token("URL|/PATH", FlashCopy::isSource,
        "an http://, https:// or tftp:// URL, or an absolute local path");
    /** Where {@code copy disk0:/FILE} sends a file. */
    private static final ArgType<String> TFTP_URL = new Token("tftp://HOST/FILE", TftpClient.Target::looksLike,
        "a tftp://HOST[:PORT]/FILE URL");
    /** A file on disk0: written with its prefix ({@code disk0:/NAME}), so it is never taken for a keyword. */
    private static final ArgType<String> DISK0_FILE = new ArgType<>()
    {
        @Override
        public String parse(final String token)
        {
            final String lower = token.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("disk0:") && !lower.startsWith("flash:"))
            {
                throw new IllegalArgumentException("the file must be on disk0: (disk0:/NAME)");
            }
            return ArgTypes.flashFile("").parse(token);
        }

        @Override
        public String format(final String value)
        {
            return value;
        }

        @Override
        public String syntax()
        {
            return "disk0:/FILE";
        }
    };
    private static final ArgType<String> CACHE_PROFILES = new Token("cache:/stc/profiles",
        t -> t.equalsIgnoreCase("cache:/stc/profiles") || t.equalsIgnoreCase("cache:stc/profiles")
            || t.equalsIgnoreCase("cache:/stc/profiles/"), "cache:/stc/profiles");
    private static final ArgType<String> LANGUAGE = new Token("LANGUAGE", t -> Translations.language(t) != null,
        "a language tag such as es-us or ja");
    private static final ArgType<String> DOMAIN = new Token("DOMAIN", t -> Translations.domain(t) != null,
        "a translation domain: " + String.join(", ", Translations.domains()));
    /** Where an exported table goes or an imported one comes from: disk0:, a local path, tftp or (import) http(s). */
    private static final ArgType<String> LOCATION = new Token("disk0:/FILE|URL|/PATH",
        t -> FlashCopy.isSource(t) || t.toLowerCase(Locale.ROOT).startsWith("disk0:")
            || t.toLowerCase(Locale.ROOT).startsWith("flash:"),
        "disk0:/FILE, a tftp:// or (import) http(s) URL, or an absolute path");

    private ClientCommands()
    {
    }

    static void declare(final List<ExecCommand> commands)
    {
        commands.add(ExecCommand.declare("Copy a file to disk0:")
            .kw("copy", "Copy a configuration")
            .arg("source", SOURCE, "An http(s) or tftp URL, or an absolute local path")
            .arg("destination", DISK0_FILE, "The file on disk0:")
            .alsoInConfigModes()
            .does(ClientCommands::copy));
        commands.add(ExecCommand.declare("Send a file of disk0: to a TFTP server")
            .kw("copy", "Copy a configuration")
            .arg("source", DISK0_FILE, "The file on disk0:")
            .arg("destination", TFTP_URL, "tftp://HOST[:PORT]/FILE")
            .alsoInConfigModes()
            .does(ClientCommands::copyOut));
        commands.add(ExecCommand.declare("List the client profiles in the cache")
            .kw("dir", "List files on disk0:")
            .arg("cache", CACHE_PROFILES, "The client profiles loaded by anyconnect profiles")
            .alsoInConfigModes()
            .shows(ClientCommands::dirProfiles));
        commands.add(ExecCommand.declare("Show the translation tables")
            .kw("show", "Show running system information").kw("import", "Show imported objects")
            .kw("webvpn", "WebVPN objects").kw("translation-table", "Translation templates and tables")
            .alsoInConfigModes()
            .shows(ClientCommands::showTables));
        commands.add(ExecCommand.declare("Export a translation table")
            .kw("export", "Export an object").kw("webvpn", "WebVPN objects")
            .kw("translation-table", "A translation template or table")
            .arg("domain", DOMAIN, "The translation domain, e.g. AnyConnect")
            .choice("what", "template", "The template: every message with an empty translation",
                "language", "The imported table of a language")
            .optional(null, p -> p.arg("language", LANGUAGE, "The language, e.g. es-us"))
            .arg("destination", LOCATION, "disk0:/FILE, tftp://HOST/FILE or an absolute local path")
            .does(ClientCommands::exportTable));
        commands.add(ExecCommand.declare("Import a translation table")
            .kw("import", "Import an object").kw("webvpn", "WebVPN objects")
            .kw("translation-table", "A translation table")
            .arg("domain", DOMAIN, "The translation domain, e.g. AnyConnect")
            .kw("language", "The language of the table")
            .arg("language", LANGUAGE, "The language as browsers name it, e.g. es-us")
            .arg("source", LOCATION, "disk0:/FILE, an http(s) or tftp URL, or an absolute local path")
            .does(ClientCommands::importTable));
        commands.add(ExecCommand.declare("Remove a translation table")
            .kw("revert", "Revert an object to its default").kw("webvpn", "WebVPN objects")
            .kw("translation-table", "A translation table")
            .arg("domain", DOMAIN, "The translation domain, e.g. AnyConnect")
            .kw("language", "The language of the table")
            .arg("language", LANGUAGE, "The language, e.g. fr")
            .does(ClientCommands::revertTable));
    }

    private static void copy(final CliSession session, final Arguments args) throws IOException
    {
        transfer(session, args, (flash, source, destination) ->
        {
            final long bytes = FlashCopy.copy(source, flash, destination);
            return new Copied(bytes, ", sha256 " + ExecCommands.sha256(flash.resolve(destination)));
        });
    }

    private static void copyOut(final CliSession session, final Arguments args) throws IOException
    {
        transfer(session, args, (flash, source, destination) ->
            new Copied(FlashCopy.send(flash, source, destination), ""));
    }

    /** One copy either way between disk0: and a URL. */
    private interface Transfer
    {
        Copied run(FlashStore flash, String source, String destination) throws IOException;
    }

    /** What a copy moved, and what the audit line says about the result beyond the byte count. */
    private record Copied(long bytes, String auditDetail)
    {
    }

    /** The copy commands' shared frame: disk0: must exist, the outcome is printed and audited either way. */
    private static void transfer(final CliSession session, final Arguments args, final Transfer transfer)
        throws IOException
    {
        final String source = args.get("source");
        final String destination = args.get("destination");
        final String command = "copy " + source + " " + destination;
        final FlashStore flash = session.context().services().flash();
        if (flash == null)
        {
            session.print("ERROR: % disk0: is not available\n");
            return;
        }
        try
        {
            final Copied copied = transfer.run(flash, source, destination);
            session.print(copied.bytes() + " bytes copied\n");
            session.audit(command, "ok: " + copied.bytes() + " bytes" + copied.auditDetail());
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            session.print("ERROR: %Error copying " + source + " (" + ex.getMessage() + ")\n");
            session.audit(command, "failed: " + ex.getMessage());
        }
    }

    private static Output dirProfiles(final CliSession session, final Arguments args)
    {
        final ClientFiles files = session.context().services().clientFiles();
        final StringBuilder out = new StringBuilder("\nDirectory of cache:stc/profiles/\n\n");
        final List<Map<String, Object>> data = new ArrayList<>();
        long total = 0;
        if (files != null)
        {
            for (final ClientFiles.Profile profile : files.profiles().values())
            {
                out.append(String.format("%d      ----  %-12d %s  %s.xml%n", 0, profile.bytes().length,
                    DIR_TIME.format(Instant.ofEpochMilli(profile.modified())), profile.name()));
                total += profile.bytes().length;
                final Map<String, Object> item = new LinkedHashMap<>();
                item.put("name", profile.name() + ".xml");
                item.put("size", profile.bytes().length);
                item.put("sha1", profile.sha1());
                item.put("source", profile.path());
                data.add(item);
            }
        }
        if (data.isEmpty())
        {
            out.append("No files in directory\n");
        }
        out.append('\n').append(total).append(" bytes total\n");
        return new Output(out.toString(), Map.of("directory", "cache:/stc/profiles", "files", data));
    }

    private static Output showTables(final CliSession session, final Arguments args)
    {
        final Translations tables = session.context().services().translations();
        final StringBuilder out = new StringBuilder("Translation Tables' Templates:\n");
        Translations.domains().forEach(d -> out.append(d).append('\n'));
        out.append("\nTranslation Tables:\n");
        final List<Map<String, String>> data = new ArrayList<>();
        if (tables != null)
        {
            tables.imported().forEach((language, domains) -> domains.forEach(domain ->
            {
                out.append(language).append(' ').append(domain).append('\n');
                data.add(Map.of("language", language, "domain", domain));
            }));
        }
        return new Output(out.toString(), Map.of("templates", Translations.domains(), "tables", data));
    }

    private static void exportTable(final CliSession session, final Arguments args) throws IOException
    {
        final Translations tables = session.context().services().translations();
        final String domain = Translations.domain(args.get("domain"));
        final boolean template = "template".equals(args.get("what"));
        final String language = args.has("language") ? Translations.language(args.get("language")) : null;
        final String destination = args.get("destination");
        final String command = "export webvpn translation-table " + domain + (template ? " template"
            : " language " + language) + " " + destination;
        if (tables == null)
        {
            session.print("ERROR: % translation tables are not available\n");
            return;
        }
        if (template == (language != null))
        {
            session.print(template ? "ERROR: % a template has no language\n" : "ERROR: % Incomplete command\n");
            return;
        }
        if (!template && !tables.has(language, domain))
        {
            session.print("ERROR: % no " + domain + " table for language " + language + "\n");
            return;
        }
        try
        {
            final byte[] po = tables.export(domain, template ? null : language);
            write(session, destination, po);
            session.print(po.length + " bytes copied\n");
            session.audit(command, "ok");
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            session.print("ERROR: %Error writing " + destination + " (" + ex.getMessage() + ")\n");
            session.audit(command, "failed: " + ex.getMessage());
        }
    }

    private static void importTable(final CliSession session, final Arguments args) throws IOException
    {
        final Translations tables = session.context().services().translations();
        final String domain = Translations.domain(args.get("domain"));
        final String language = Translations.language(args.get("language"));
        final String source = args.get("source");
        final String command = "import webvpn translation-table " + domain + " language " + language + " " + source;
        if (tables == null)
        {
            session.print("ERROR: % translation tables are not available\n");
            return;
        }
        try
        {
            final byte[] po = read(session, source);
            tables.importTable(domain, language, po);
            session.print("!!!!\n" + po.length + " bytes copied\n");
            session.audit(command, "ok");
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            session.print("ERROR: % the table was not imported: " + ex.getMessage() + "\n");
            session.audit(command, "refused: " + ex.getMessage());
        }
    }

    private static void revertTable(final CliSession session, final Arguments args) throws IOException
    {
        final Translations tables = session.context().services().translations();
        final String domain = Translations.domain(args.get("domain"));
        final String language = Translations.language(args.get("language"));
        final String command = "revert webvpn translation-table " + domain + " language " + language;
        if (tables == null || !tables.revert(domain, language))
        {
            session.print("ERROR: % no " + domain + " table for language " + language + "\n");
            session.audit(command, "failed: no such table");
            return;
        }
        session.audit(command, "ok");
    }

    /** The bytes of disk0:/FILE, a local file or a URL, through the same rules as {@code copy}. */
    private static byte[] read(final CliSession session, final String source) throws IOException
    {
        final FlashStore flash = session.context().services().flash();
        if (TftpClient.Target.looksLike(source))
        {
            final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            TftpClient.standard().get(TftpClient.Target.parse(source), out, Translations.MAX_PO_BYTES);
            return out.toByteArray();
        }
        if (FlashCopy.isSource(source))
        {
            final Path tmp = Files.createTempFile("headend-import-", ".po");
            try
            {
                final FlashStore scratch = new FlashStore(tmp.getParent());
                FlashCopy.copy(source, scratch, "disk0:/" + tmp.getFileName());
                if (Files.size(tmp) > Translations.MAX_PO_BYTES)
                {
                    throw new IOException("larger than " + Translations.MAX_PO_BYTES + " bytes");
                }
                return Files.readAllBytes(tmp);
            }
            finally
            {
                Files.deleteIfExists(tmp);
            }
        }
        if (flash == null)
        {
            throw new IOException("disk0: is not available");
        }
        return flash.read(flash.resolve(source));
    }

    private static void write(final CliSession session, final String destination, final byte[] bytes)
        throws IOException
    {
        if (TftpClient.Target.looksLike(destination))
        {
            FlashCopy.send(bytes, destination);
            return;
        }
        if (destination.startsWith("/"))
        {
            final Path path = Path.of(destination);
            if (!path.normalize().equals(path) || Files.isSymbolicLink(path)
                || Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
            {
                throw new IOException("not a plain file path");
            }
            Files.write(path, bytes);
            return;
        }
        final FlashStore flash = session.context().services().flash();
        if (flash == null || destination.toLowerCase(Locale.ROOT).startsWith("http"))
        {
            throw new IOException("tables are exported to disk0:, tftp:// or a local path");
        }
        final Path file = flash.resolve(ArgTypes.flashFile("").parse(destination));
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    /** A single token accepted by a predicate, printed as typed. */
    private record Token(String syntax, java.util.function.Predicate<String> accepts, String what)
        implements ArgType<String>
    {
        @Override
        public String parse(final String token)
        {
            if (!accepts.test(token) || token.length() > 1024)
            {
                throw new IllegalArgumentException("expected " + what);
            }
            return token;
        }

        @Override
        public String format(final String value)
        {
            return value;
        }
    }
}
