package org.headend.control.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A client's Accept-Language picks a translation; found by TranslationsFuzzTest: an empty item threw. */
class AcceptLanguageTest
{
    @Test
    void itemsWithoutATagAreSkippedNotFatal() throws IOException
    {
        final Translations translations = Translations.inMemory();
        translations.importTable("AnyConnect", "de", "msgid \"Connected\"\nmsgstr \"Verbunden\"\n"
            .getBytes(StandardCharsets.UTF_8));
        assertNull(translations.pick(";", "AnyConnect"));
        assertEquals("de", translations.pick(";q=1, ;, de-DE;q=0.5", "AnyConnect"));
    }
}
