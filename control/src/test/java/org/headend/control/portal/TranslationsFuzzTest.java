package org.headend.control.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.Map;

/**
 * Uploaded PO tables and clients' Accept-Language under arbitrary input: a table is refused with a reason, or is
 * imported and exports to a PO file that reads back with the same messages (contexts, plurals, flags and comments
 * included) next to the template's, and compiles to an MO file; picking a language never throws and only ever names
 * an imported one.
 */
class TranslationsFuzzTest
{
    @FuzzTest
    void tablesRoundTripOrAreRefusedWithAReason(final FuzzedDataProvider data) throws IOException
    {
        final String domain = data.pickValue(Translations.domains());
        final String acceptLanguage = data.consumeString(200);
        final byte[] po = data.consumeRemainingAsBytes();
        final PoFile.Table table;
        try
        {
            table = Translations.parse(domain, po);
        }
        catch (final IllegalArgumentException ex)
        {
            assertNotNull(ex.getMessage());
            assertFalse(ex.getMessage().isBlank());
            return;
        }
        assertTrue(table.entries().size() <= PoFile.MAX_ENTRIES);

        final Translations translations = Translations.inMemory();
        translations.importTable(domain, "xx", po);
        final Map<String, PoFile.Entry> exported = PoFile.parse(translations.export(domain, "xx")).entries();
        table.entries().forEach((key, entry) -> assertEquals(entry, exported.get(key),
            "the exported table does not read back the same"));
        assertTrue(exported.keySet().containsAll(Translations.template(domain)), "the template's messages are offered");
        assertTrue(translations.mo(domain, "xx").length > 0);
        final String picked = translations.pick(acceptLanguage, domain);
        assertTrue(picked == null || "xx".equals(picked), () -> "picked a language never imported: " + picked);
    }
}
