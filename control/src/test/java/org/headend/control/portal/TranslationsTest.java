package org.headend.control.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Translation tables as an operator brings them from an ASA: a Japanese AnyConnect table in Cisco's PO form (source
 * references, flags, a fuzzy draft, a context, a plural, multi-line and escaped strings, ids the template does not
 * list, an obsolete entry) imported, used, compiled and exported; the header's charset; the refusals; the complete
 * template and every domain the seed lists.
 */
class TranslationsTest
{
    @TempDir
    Path state;

    private static byte[] japanese() throws IOException
    {
        try (InputStream in = TranslationsTest.class.getResourceAsStream("anyconnect-ja.po"))
        {
            return in.readAllBytes();
        }
    }

    @Test
    void shouldImportACiscoPoKeepingMessagesTheTemplateDoesNotListAndServeThem() throws Exception
    {
        final Translations tables = Translations.inStateDir(state);
        tables.importTable("AnyConnect", "ja", japanese());
        assertEquals("接続済み", tables.translate("ja", "AnyConnect", "Connected"));
        assertEquals("Disconnected", tables.translate("ja", "AnyConnect", "Disconnected"),
            "a fuzzy entry is a draft: the original text is shown");
        assertEquals("パッケージの署名を検証できませんでした。\n管理者に連絡してください。",
            tables.translate("ja", "AnyConnect", "The package signature could not be verified.\nContact your administrator."),
            "a multi-line message the template does not list is kept and used");
        assertEquals("セキュリティ警告: \"%s\" は信頼されていません。",
            tables.translate("ja", "AnyConnect", "Security Warning: \"%s\" is not trusted."));

        final Map<String, String> mo = readMo(tables.mo("AnyConnect", "ja"));
        assertEquals("接続済み", mo.get("Connected"));
        assertEquals("残り %d 分", mo.get("%d minute remaining\0%d minutes remaining"), "the plural, as gettext keys it");
        assertEquals("接続", mo.get("button\u0004Connect"), "the context, as gettext keys it");
        assertFalse(mo.containsKey("Disconnected"), "fuzzy entries are not compiled");
        assertFalse(mo.containsKey("Old message no longer used"), "obsolete entries are dropped");
        assertTrue(mo.get("").contains("Plural-Forms: nplurals=1; plural=0;\n") && mo.get("").contains("Language: ja"),
            mo.get(""));

        final String exported = new String(tables.export("AnyConnect", "ja"), StandardCharsets.UTF_8);
        assertTrue(exported.contains("\"Last-Translator: Translation Team <l10n@example.co.jp>\\n\""), exported);
        assertTrue(exported.contains("#: C:\\temp\\build\\vpn\\Api\\AgentIfc.cpp:23\n"), "comments are kept");
        assertTrue(exported.contains("#, fuzzy\nmsgid \"Disconnected\"\nmsgstr \"切断\"\n"), exported);
        assertTrue(exported.contains("msgid \"\"\n\"The package signature could not be verified.\\n\"\n"
            + "\"Contact your administrator.\"\n"), "multi-line strings stay multi-line: " + exported);
        assertTrue(exported.contains("msgid \"Downloading the client...\"\nmsgstr \"\"\n"),
            "the template's other messages are offered for translation");
        assertEquals(PoFile.parse(japanese()).entries(), restrict(PoFile.parse(exported.getBytes(StandardCharsets.UTF_8))
            .entries(), PoFile.parse(japanese()).entries().keySet()), "the export reads back as the same table");

        final Translations restarted = Translations.inStateDir(state);
        assertEquals("残り %d 分", readMo(restarted.mo("AnyConnect", "ja")).get("%d minute remaining\0%d minutes remaining"),
            "kept across restarts");
    }

    @Test
    void shouldDecodeByTheHeadersCharset() throws Exception
    {
        final String utf8 = new String(japanese(), StandardCharsets.UTF_8);
        final Charset eucJp = Charset.forName("EUC-JP");
        final Translations tables = Translations.inMemory();
        tables.importTable("AnyConnect", "ja", utf8.replace("charset=UTF-8", "charset=EUC-JP").getBytes(eucJp));
        assertEquals("接続済み", tables.translate("ja", "AnyConnect", "Connected"));
        assertTrue(new String(tables.export("AnyConnect", "ja"), StandardCharsets.UTF_8)
            .contains("charset=UTF-8"), "stored and served in UTF-8");
        final IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
            () -> tables.importTable("AnyConnect", "ja", utf8.getBytes(eucJp)));
        assertEquals("the table is not valid UTF-8", wrong.getMessage());
    }

    @Test
    void shouldRefuseBrokenTablesNamingTheLine()
    {
        final Translations tables = Translations.inMemory();
        final Map<String, String> cases = Map.of(
            "msgid \"a\"\nmsgid_plural \"b\"\nmsgstr[0] \"x\"\n", "1 plural forms where the header says nplurals=2",
            "msgid \"a\"\nmsgid_plural \"b\"\nmsgstr[1] \"x\"\n", "line 3: msgstr[1] out of order",
            "msgstr \"x\"\n", "line 1: msgstr without its msgid",
            "msgid \"a\nmsgstr \"x\"\n", "line 1: a string must be in double quotes",
            "msgid \"a\"\nmsgstr \"x\"\nmsgid \"a\"\nmsgstr \"y\"\n", "line 3: msgid \"a\" appears twice",
            "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=X-NOPE\\n\"\n", "charset X-NOPE is not supported",
            "msgid \"a\"\nmsgstr \"x\"\nmsgid \"\"\nmsgstr \"Language: ja\\n\"\n", "the header (empty msgid) must come first",
            "msgid \"a\"\nmsgstr \"x\"\n\"more\"\nbogus\n", "line 4: not accepted: bogus");
        cases.forEach((po, reason) ->
        {
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> tables.importTable("AnyConnect", "fr", po.getBytes(StandardCharsets.UTF_8)), po);
            assertTrue(refused.getMessage().contains(reason), po + " -> " + refused.getMessage());
        });
        assertEquals(Map.of(), tables.imported(), "nothing half-imported");
    }

    @Test
    void shouldOfferTheCompleteTemplateAndEveryDomainTheSeedLists() throws Exception
    {
        assertEquals(List.of("AnyConnect", "PortForwarder", "banners", "csd", "customization", "keepout", "url-list",
            "webvpn", "Citrix-plugin", "RPC-plugin", "Telnet-SSH-plugin", "VNC-plugin"), Translations.domains());
        assertTrue(Translations.template("AnyConnect").size() > 150, "the AnyConnect template is the client's list");
        assertTrue(Translations.template("AnyConnect").containsAll(List.of("Connected", "Please respond to banner.",
            "Untrusted Server Blocked!", "%d minute remaining")));
        final Translations tables = Translations.inMemory();
        for (final String domain : Translations.domains())
        {
            final byte[] template = tables.export(domain, null);
            final PoFile.Table read = PoFile.parse(template);
            assertEquals(Translations.template(domain), read.entries().values().stream().map(PoFile.Entry::id)
                .toList(), domain);
            assertTrue(read.entries().values().stream().noneMatch(PoFile.Entry::translated), "a template is empty");
        }
        final String customization = new String(tables.export("customization", null), StandardCharsets.UTF_8)
            .replace("msgid \"Logout\"\nmsgstr \"\"", "msgid \"Logout\"\nmsgstr \"退出\"");
        tables.importTable("customization", "zh", customization.getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of("zh", List.of("customization")), tables.imported());
        assertTrue(new String(tables.export("customization", "zh"), StandardCharsets.UTF_8).contains("msgstr \"退出\""));
        assertNull(Translations.domain("no-such-domain"));
        assertEquals("Telnet-SSH-plugin", Translations.domain("telnet-ssh-PLUGIN"));
    }

    private static Map<String, PoFile.Entry> restrict(final Map<String, PoFile.Entry> all,
        final java.util.Set<String> keys)
    {
        final Map<String, PoFile.Entry> some = new java.util.LinkedHashMap<>();
        keys.forEach(k -> some.put(k, all.get(k)));
        return some;
    }

    /** A GNU MO file's strings: original → translation (what the client's gettext looks up). */
    static Map<String, String> readMo(final byte[] mo)
    {
        final ByteBuffer b = ByteBuffer.wrap(mo).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x950412de, b.getInt(0));
        final int n = b.getInt(8);
        final int originals = b.getInt(12);
        final int translations = b.getInt(16);
        final Map<String, String> all = new HashMap<>();
        for (int i = 0; i < n; i++)
        {
            all.put(string(mo, b, originals + 8 * i), string(mo, b, translations + 8 * i));
        }
        return all;
    }

    private static String string(final byte[] mo, final ByteBuffer b, final int at)
    {
        return new String(mo, b.getInt(at + 4), b.getInt(at), StandardCharsets.UTF_8);
    }
}
