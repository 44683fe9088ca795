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
 * Uploaded PO tables and clients' Accept-Language under arbitrary input: a table is refused with a reason or holds
 * only the domain's own msgids, exports to a PO file that parses back to the same table, and compiles to an MO file;
 * picking a language never throws and only ever names an imported one.
 */
class TranslationsFuzzTest
{
    @FuzzTest
    void tablesRoundTripOrAreRefusedWithAReason(final FuzzedDataProvider data) throws IOException
    {
        final String domain = data.pickValue(Translations.domains());
        final String acceptLanguage = data.consumeString(200);
        final byte[] po = data.consumeRemainingAsBytes();
        final Map<String, String> table;
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
        assertTrue(Translations.template(domain).containsAll(table.keySet()), "a msgid outside the template");

        final Translations translations = Translations.inMemory();
        translations.importTable(domain, "xx", po);
        assertEquals(table, Translations.parse(domain, translations.export(domain, "xx")).entrySet().stream()
            .filter(e -> !e.getValue().isEmpty() || table.containsKey(e.getKey()))
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
            "the exported table does not read back the same");
        assertTrue(translations.mo(domain, "xx").length > 0);
        final String picked = translations.pick(acceptLanguage, domain);
        assertTrue(picked == null || "xx".equals(picked), () -> "picked a language never imported: " + picked);
    }
}
